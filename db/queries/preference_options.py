"""What a listener can pick at onboarding and on their profile: genres, artists (searchable)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Artist, Genre, Track, TrackGenre


@dataclass(frozen=True)
class Choice:
    value: str | int
    label: str
    count: int = 0  # tracks behind the choice, so the biggest come first


def genre_choices(session: Session) -> list[Choice]:
    """Top-level genres with their track counts, largest first."""
    query = (
        select(Genre.slug, Genre.name, func.count(TrackGenre.track_id))
        .outerjoin(TrackGenre, TrackGenre.genre_id == Genre.id)
        .where(Genre.parent_id.is_(None))
        .group_by(Genre.id, Genre.slug, Genre.name)
        .order_by(func.count(TrackGenre.track_id).desc(), Genre.slug)
    )
    return [Choice(slug, name, count) for slug, name, count in session.execute(query).all()]


def search_artists(session: Session, text: str, limit: int = 20) -> list[Choice]:
    """Artists whose name contains ``text`` (case-insensitive), most popular first."""
    needle = " ".join(text.casefold().split())
    # Only artists leading a track: the recommender seeds from tracks.artist_id, so an artist
    # credited only as a guest ("A;B" rows) would be a favourite that changes nothing.
    leads = select(Track.id).where(Track.artist_id == Artist.id).exists()
    query = select(Artist.id, Artist.name, Artist.popularity).where(leads)
    if needle:
        # name_key is the case-folded name, so a LIKE on it is case-insensitive on every backend.
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Artist.name_key.like(f"%{escaped}%", escape="\\"))
    query = query.order_by(Artist.popularity.desc(), Artist.name).limit(limit)
    return [Choice(artist_id, name) for artist_id, name, _ in session.execute(query).all()]


def artists_in_genres(
    session: Session, genre_slugs: Sequence[str], exclude: Sequence[int] = (), limit: int = 12
) -> list[Choice]:
    """Suggestions: the artists with the most tracks in the chosen genres, most popular first."""
    if not genre_slugs:
        return []
    tracks = func.count(func.distinct(Track.id))
    query = (
        select(Artist.id, Artist.name, tracks)
        .join(Track, Track.artist_id == Artist.id)
        .join(TrackGenre, TrackGenre.track_id == Track.id)
        .join(Genre, Genre.id == TrackGenre.genre_id)
        .where(Genre.slug.in_(list(genre_slugs)))
        .group_by(Artist.id, Artist.name, Artist.popularity)
        .order_by(Artist.popularity.desc(), tracks.desc(), Artist.name)
        .limit(limit + len(exclude))
    )
    excluded = set(exclude)
    rows = [row for row in session.execute(query).all() if row[0] not in excluded]
    return [Choice(artist_id, name, count) for artist_id, name, count in rows[:limit]]
