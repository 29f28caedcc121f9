"""Playlists as records: list, read, create, rename, duplicate and delete, for one user at a time.

Every function takes the acting user's id (from ``current_user``, never from the client) and does
one unit of work in one transaction. A playlist another user owns is reported exactly like one
that does not exist (``PlaylistNotFound``), so ids cannot be probed. Curated playlists (no owner)
can be read and duplicated by anyone and edited by no one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from db.models import Playlist, PlaylistItem, utcnow
from db.queries import playlists as queries
from db.session import insert_in_batches, session_scope
from ml.ordering import flow_series
from music.keys import camelot_labels as _camelot_labels

MAX_NAME_LENGTH = 200
# The longest playlist anyone may store (MIXMAP_MAX_PLAYLIST_TRACKS overrides it): long enough for
# a day of music, short enough that every request on a playlist stays a bounded amount of work.
DEFAULT_MAX_PLAYLIST_TRACKS = 1000


class PlaylistServiceError(ValueError):
    """Something the user can fix; the message says what."""


class PlaylistNotFound(LookupError):
    """No such playlist for this user (also when it belongs to someone else)."""

    def __init__(self, playlist_id: int) -> None:
        super().__init__(f"playlist {playlist_id} not found")


class PlaylistReadOnly(PlaylistServiceError):
    """A curated playlist: it can be read and duplicated, not changed."""


class PlaylistTooLong(PlaylistServiceError):
    """The playlist would hold more tracks than the configured maximum (the API answers 400)."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(
            f"a playlist holds at most {limit} tracks; this one would have {count}: "
            "split it into several playlists"
        )
        self.count = count
        self.limit = limit


def max_playlist_tracks() -> int:
    """The configured cap (``MAX_PLAYLIST_TRACKS``), or the default outside an app."""
    if has_app_context():
        return int(current_app.config.get("MAX_PLAYLIST_TRACKS", DEFAULT_MAX_PLAYLIST_TRACKS))
    return DEFAULT_MAX_PLAYLIST_TRACKS


def check_length(count: int) -> None:
    limit = max_playlist_tracks()
    if count > limit:
        raise PlaylistTooLong(count, limit)


@dataclass(frozen=True)
class PlaylistSummary:
    id: int
    name: str
    is_curated: bool
    is_smart: bool
    track_count: int
    duration_ms: int
    updated_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "updated_at": iso(self.updated_at)}


@dataclass(frozen=True)
class PlaylistDetail:
    id: int
    name: str
    description: str | None
    is_curated: bool
    generator: dict[str, Any] | None
    items: pd.DataFrame  # queries.ITEM_COLUMNS, in play order
    created_at: datetime
    updated_at: datetime
    note: str | None = None  # what a generator wants the user to know ("only 7 tracks ...")

    @property
    def duration_ms(self) -> int:
        return int(self.items["duration_ms"].sum()) if len(self.items) else 0

    @property
    def track_ids(self) -> list[str]:
        return self.items["track_id"].astype(str).tolist()

    def item_records(self) -> list[dict[str, Any]]:
        """JSON-safe rows for the grid and the API."""
        frame = self.items.drop(columns=["item_id"]).astype(object)
        frame = frame.where(frame.notna(), None)
        return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "is_curated": self.is_curated,
            "is_smart": self.generator is not None,
            "generator": self.generator,
            "track_count": len(self.items),
            "duration_ms": self.duration_ms,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "note": self.note,
            "items": self.item_records(),
        }


