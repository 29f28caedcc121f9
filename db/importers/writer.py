"""Upsert parsed ``CatalogueFrames`` into the database inside the caller's transaction.

Every catalogue source (TidyTuesday, Kaggle, the demo generator) ends here. The bulk tables
(tracks, track genres, playlist items, artists) are diffed in Python against what is stored, then
only new rows are inserted and changed rows updated through ``db.bulk`` (pre-rendered SQL on the
driver's cursor, values through each column type's bind processor). The frames are checked first
(``catalogue_checks``), so a refused import writes nothing.

A re-import therefore writes nothing and reports 0 inserted, 0 updated. Small tables (genres,
playlists) use the dialect's ``INSERT ... ON CONFLICT``, which SQLite and PostgreSQL share.

Why this module passes 400 lines: it has one job, the catalogue upsert, written as one function
per table in the order foreign keys need (genres, artists, tracks, credits, track genres,
playlists, items). The SQL machinery is ``db.bulk`` and the checks ``catalogue_checks``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Float, Table, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from db import bulk
from db.importers.catalogue_checks import check_frames, check_track_references
from db.models import Artist, Genre, Playlist, PlaylistItem, Track, TrackArtist, TrackGenre
from music.catalogue_frames import CREDITED_ARTISTS, CatalogueFrames
from music.schema import AUDIO_FEATURES, artist_name_key, genre_slug

ARTISTS: Table = Artist.__table__  # type: ignore[assignment]
GENRES: Table = Genre.__table__  # type: ignore[assignment]
TRACKS: Table = Track.__table__  # type: ignore[assignment]
TRACK_GENRES: Table = TrackGenre.__table__  # type: ignore[assignment]
TRACK_ARTISTS: Table = TrackArtist.__table__  # type: ignore[assignment]
PLAYLISTS: Table = Playlist.__table__  # type: ignore[assignment]
PLAYLIST_ITEMS: Table = PlaylistItem.__table__  # type: ignore[assignment]

TRACK_VALUE_COLUMNS: tuple[str, ...] = (
    "name",
    "artist_id",
    "artist_names",
    "album_id",
    "album_name",
    "release_date",
    "release_year",
    "popularity",
    "duration_ms",
    "explicit",
    "key",
    "mode",
    *AUDIO_FEATURES,
    "time_signature",
    "source",
)
_INT_COLUMNS = ("popularity", "duration_ms", "key", "mode")
_NULLABLE_INT_COLUMNS = ("release_year", "time_signature")


@dataclass(frozen=True)
class WriteSummary:
    """What one write changed. "Updated" counts rows whose stored values actually changed."""

    tracks_inserted: int = 0
    tracks_updated: int = 0
    artists_inserted: int = 0
    artists_updated: int = 0  # existing artists whose mean popularity changed
    genres_inserted: int = 0  # top-level genres and subgenres
    track_artists_inserted: int = 0  # credits written (a track whose credits changed is rewritten)
    track_genres_inserted: int = 0
    playlists_inserted: int = 0
    playlists_updated: int = 0
    items_inserted: int = 0
    items_removed: int = 0  # items of re-imported playlists whose membership changed

    @property
    def inserted(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self) if f.name.endswith("_inserted"))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def progress_total(frames: CatalogueFrames) -> int:
    """The number of units ``write_catalogue`` reports through ``progress``: one per frame row."""
    return (
        len(frames.tracks)
        + len(frames.track_genres)
        + len(frames.playlists)
        + len(frames.playlist_items)
    )


def write_catalogue(
    session: Session | Connection,
    frames: CatalogueFrames,
    progress: Callable[[int], None] | None = None,
) -> WriteSummary:
    """Upsert ``frames`` in the caller's transaction; the caller commits (or rolls back) once.

    ``session`` is an ORM session or a Core connection; either way nothing is committed here.

    - artists by ``artist_name_key`` (the first spelling seen is kept),
    - genres by ``genre_slug``: a top-level row, and a ``genre/sub`` row whose parent is it,
    - tracks by id (changed fields are updated),
    - every credited artist of each track, in order (``CREDITED_ARTISTS``, else the primary one),
    - track genres as a union (nothing is removed),
    - curated playlists (no owner) by external id; each imported playlist's items are replaced
      by the imported order when they differ,
    - then every artist's popularity becomes the mean popularity of its tracks.

    ``progress(n)`` is called as rows are written; the calls add up to ``progress_total(frames)``.
    Raises ``ValueError`` when the frames contradict themselves (duplicate keys, unknown tracks).
    """
    tick = progress or (lambda _n: None)
    connection = session.connection() if isinstance(session, Session) else session
    check_frames(frames)
    check_track_references(connection, frames)
    bulk.grow_sqlite_cache(connection)
    now = datetime.now(UTC)

    genre_ids, genres_inserted = _write_genres(connection, frames)
    artist_ids, artists_before, artists_inserted = _write_artists(connection, frames.tracks)
    tracks_inserted, tracks_updated = _write_tracks(
        connection, frames.tracks, artist_ids, frames.source, now, tick
    )
    track_artists_inserted = _write_track_artists(connection, frames.tracks, artist_ids)
    track_genres_inserted = _write_track_genres(connection, frames.track_genres, genre_ids, tick)
    playlist_ids, playlists_inserted, playlists_updated = _write_playlists(
        connection, frames.playlists, genre_ids, now, tick
    )
    items_inserted, items_removed = _write_playlist_items(
        connection, frames.playlist_items, playlist_ids, tick
    )
    artists_updated = _recompute_artist_popularity(connection, artists_before)
    return WriteSummary(
        tracks_inserted=tracks_inserted,
        tracks_updated=tracks_updated,
        artists_inserted=artists_inserted,
        artists_updated=artists_updated,
        genres_inserted=genres_inserted,
        track_artists_inserted=track_artists_inserted,
        track_genres_inserted=track_genres_inserted,
        playlists_inserted=playlists_inserted,
        playlists_updated=playlists_updated,
        items_inserted=items_inserted,
        items_removed=items_removed,
    )


# --- genres -----------------------------------------------------------------------------------


def _genre_rows(frames: CatalogueFrames) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Top-level genres {slug: name} and subgenres {slug: (name, parent slug)} in the frames."""
    pairs = pd.concat(
        [frames.track_genres[["genre", "subgenre"]], frames.playlists[["genre", "subgenre"]]],
        ignore_index=True,
    )
    pairs = pairs[pairs["genre"].notna() & (pairs["genre"].astype(str).str.strip() != "")]
    pairs = pairs.drop_duplicates()
    top: dict[str, str] = {}
    sub: dict[str, tuple[str, str]] = {}
    for genre, subgenre in zip(
        bulk.python_values(pairs["genre"]), bulk.python_values(pairs["subgenre"]), strict=True
    ):
        parent = genre_slug(genre)
        top.setdefault(parent, " ".join(str(genre).split()))
        if subgenre is not None and str(subgenre).strip():
            sub.setdefault(genre_slug(genre, subgenre), (" ".join(str(subgenre).split()), parent))
    return top, sub


