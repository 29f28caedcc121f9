"""Reads for playlists: a user's and the curated lists, a playlist's tracks as a frame, bans."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Artist, Ban, Genre, Playlist, PlaylistItem, Track

# The track columns a playlist editor shows, sorts by and sequences with (ml.ordering needs
# name, artist_id, key, mode, tempo, energy, valence).
TRACK_COLUMNS: tuple[str, ...] = (
    "name",
    "artist_id",
    "artist_names",
    "album_name",
    "release_year",
    "popularity",
    "duration_ms",
    "explicit",
    "danceability",
    "energy",
    "key",
    "mode",
    "loudness",
    "speechiness",
    "acousticness",
    "instrumentalness",
    "liveness",
    "valence",
    "tempo",
    "source",
)
ITEM_COLUMNS: tuple[str, ...] = ("item_id", "position", "track_id", "locked", *TRACK_COLUMNS)


@dataclass(frozen=True, slots=True)
class PlaylistRow:
    id: int
    name: str
    owner_id: int | None
    is_smart: bool
    track_count: int
    duration_ms: int
    updated_at: datetime


def _summaries(
    session: Session, *conditions, limit: int | None = None, offset: int = 0
) -> list[PlaylistRow]:
    totals = (
        select(
            PlaylistItem.playlist_id,
            func.count(PlaylistItem.id).label("tracks"),
            func.coalesce(func.sum(Track.duration_ms), 0).label("duration"),
        )
        .join(Track, Track.id == PlaylistItem.track_id)
        .group_by(PlaylistItem.playlist_id)
        .subquery()
    )
    query = (
        select(Playlist, totals.c.tracks, totals.c.duration)
        .outerjoin(totals, totals.c.playlist_id == Playlist.id)
        .where(*conditions)
        .order_by(Playlist.updated_at.desc(), Playlist.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [
        PlaylistRow(
            id=p.id,
            name=p.name,
            owner_id=p.owner_id,
            is_smart=p.generator is not None,
            track_count=int(tracks or 0),
            duration_ms=int(duration or 0),
            updated_at=p.updated_at,
        )
        for p, tracks, duration in session.execute(query)
    ]


def playlists_of(session: Session, owner_id: int) -> list[PlaylistRow]:
    """A user's playlists, most recently changed first."""
    return _summaries(session, Playlist.owner_id == owner_id)


def curated(session: Session, limit: int = 50, search: str | None = None) -> list[PlaylistRow]:
    """Playlists that came with the catalogue (no owner), optionally matching a name."""
    conditions = [Playlist.owner_id.is_(None)]
    if search:
        conditions.append(Playlist.name.ilike(f"%{search.strip()}%"))
    return _summaries(session, *conditions, limit=limit)


def playlist_page(
    session: Session, owner_id: int | None, limit: int, offset: int
) -> tuple[list[PlaylistRow], int]:
    """One page of a user's playlists (``owner_id``) or of the curated ones (None), newest change
    first, and how many there are in all."""
    condition = Playlist.owner_id.is_(None) if owner_id is None else Playlist.owner_id == owner_id
    total = session.scalar(select(func.count(Playlist.id)).where(condition)) or 0
    return _summaries(session, condition, limit=limit, offset=offset), int(total)


def visible_playlist(session: Session, playlist_id: int, user_id: int) -> Playlist | None:
    """The playlist if this user may read it: their own, or a curated one."""
    playlist = session.get(Playlist, playlist_id)
    if playlist is None or playlist.owner_id not in (user_id, None):
        return None
    return playlist


def owned_playlist(session: Session, playlist_id: int, user_id: int) -> Playlist | None:
    """The playlist if this user owns it, locked for update so concurrent edits queue."""
    return session.scalar(
        select(Playlist)
        .where(Playlist.id == playlist_id, Playlist.owner_id == user_id)
        .with_for_update()
    )


