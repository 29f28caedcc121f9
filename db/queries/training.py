"""Everything a training run reads from the database, as the frames ``ml.training`` takes."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Interaction, Playlist, PlaylistItem
from db.queries.catalogue import catalogue_frame
from music.schema import InteractionKind

EVENT_COLUMNS = ("listener", "track_id", "kind", "at")


def load_training_data(session: Session) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """(catalogue, events, curated playlists, newest interaction id the events include).

    Events are app users' feedback (listener ``"user:<id>"``) plus curated playlist membership as
    likes (listener ``"playlist:<id>"``, dated when the playlist was imported): a curator chose
    the track, and the evaluation protocol trains on playlists the same way. Playlists are
    ``(playlist_id, track_id)`` rows of curated playlists for the co-occurrence matrix.
    """
    until_id = session.scalar(select(func.max(Interaction.id))) or 0
    catalogue = catalogue_frame(session)
    feedback = session.execute(
        select(Interaction.user_id, Interaction.track_id, Interaction.kind, Interaction.at)
        .where(Interaction.id <= until_id)
        .order_by(Interaction.id)
    ).all()
    user_events = pd.DataFrame(
        {
            "listener": [f"user:{row[0]}" for row in feedback],
            "track_id": [row[1] for row in feedback],
            "kind": [InteractionKind(row[2]).value for row in feedback],
            "at": pd.to_datetime([row[3] for row in feedback], utc=True),
        }
    )
    membership = session.execute(
        select(Playlist.id, PlaylistItem.track_id, Playlist.created_at)
        .join(PlaylistItem, PlaylistItem.playlist_id == Playlist.id)
        .where(Playlist.owner_id.is_(None))
        .order_by(Playlist.id, PlaylistItem.position)
    ).all()
    playlists = pd.DataFrame(
        {
            "playlist_id": [str(row[0]) for row in membership],
            "track_id": [row[1] for row in membership],
        },
        dtype=object,
    )
    playlist_events = pd.DataFrame(
        {
            "listener": [f"playlist:{row[0]}" for row in membership],
            "track_id": [row[1] for row in membership],
            "kind": InteractionKind.LIKE.value,
            "at": pd.to_datetime([row[2] for row in membership], utc=True),
        }
    )
    frames = [frame for frame in (user_events, playlist_events) if len(frame)]
    events = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS})
    )
    if len(events):
        events["at"] = pd.to_datetime(events["at"], utc=True)
    return catalogue, events[list(EVENT_COLUMNS)], playlists, int(until_id)