def _write_genres(connection: Connection, frames: CatalogueFrames) -> tuple[dict[str, int], int]:
    """Insert unseen genres, then unseen subgenres under them; return {slug: id} and inserted."""
    top, sub = _genre_rows(frames)
    statement = (
        bulk.dialect_insert(connection, GENRES)
        .on_conflict_do_nothing(index_elements=["slug"])
        .returning(GENRES.c.id)
    )
    inserted = 0
    if top:
        rows = [{"slug": slug, "name": name, "parent_id": None} for slug, name in top.items()]
        inserted += len(connection.execute(statement, rows).all())
    if sub:
        parents = bulk.ids_by(connection, GENRES.c.slug, GENRES.c.id, top)
        rows = [
            {"slug": slug, "name": name, "parent_id": parents[parent]}
            for slug, (name, parent) in sub.items()
        ]
        inserted += len(connection.execute(statement, rows).all())
    return bulk.ids_by(connection, GENRES.c.slug, GENRES.c.id, [*top, *sub]), inserted


def _genre_id(genre_ids: dict[str, int], genre: Any, subgenre: Any) -> int | None:
    if genre is None or not str(genre).strip():
        return None
    if subgenre is not None and str(subgenre).strip():
        return genre_ids[genre_slug(genre, subgenre)]
    return genre_ids[genre_slug(genre)]


# --- artists ----------------------------------------------------------------------------------