def iso(moment: datetime) -> str:
    """RFC 3339 with the offset: SQLite hands timestamps back naive, and they are stored as UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


# --- reads --------------------------------------------------------------------------------------


def list_playlists(user_id: int, curated_limit: int = 50) -> tuple[list[PlaylistSummary], ...]:
    """(the user's playlists, curated playlists)."""
    with session_scope() as session:
        mine = queries.playlists_of(session, user_id)
        curated = queries.curated(session, limit=curated_limit)
    return [_summary(r) for r in mine], [_summary(r) for r in curated]


def playlist_page(
    user_id: int, *, curated: bool = False, limit: int, offset: int = 0
) -> tuple[list[PlaylistSummary], int]:
    """One page of the user's playlists, or of the curated ones, and how many there are."""
    with session_scope() as session:
        rows, total = queries.playlist_page(session, None if curated else user_id, limit, offset)
    return [_summary(r) for r in rows], total


def _summary(row: queries.PlaylistRow) -> PlaylistSummary:
    return PlaylistSummary(
        id=row.id,
        name=row.name,
        is_curated=row.owner_id is None,
        is_smart=row.is_smart,
        track_count=row.track_count,
        duration_ms=row.duration_ms,
        updated_at=row.updated_at,
    )


def get_playlist(user_id: int, playlist_id: int) -> PlaylistDetail:
    with session_scope() as session:
        playlist = queries.visible_playlist(session, playlist_id, user_id)
        if playlist is None:
            raise PlaylistNotFound(playlist_id)
        return detail_of(session, playlist)


def detail_of(session: Session, playlist: Playlist, note: str | None = None) -> PlaylistDetail:
    session.flush()
    return PlaylistDetail(
        id=playlist.id,
        name=playlist.name,
        description=playlist.description,
        is_curated=playlist.owner_id is None,
        generator=playlist.generator,
        items=queries.items_frame(session, playlist.id),
        created_at=playlist.created_at,
        updated_at=playlist.updated_at,
        note=note,
    )


def camelot_labels(key: pd.Series, mode: pd.Series) -> list[str]:
    """Each track's key as a DJ reads it: Camelot number and A (minor) / B (major), "?" unknown."""
    return _camelot_labels(key.to_numpy(), mode.to_numpy())


def flow_of(detail: PlaylistDetail) -> pd.DataFrame:
    """Energy, tempo and valence by position: the data behind the sparkline."""
    return flow_series(detail.items)


# --- creating -----------------------------------------------------------------------------------


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise PlaylistServiceError("give the playlist a name")
    name = " ".join(name.split())
    if len(name) > MAX_NAME_LENGTH:
        raise PlaylistServiceError(f"a playlist name has at most {MAX_NAME_LENGTH} characters")
    return name


def create_playlist(
    user_id: int,
    name: str,
    track_ids: Sequence[str] = (),
    description: str | None = None,
    generator: Mapping[str, Any] | None = None,
    note: str | None = None,
) -> PlaylistDetail:
    """A new playlist of these tracks (unknown ids are an error, repeats are kept as asked)."""
    name = check_name(name)
    check_length(len(track_ids))
    with session_scope(write=True) as session:
        tracks = queries.tracks_frame(session, list(track_ids))
        unknown = sorted(set(map(str, track_ids)) - set(tracks["track_id"]))
        if unknown:
            raise PlaylistServiceError(f"track {unknown[0]!r} is not in the catalogue")
        playlist = Playlist(
            owner_id=user_id,
            name=name,
            description=(description or "").strip() or None,
            generator=dict(generator) if generator is not None else None,
        )
        session.add(playlist)
        session.flush()
        insert_items(
            session,
            playlist.id,
            ((position, str(track_id), False) for position, track_id in enumerate(track_ids)),
        )
        return detail_of(session, playlist, note)


def insert_items(session: Session, playlist_id: int, items: Any) -> None:
    """Write (position, track_id, locked) rows in bounded batches (one unit of work still)."""
    insert_in_batches(
        session,
        PlaylistItem.__table__,
        (
            {"playlist_id": playlist_id, "position": p, "track_id": t, "locked": locked}
            for p, t, locked in items
        ),
    )


def owned(session: Session, user_id: int, playlist_id: int) -> Playlist:
    playlist = queries.owned_playlist(session, playlist_id, user_id)
    if playlist is None:
        if queries.visible_playlist(session, playlist_id, user_id) is not None:
            raise PlaylistReadOnly(
                "curated playlists cannot be changed: duplicate it to make your own copy"
            )
        raise PlaylistNotFound(playlist_id)
    return playlist


def rename(
    user_id: int, playlist_id: int, name: str, description: str | None = None
) -> PlaylistDetail:
    name = check_name(name)
    with session_scope(write=True) as session:
        playlist = owned(session, user_id, playlist_id)
        playlist.name = name
        if description is not None:
            playlist.description = description.strip() or None
        playlist.updated_at = utcnow()
        return detail_of(session, playlist)


def duplicate(user_id: int, playlist_id: int, name: str | None = None) -> PlaylistDetail:
    """A copy the user owns (of their own playlist or of a curated one), locks included."""
    with session_scope(write=True) as session:
        source = queries.visible_playlist(session, playlist_id, user_id)
        if source is None:
            raise PlaylistNotFound(playlist_id)
        copy = Playlist(
            owner_id=user_id,
            name=check_name(name or f"{source.name} (copy)"[:MAX_NAME_LENGTH]),
            description=source.description,
            generator=source.generator,
        )
        check_length(queries.item_count(session, source.id))
        session.add(copy)
        session.flush()
        insert_items(
            session,
            copy.id,
            ((item.position, item.track_id, item.locked) for item in source.items),
        )
        return detail_of(session, copy)


def delete(user_id: int, playlist_id: int) -> None:
    with session_scope(write=True) as session:
        session.delete(owned(session, user_id, playlist_id))
