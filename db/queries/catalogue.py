"""The stored catalogue as the frame ``ml`` trains on (``music.schema.CATALOGUE_COLUMNS``).

Same shape as ``music.catalogue_frames.catalogue_frame`` builds from parsed files, except that
artist ids are the database's. Rows come in ``track_id`` order so that two reads of the same data
give the same frame (and the same model).

Genres: ``track_genres`` links a track to its subgenre (or to a top-level genre when the source has
no subgenre). ``genres`` are the top-level slugs, ``subgenres`` the ``genre/sub`` slugs, and the
main ``genre`` is the top-level genre of most of the track's curated playlists (what the parsed
frame calls "most frequent among its playlists"), else the first of its genres, else "unknown".
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.models import Artist, Genre, Playlist, PlaylistItem, Track, TrackGenre
from music.schema import AUDIO_FEATURES, CATALOGUE_COLUMNS

_TRACK_FIELDS = (
    "id",
    "name",
    "artist_id",
    "album_name",
    "release_year",
    "popularity",
    "duration_ms",
    "explicit",
    "key",
    "mode",
    *AUDIO_FEATURES,
    "source",
)


def track_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Track)) or 0


def catalogue_frame(session: Session) -> pd.DataFrame:
    """Every stored track as a CATALOGUE_COLUMNS frame, ordered by ``track_id``."""
    query = (
        select(*(getattr(Track, name) for name in _TRACK_FIELDS), Artist.name, Artist.popularity)
        .join(Artist, Track.artist_id == Artist.id)
        .order_by(Track.id)
    )
    rows = session.execute(query).all()
    raw = pd.DataFrame(
        rows, columns=[*_TRACK_FIELDS, "artist_name", "artist_popularity"], dtype=object
    )
    frame = pd.DataFrame(
        {
            "track_id": raw["id"].astype(str),
            "name": raw["name"].fillna("").astype(str),
            "artist_id": raw["artist_id"].astype("int64"),
            "artist_name": raw["artist_name"].fillna("").astype(str),
            "album_name": raw["album_name"].fillna("").astype(str),
            "release_year": pd.array(raw["release_year"].tolist(), dtype="Int64"),
            "popularity": raw["popularity"].fillna(0).astype("int64"),
            "artist_popularity": raw["artist_popularity"].fillna(0.0).astype("float64"),
            "duration_ms": raw["duration_ms"].astype("int64"),
            "explicit": pd.array(raw["explicit"].tolist(), dtype="boolean"),
            "key": raw["key"].astype("int64"),
            "mode": raw["mode"].astype("int64"),
            **{feature: raw[feature].astype("float64") for feature in AUDIO_FEATURES},
            "source": raw["source"].astype(str),
        }
    )
    genres, subgenres, main = _track_genres(session)
    frame["genres"] = [genres.get(t, ()) for t in frame["track_id"]]
    frame["subgenres"] = [subgenres.get(t, ()) for t in frame["track_id"]]
    frame["genre"] = [
        main.get(t) or (genres[t][0] if genres.get(t) else "unknown") for t in frame["track_id"]
    ]
    frame["genre"] = frame["genre"].astype(str)
    return frame[list(CATALOGUE_COLUMNS)]


def _track_genres(
    session: Session,
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, str]]:
    parent = aliased(Genre)
    links = session.execute(
        select(TrackGenre.track_id, Genre.slug, parent.slug)
        .join(Genre, TrackGenre.genre_id == Genre.id)
        .outerjoin(parent, Genre.parent_id == parent.id)
    ).all()
    top: dict[str, set[str]] = {}
    sub: dict[str, set[str]] = {}
    for track_id, slug, parent_slug in links:
        if parent_slug is None:
            top.setdefault(track_id, set()).add(slug)
        else:
            top.setdefault(track_id, set()).add(parent_slug)
            sub.setdefault(track_id, set()).add(slug)
    genres = {t: tuple(sorted(s)) for t, s in top.items()}
    subgenres = {t: tuple(sorted(s)) for t, s in sub.items()}

    # The top-level genre of each curated playlist a track is in; the commonest wins.
    parent = aliased(Genre)
    playlist_genres = session.execute(
        select(PlaylistItem.track_id, func.coalesce(parent.slug, Genre.slug), func.count())
        .join(Playlist, PlaylistItem.playlist_id == Playlist.id)
        .join(Genre, Playlist.genre_id == Genre.id)
        .outerjoin(parent, Genre.parent_id == parent.id)
        .where(Playlist.owner_id.is_(None))
        .group_by(PlaylistItem.track_id, func.coalesce(parent.slug, Genre.slug))
    ).all()
    best: dict[str, tuple[int, str]] = {}
    for track_id, slug, count in playlist_genres:
        current = best.get(track_id)
        # Most playlists first; ties go to the alphabetically first slug (deterministic).
        if current is None or (count, _reverse(slug)) > (current[0], _reverse(current[1])):
            best[track_id] = (count, slug)
    return genres, subgenres, {t: slug for t, (_, slug) in best.items()}


def _reverse(slug: str) -> tuple[int, ...]:
    """A key under which the alphabetically first slug compares greatest."""
    return tuple(-ord(c) for c in slug)