def _write_artists(
    connection: Connection, tracks: pd.DataFrame
) -> tuple[dict[str, int], set[int], int]:
    """Insert unseen credited artists; return {name key: id}, ids that existed before, inserted."""
    names = [name for credits in _credits(tracks) for name in credits]
    first_spelling: dict[str, str] = {}
    for name, key in zip(names, _artist_keys(names), strict=True):
        first_spelling.setdefault(key, " ".join(name.split()))
    existing = bulk.ids_by(connection, ARTISTS.c.name_key, ARTISTS.c.id, first_spelling)
    before = set(existing.values())
    rows = [(name, key, 0.0) for key, name in first_spelling.items() if key not in existing]
    bulk.insert_many(connection, ARTISTS, ("name", "name_key", "popularity"), rows)
    inserted = len(rows)
    existing.update(bulk.ids_by(connection, ARTISTS.c.name_key, ARTISTS.c.id, [r[1] for r in rows]))
    return existing, before, inserted


def _credits(tracks: pd.DataFrame) -> list[list[str]]:
    """Each track's credited artist names in order, the primary artist first."""
    primary = [str(n) for n in bulk.python_values(tracks["primary_artist"])]
    if CREDITED_ARTISTS not in tracks.columns:
        return [[name] for name in primary]
    credits = []
    for first, names in zip(primary, bulk.python_values(tracks[CREDITED_ARTISTS]), strict=True):
        names = [str(n) for n in names or ()]
        if not names or artist_name_key(names[0]) != artist_name_key(first):
            names = [first, *names]
        credits.append(names)
    return credits


def _write_track_artists(
    connection: Connection, tracks: pd.DataFrame, artist_ids: dict[str, int]
) -> int:
    """Rewrite the credits of tracks whose ordered artist list changed; return rows inserted."""
    ids = [str(v) for v in bulk.python_values(tracks["track_id"])]
    wanted: dict[str, list[int]] = {}
    for track_id, names in zip(ids, _credits(tracks), strict=True):
        # One credit per artist: "A;a" names the same artist twice.
        wanted[track_id] = list(dict.fromkeys(artist_ids[key] for key in _artist_keys(names)))
    stored: dict[str, list[tuple[int, int]]] = {}
    for track_id, position, artist_id in bulk.select_in(
        connection,
        [TRACK_ARTISTS.c.track_id, TRACK_ARTISTS.c.position, TRACK_ARTISTS.c.artist_id],
        TRACK_ARTISTS.c.track_id,
        ids,
    ):
        stored.setdefault(track_id, []).append((position, artist_id))
    changed = [
        track_id
        for track_id, artists in wanted.items()
        if [a for _, a in sorted(stored.get(track_id, []))] != artists
    ]
    stale = [track_id for track_id in changed if track_id in stored]
    for start in range(0, len(stale), bulk.IN_LIST_SIZE):
        chunk = stale[start : start + bulk.IN_LIST_SIZE]
        connection.execute(delete(TRACK_ARTISTS).where(TRACK_ARTISTS.c.track_id.in_(chunk)))
    rows = [
        (track_id, position, artist_id)
        for track_id in changed
        for position, artist_id in enumerate(wanted[track_id])
    ]
    bulk.insert_many(connection, TRACK_ARTISTS, ("track_id", "position", "artist_id"), rows)
    return len(rows)


def _artist_keys(names: list[str]) -> list[str]:
    """``artist_name_key`` of each name, computed once per distinct spelling."""
    keys = {name: artist_name_key(name) for name in set(names)}
    return [keys[name] for name in names]


def _recompute_artist_popularity(connection: Connection, artists_before: set[int]) -> int:
    """Set each artist's popularity to the mean of the tracks crediting it; return how many
    existing artists changed. Featured artists count too, or they would all sit at 0."""
    mean = (
        select(func.coalesce(cast(func.avg(TRACKS.c.popularity), Float), 0.0))
        .select_from(TRACK_ARTISTS.join(TRACKS, TRACKS.c.id == TRACK_ARTISTS.c.track_id))
        .where(TRACK_ARTISTS.c.artist_id == ARTISTS.c.id)
        .scalar_subquery()
    )
    statement = (
        update(ARTISTS)
        .where(ARTISTS.c.popularity.is_distinct_from(mean))
        .values(popularity=mean)
        .returning(ARTISTS.c.id)
    )
    changed = connection.execute(statement).scalars().all()
    return sum(1 for artist_id in changed if artist_id in artists_before)