def item_count(session: Session, playlist_id: int) -> int:
    """How many tracks a playlist holds, without loading them."""
    return (
        session.scalar(
            select(func.count(PlaylistItem.id)).where(PlaylistItem.playlist_id == playlist_id)
        )
        or 0
    )


def _track_select():
    return [getattr(Track, column) for column in TRACK_COLUMNS]


def items_frame(session: Session, playlist_id: int) -> pd.DataFrame:
    """A playlist's tracks in play order, one row per item (``ITEM_COLUMNS``)."""
    query = (
        select(
            PlaylistItem.id,
            PlaylistItem.position,
            PlaylistItem.track_id,
            PlaylistItem.locked,
            *_track_select(),
        )
        .join(Track, Track.id == PlaylistItem.track_id)
        .where(PlaylistItem.playlist_id == playlist_id)
        .order_by(PlaylistItem.position)
    )
    return _frame(session.execute(query).all(), ITEM_COLUMNS)


def tracks_frame(session: Session, track_ids: Sequence[str]) -> pd.DataFrame:
    """Rows for these track ids in the order given; ids not in the catalogue are left out."""
    wanted = list(dict.fromkeys(str(t) for t in track_ids))
    if not wanted:
        return _frame([], ("track_id", *TRACK_COLUMNS))
    found = {}
    # Chunks keep the IN list well inside every backend's parameter limit.
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(Track.id, *_track_select()).where(Track.id.in_(chunk))
        found.update({row[0]: row for row in session.execute(query)})
    return _frame([found[t] for t in track_ids if t in found], ("track_id", *TRACK_COLUMNS))


def _frame(rows: Sequence, columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(columns))
    if "locked" in frame:
        frame["locked"] = frame["locked"].astype(bool)
    return frame


def bans_of(session: Session, user_id: int) -> tuple[frozenset[str], frozenset[int]]:
    """(banned track ids, banned artist ids) of a user."""
    rows = session.execute(select(Ban.track_id, Ban.artist_id).where(Ban.user_id == user_id))
    tracks, artists = set(), set()
    for track_id, artist_id in rows:
        if track_id is not None:
            tracks.add(str(track_id))
        if artist_id is not None:
            artists.add(int(artist_id))
    return frozenset(tracks), frozenset(artists)


def search_tracks(session: Session, text: str, limit: int = 20) -> list[tuple[str, str, str]]:
    """(track id, title, artists) whose title or artists contain ``text``, popular first."""
    pattern = f"%{text.strip()}%"
    query = (
        select(Track.id, Track.name, Track.artist_names)
        .where(Track.name.ilike(pattern) | Track.artist_names.ilike(pattern))
        .order_by(Track.popularity.desc(), Track.id)
        .limit(limit)
    )
    return [(str(i), str(n), str(a)) for i, n, a in session.execute(query)]


def tracks_by_id(session: Session, track_ids: Sequence[str]) -> list[tuple[str, str, str]]:
    query = select(Track.id, Track.name, Track.artist_names).where(Track.id.in_(list(track_ids)))
    return [(str(i), str(n), str(a)) for i, n, a in session.execute(query)]


def search_artists(session: Session, text: str, limit: int = 20) -> list[tuple[int, str]]:
    pattern = f"%{text.strip()}%"
    query = (
        select(Artist.id, Artist.name)
        .where(Artist.name.ilike(pattern))
        # Generators follow tracks.artist_id; a guest-only artist would give an empty playlist.
        .where(select(Track.id).where(Track.artist_id == Artist.id).exists())
        .order_by(Artist.popularity.desc(), Artist.id)
        .limit(limit)
    )
    return [(int(i), str(n)) for i, n in session.execute(query)]


def genre_slugs(session: Session) -> list[tuple[str, str]]:
    """(slug, name) of every top-level genre."""
    query = select(Genre.slug, Genre.name).where(Genre.parent_id.is_(None)).order_by(Genre.name)
    return [(str(s), str(n)) for s, n in session.execute(query)]
