"""Reads of every artist credited on a track (``track_artists``), in credit order."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Artist, TrackArtist

# Keys per IN list, well under SQLite's bound-parameter limit.
_CHUNK = 5_000


def credited_names(session: Session, track_ids: Sequence[str]) -> dict[str, list[str]]:
    """{track id: artist names in credit order} for the tracks that have credits."""
    wanted = list(dict.fromkeys(track_ids))
    names: dict[str, list[str]] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = (
            select(TrackArtist.track_id, Artist.name)
            .join(Artist, Artist.id == TrackArtist.artist_id)
            .where(TrackArtist.track_id.in_(wanted[start : start + _CHUNK]))
            .order_by(TrackArtist.track_id, TrackArtist.position)
        )
        for track_id, name in session.execute(query):
            names.setdefault(str(track_id), []).append(str(name))
    return names