# --- tracks -----------------------------------------------------------------------------------


def _track_records(
    tracks: pd.DataFrame, artist_ids: dict[str, int], source: str, now: datetime
) -> dict[str, list[Any]]:
    primary = [str(n) for n in bulk.python_values(tracks["primary_artist"])]
    artist_names = [
        names if names is not None else first
        for names, first in zip(bulk.text_values(tracks["artist_names"]), primary, strict=True)
    ]
    columns: dict[str, list[Any]] = {
        "id": [str(v) for v in bulk.python_values(tracks["track_id"])],
        "name": [str(v) for v in bulk.python_values(tracks["name"])],
        "artist_id": [artist_ids[key] for key in _artist_keys(primary)],
        "artist_names": artist_names,
        "album_id": bulk.text_values(tracks["album_id"]),
        "album_name": bulk.text_values(tracks["album_name"]),
        "release_date": bulk.dates(tracks["release_date"]),
        "explicit": bulk.python_values(tracks["explicit"].astype("boolean")),
    }
    for column in _INT_COLUMNS:
        columns[column] = bulk.python_values(pd.to_numeric(tracks[column]).astype("int64"))
    for column in _NULLABLE_INT_COLUMNS:
        columns[column] = bulk.python_values(pd.to_numeric(tracks[column]).astype("Int64"))
    for column in AUDIO_FEATURES:
        columns[column] = bulk.python_values(pd.to_numeric(tracks[column]).astype("float64"))
    columns["source"] = [source] * len(tracks)
    return columns


def _write_tracks(
    connection: Connection,
    tracks: pd.DataFrame,
    artist_ids: dict[str, int],
    source: str,
    now: datetime,
    tick: Callable[[int], None],
) -> tuple[int, int]:
    """Insert new tracks, update those whose stored values differ; return (inserted, updated)."""
    columns = _track_records(tracks, artist_ids, source, now)
    bound = {
        name: bulk.bound(connection, TRACKS.c[name], values) for name, values in columns.items()
    }
    ids = bound["id"]
    compared = list(TRACK_VALUE_COLUMNS)
    stored = {
        row[0]: row[1:]
        for row in bulk.select_in(
            connection, [TRACKS.c.id, *(TRACKS.c[c] for c in compared)], TRACKS.c.id, ids
        )
    }
    values = list(zip(*(bound[c] for c in compared), strict=True))
    at = bulk.bound(connection, TRACKS.c.imported_at, [now])[0]
    new_rows: list[tuple] = []
    changed_rows: list[tuple] = []
    for track_id, row in zip(ids, values, strict=True):
        before = stored.get(track_id)
        # Raw stored values equal bound incoming ones (SQLite's 1/0 equal True/False).
        if before is None:
            new_rows.append((track_id, *row, at))
        elif before != row:
            changed_rows.append((*row, at, track_id))
    bulk.insert_many(connection, TRACKS, ("id", *compared, "imported_at"), new_rows)
    bulk.update_many(connection, TRACKS, (*compared, "imported_at"), "id", changed_rows)
    tick(len(ids))
    return len(new_rows), len(changed_rows)


def _write_track_genres(
    connection: Connection,
    track_genres: pd.DataFrame,
    genre_ids: dict[str, int],
    tick: Callable[[int], None],
) -> int:
    pairs: dict[tuple[str, int], None] = {}
    memo: dict[tuple[Any, Any], tuple[int | None, int | None]] = {}
    for track_id, genre, subgenre in zip(
        bulk.python_values(track_genres["track_id"]),
        bulk.python_values(track_genres["genre"]),
        bulk.python_values(track_genres["subgenre"]),
        strict=True,
    ):
        # A track with a subgenre carries both the subgenre and its top-level genre.
        label = (genre, subgenre)
        if label not in memo:
            memo[label] = (
                _genre_id(genre_ids, genre, None),
                _genre_id(genre_ids, genre, subgenre),
            )
        top, sub = memo[label]
        if top is None:
            continue
        pairs[(str(track_id), top)] = None
        if sub is not None:
            pairs[(str(track_id), sub)] = None
    stored = set(
        bulk.select_in(
            connection,
            [TRACK_GENRES.c.track_id, TRACK_GENRES.c.genre_id],
            TRACK_GENRES.c.track_id,
            {track_id for track_id, _ in pairs},
        )
    )
    rows = [pair for pair in pairs if pair not in stored]
    bulk.insert_many(connection, TRACK_GENRES, ("track_id", "genre_id"), rows)
    inserted = len(rows)
    tick(len(track_genres))
    return inserted


