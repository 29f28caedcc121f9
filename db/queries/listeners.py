"""Reads about one listener: history, bans, stated preferences, listening events for stats.

Every function takes the user id from its caller (a service, which takes it from ``current_user``);
none of them ever reads another user's rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Artist,
    Ban,
    Genre,
    Interaction,
    Track,
    TrackGenre,
    UserPreference,
    as_utc,
)
from music.schema import AUDIO_FEATURES, Exclusions, HistoryEvent, InteractionKind

# What counts as "listening" in the insights: plays and the positive reactions that follow a play.
LISTENING_KINDS: tuple[InteractionKind, ...] = (
    InteractionKind.PLAY,
    InteractionKind.LIKE,
    InteractionKind.FAVOURITE,
)
# Kinds that mean "I have already given my verdict on this track": Home does not offer it again.
RATED_KINDS: tuple[InteractionKind, ...] = (
    InteractionKind.LIKE,
    InteractionKind.FAVOURITE,
    InteractionKind.SKIP,
    InteractionKind.BAN,
)


@dataclass(frozen=True)
class StoredPreferences:
    genres: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    artist_ids: tuple[int, ...] = ()
    adventurousness: float = 0.5
    onboarded_at: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.genres or self.moods or self.artist_ids)


@dataclass(frozen=True)
class BanRow:
    """A ban as the profile page and the API list it."""

    id: int
    track_id: str | None
    artist_id: int | None
    label: str  # "Song — Artist" for a track, the artist's name for an artist
    created_at: datetime


def history(session: Session, user_id: int, limit: int | None = None) -> list[HistoryEvent]:
    """The user's feedback events, oldest first (``limit`` keeps the newest ``limit``)."""
    query = (
        select(Interaction.track_id, Interaction.kind, Interaction.at)
        .where(Interaction.user_id == user_id)
        .order_by(Interaction.at.desc(), Interaction.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    events = [HistoryEvent(track, InteractionKind(kind), as_utc(at)) for track, kind, at in rows]
    return events[::-1]


def rated_in(events: Iterable[HistoryEvent]) -> frozenset[str]:
    """The tracks a complete history has rated, as ``rated_track_ids`` reads them from the table."""
    return frozenset(event.track_id for event in events if event.kind in RATED_KINDS)


def rated_track_ids(session: Session, user_id: int) -> frozenset[str]:
    query = select(Interaction.track_id).where(
        Interaction.user_id == user_id, Interaction.kind.in_(RATED_KINDS)
    )
    return frozenset(session.scalars(query.distinct()))


def bans(session: Session, user_id: int) -> Exclusions:
    """The tracks and artists the user banned, as the recommender and generators take them."""
    rows = session.execute(select(Ban.track_id, Ban.artist_id).where(Ban.user_id == user_id)).all()
    return Exclusions(
        track_ids=frozenset(track for track, _ in rows if track is not None),
        artist_ids=frozenset(artist for _, artist in rows if artist is not None),
    )


def ban_rows(
    session: Session, user_id: int, limit: int | None = None, offset: int = 0
) -> list[BanRow]:
    """The user's bans with readable labels, newest first (a page of them with ``limit``)."""
    query = (
        select(Ban, Track.name, Track.artist_names, Artist.name)
        .outerjoin(Track, Track.id == Ban.track_id)
        .outerjoin(Artist, Artist.id == Ban.artist_id)
        .where(Ban.user_id == user_id)
        .order_by(Ban.created_at.desc(), Ban.id.desc())
        .limit(limit)
        .offset(offset or None)
    )
    rows = []
    for ban, track_name, track_artists, artist_name in session.execute(query).all():
        label = f"{track_name} — {track_artists}" if ban.track_id else str(artist_name)
        rows.append(BanRow(ban.id, ban.track_id, ban.artist_id, label, as_utc(ban.created_at)))
    return rows


def ban_count(session: Session, user_id: int) -> int:
    return int(session.scalar(select(func.count(Ban.id)).where(Ban.user_id == user_id)) or 0)


def preferences(session: Session, user_id: int) -> StoredPreferences:
    row = session.get(UserPreference, user_id)
    if row is None:
        return StoredPreferences()
    return StoredPreferences(
        genres=tuple(str(g) for g in row.favourite_genres or ()),
        moods=tuple(str(m) for m in row.moods or ()),
        artist_ids=tuple(int(a) for a in row.favourite_artists or ()),
        adventurousness=float(row.adventurousness),
        onboarded_at=as_utc(row.onboarded_at) if row.onboarded_at else None,
    )


def existing_artist_ids(session: Session, artist_ids: Iterable[int]) -> frozenset[int]:
    wanted = list(dict.fromkeys(artist_ids))
    if not wanted:
        return frozenset()
    return frozenset(session.scalars(select(Artist.id).where(Artist.id.in_(wanted))))


def artist_names(session: Session, artist_ids: Iterable[int]) -> dict[int, str]:
    wanted = list(dict.fromkeys(artist_ids))
    if not wanted:
        return {}
    rows = session.execute(select(Artist.id, Artist.name).where(Artist.id.in_(wanted))).all()
    return {artist_id: name for artist_id, name in rows}


def listening_events(session: Session, user_id: int) -> pd.DataFrame:
    """One row per listening event (plays, likes, favourites) with the track's artist and audio.

    Columns: ``track_id, kind, at`` (UTC), ``artist_id, artist_name`` and every audio feature.
    """
    columns = [getattr(Track, feature) for feature in AUDIO_FEATURES]
    query = (
        select(
            Interaction.track_id,
            Interaction.kind,
            Interaction.at,
            Track.artist_id,
            Artist.name.label("artist_name"),
            *columns,
        )
        .join(Track, Track.id == Interaction.track_id)
        .join(Artist, Artist.id == Track.artist_id)
        .where(Interaction.user_id == user_id, Interaction.kind.in_(LISTENING_KINDS))
        .order_by(Interaction.at, Interaction.id)
    )
    rows = session.execute(query).all()
    names = ["track_id", "kind", "at", "artist_id", "artist_name", *AUDIO_FEATURES]
    frame = pd.DataFrame([tuple(row) for row in rows], columns=names)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    frame["kind"] = frame["kind"].map(lambda kind: InteractionKind(kind).value).astype("str")
    return frame


def listened_track_genres(session: Session, user_id: int) -> dict[str, tuple[str, ...]]:
    """Top-level genre slugs (a track may sit in several) of each track the user listened to."""
    listened = (
        select(Interaction.track_id)
        .where(Interaction.user_id == user_id, Interaction.kind.in_(LISTENING_KINDS))
        .distinct()
        .scalar_subquery()
    )
    query = (
        select(TrackGenre.track_id, Genre.slug)
        .join(Genre, Genre.id == TrackGenre.genre_id)
        .where(TrackGenre.track_id.in_(listened), Genre.parent_id.is_(None))
        .order_by(TrackGenre.track_id, Genre.slug)
    )
    genres: dict[str, list[str]] = {}
    for track_id, slug in session.execute(query).all():
        genres.setdefault(track_id, []).append(slug)
    return {track_id: tuple(slugs) for track_id, slugs in genres.items()}