# --- playlists --------------------------------------------------------------------------------


def _write_playlists(
    connection: Connection,
    playlists: pd.DataFrame,
    genre_ids: dict[str, int],
    now: datetime,
    tick: Callable[[int], None],
) -> tuple[dict[str, int], int, int]:
    external_ids = [str(v) for v in bulk.python_values(playlists["external_id"])]
    records = bulk.records(
        {
            "external_id": external_ids,
            "name": [str(v) for v in bulk.python_values(playlists["name"])],
            "genre_id": [
                _genre_id(genre_ids, g, s)
                for g, s in zip(
                    bulk.python_values(playlists["genre"]),
                    bulk.python_values(playlists["subgenre"]),
                    strict=True,
                )
            ],
            "owner_id": [None] * len(playlists),
            "created_at": [now] * len(playlists),
            "updated_at": [now] * len(playlists),
        }
    )
    existing = set(bulk.ids_by(connection, PLAYLISTS.c.external_id, PLAYLISTS.c.id, external_ids))
    insert = bulk.dialect_insert(connection, PLAYLISTS)
    compared = ("name", "genre_id", "owner_id")
    statement = insert.on_conflict_do_update(
        index_elements=["external_id"],
        set_={
            **{c: insert.excluded[c] for c in compared},
            "updated_at": insert.excluded.updated_at,
        },
        where=or_(*(PLAYLISTS.c[c].is_distinct_from(insert.excluded[c]) for c in compared)),
    ).returning(PLAYLISTS.c.external_id)
    inserted = updated = 0
    for batch in bulk.batches(records):
        for external_id in connection.execute(statement, batch).scalars():
            if external_id in existing:
                updated += 1
            else:
                inserted += 1
    tick(len(playlists))
    ids = bulk.ids_by(connection, PLAYLISTS.c.external_id, PLAYLISTS.c.id, external_ids)
    return ids, inserted, updated


def _write_playlist_items(
    connection: Connection,
    items: pd.DataFrame,
    playlist_ids: dict[str, int],
    tick: Callable[[int], None],
) -> tuple[int, int]:
    """Replace each imported playlist's items when its ordered membership changed."""
    ordered = items.assign(
        playlist_id=items["playlist_external_id"].astype(str).map(playlist_ids),
        track_id=items["track_id"].astype(str),
        position=pd.to_numeric(items["position"]).astype("int64"),
    ).sort_values(["playlist_id", "position"], kind="stable")
    wanted: dict[int, list[str]] = {
        int(pid): list(group["track_id"])
        for pid, group in ordered.groupby("playlist_id", sort=False)
    }
    stored_rows = bulk.select_in(
        connection,
        [PLAYLIST_ITEMS.c.playlist_id, PLAYLIST_ITEMS.c.position, PLAYLIST_ITEMS.c.track_id],
        PLAYLIST_ITEMS.c.playlist_id,
        wanted,
    )
    stored: dict[int, list[str]] = {pid: [] for pid in wanted}
    for playlist_id, _position, track_id in sorted(stored_rows):
        stored[playlist_id].append(track_id)
    changed = [pid for pid, tracks in wanted.items() if stored[pid] != tracks]
    removed = sum(len(stored[pid]) for pid in changed)
    for start in range(0, len(changed), bulk.IN_LIST_SIZE):
        chunk = changed[start : start + bulk.IN_LIST_SIZE]
        connection.execute(delete(PLAYLIST_ITEMS).where(PLAYLIST_ITEMS.c.playlist_id.in_(chunk)))
    added_at = bulk.bound(connection, PLAYLIST_ITEMS.c.added_at, [datetime.now(UTC)])[0]
    unlocked = bulk.bound(connection, PLAYLIST_ITEMS.c.locked, [False])[0]
    rows = [
        (pid, position, track_id, unlocked, added_at)
        for pid in changed
        for position, track_id in enumerate(wanted[pid])
    ]
    bulk.insert_many(
        connection,
        PLAYLIST_ITEMS,
        ("playlist_id", "position", "track_id", "locked", "added_at"),
        rows,
    )
    tick(len(items))
    return len(rows), removed
