"""Upsert parsed ``CatalogueFrames`` into the database inside the caller's transaction.

Every catalogue source (TidyTuesday, Kaggle, the demo generator) ends here. The bulk tables
(tracks, track genres, playlist items, artists) are diffed in Python against what is stored, then
only new rows are inserted and changed rows updated with the driver's ``executemany`` on
pre-rendered SQL: SQLAlchemy's per-row parameter handling cost more than the database itself
(30 s for the TidyTuesday file on SQLite, against 3 s this way). Values still go through each
column type's own bind processor, so what is stored is exactly what the ORM would store.

A re-import therefore writes nothing and reports 0 inserted, 0 updated. Small tables (genres,
playlists) use the dialect's ``INSERT ... ON CONFLICT``, which SQLite and PostgreSQL share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Float, Table, cast, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

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

# Rows handed to one execute() call. SQLAlchemy splits each call into multi-row VALUES statements
# within the backend's parameter limit; this size only sets how often progress is reported.
BATCH_ROWS = 5_000
# Values bound in one multi-row INSERT: under SQLite's 32,766 and PostgreSQL's 65,535.
MAX_BOUND_PARAMETERS = 30_000
# Rows per PostgreSQL "INSERT ... SELECT FROM unnest(arrays)" statement.
UNNEST_ROWS = 20_000
# SQLite page cache during an import, in KiB (negative cache_size means KiB).
SQLITE_CACHE_KIB = 256 * 1024
# Keys per "IN (...)" list, well under SQLite's 32,766 bound parameters.
IN_LIST_SIZE = 5_000

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
    _check_frames(frames)
    _check_track_references(connection, frames)
    _grow_sqlite_cache(connection)
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


def _grow_sqlite_cache(connection: Connection) -> None:
    """Let SQLite keep a large import's indexes in memory (the default cache is 2 MB).

    Spotify ids are random, so inserts land all over the primary-key B-tree; with the default
    cache most of them reread pages. The setting lasts for this pooled connection, which is fine
    for a process that imports; it is a memory ceiling, not an allocation.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")


# --- checks -----------------------------------------------------------------------------------


def _check_frames(frames: CatalogueFrames) -> None:
    tracks = frames.tracks
    duplicated = tracks["track_id"][tracks["track_id"].duplicated()]
    if len(duplicated):
        raise ValueError(f"tracks frame repeats track ids: {_sample(duplicated)}")
    for column in ("track_id", "name", "primary_artist", "duration_ms", *AUDIO_FEATURES):
        if tracks[column].isna().any():
            raise ValueError(f"tracks frame has empty values in required column {column!r}")
    playlists = frames.playlists
    duplicated = playlists["external_id"][playlists["external_id"].duplicated()]
    if len(duplicated):
        raise ValueError(f"playlists frame repeats external ids: {_sample(duplicated)}")
    items = frames.playlist_items
    if items.duplicated(["playlist_external_id", "position"]).any():
        raise ValueError("playlist_items frame repeats a (playlist, position) pair")
    unknown = set(items["playlist_external_id"]) - set(playlists["external_id"])
    if unknown:
        raise ValueError(f"playlist_items name playlists not in the frame: {_sample(unknown)}")
    _check_lengths(
        tracks,
        {
            "track_id": TRACKS.c.id,
            "name": TRACKS.c.name,
            "primary_artist": ARTISTS.c.name,
            "artist_names": TRACKS.c.artist_names,
            "album_id": TRACKS.c.album_id,
            "album_name": TRACKS.c.album_name,
        },
    )
    _check_lengths(playlists, {"external_id": PLAYLISTS.c.external_id, "name": PLAYLISTS.c.name})


def _check_lengths(frame: pd.DataFrame, targets: dict[str, Any]) -> None:
    """Refuse strings longer than their column: PostgreSQL would fail halfway, SQLite not at all."""
    for column, target in targets.items():
        values = frame[column].dropna()
        if len(values) and values.astype(str).str.len().max() > target.type.length:
            raise ValueError(
                f"{column!r} has values longer than {target.type.length} characters "
                f"({target.table.name}.{target.name})"
            )


def _check_track_references(connection: Connection, frames: CatalogueFrames) -> None:
    """Genres and playlist items may only name tracks in the frames or already stored."""
    known = set(frames.tracks["track_id"].astype(str))
    named = set(frames.track_genres["track_id"].astype(str)) | set(
        frames.playlist_items["track_id"].astype(str)
    )
    outside = named - known
    if outside:
        outside -= set(_ids_by(connection, TRACKS.c.id, TRACKS.c.id, outside))
    if outside:
        raise ValueError(f"genres or playlist items name unknown tracks: {_sample(outside)}")


def _sample(values: Iterable[Any], limit: int = 5) -> str:
    values = sorted({str(v) for v in values})
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(values[:limit]) + more


# --- statements -------------------------------------------------------------------------------


def _insert(connection: Connection, table: Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (same call on SQLite and PostgreSQL)."""
    name = connection.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"catalogue import supports SQLite and PostgreSQL, not {name}")


def _batches(rows: Sequence[dict[str, Any]], size: int = BATCH_ROWS) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])


def _ids_by(connection: Connection, key: Any, id_column: Any, keys: Iterable[Any]) -> dict:
    """{key: id} for the given keys that exist, queried in chunks."""
    return {row[0]: row[1] for row in _select_in(connection, [key, id_column], key, keys)}


def _placeholder(connection: Connection) -> str:
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def _names(connection: Connection, names: Iterable[str]) -> str:
    """Identifiers quoted where the dialect needs it ("key" is a keyword in places)."""
    return ", ".join(connection.dialect.identifier_preparer.quote(n) for n in names)


def _select_in(
    connection: Connection, columns: Sequence[Any], key: Any, keys: Iterable[Any]
) -> list[tuple]:
    """Raw rows of ``columns`` whose ``key`` is in ``keys``, as the driver returns them."""
    keys = list(keys)
    names = _names(connection, [column.name for column in columns])
    select_from = f"SELECT {names} FROM {key.table.name} WHERE {key.name}"
    postgres = connection.dialect.name == "postgresql"
    # One array parameter on PostgreSQL: psycopg parses a query with thousands of %s slowly.
    # "IN (SELECT unnest(...))", not "= ANY(...)": psycopg prepares a statement run five times,
    # and PostgreSQL's generic plan for "= ANY($1)" scans the 5,000-key array linearly for every
    # row (a no-op re-import of 114k rows took 100 s on the tracks look-up); the semi-join form
    # hashes the keys in any plan.
    by_array = f"{select_from} IN (SELECT unnest(%s::{_sql_type(connection, key)}[]))"
    mark = _placeholder(connection)
    found: list[tuple] = []
    cursor = _cursor(connection)
    try:
        for start in range(0, len(keys), IN_LIST_SIZE):
            chunk = keys[start : start + IN_LIST_SIZE]
            if postgres:
                cursor.execute(by_array, (chunk,), binary=True)
            else:
                cursor.execute(f"{select_from} IN ({', '.join([mark] * len(chunk))})", chunk)
            found.extend(tuple(row) for row in cursor.fetchall())
    finally:
        cursor.close()
    return found


def _sql_type(connection: Connection, column: Any) -> str:
    """The column's SQL type without a length ("VARCHAR(64)" -> "VARCHAR"), for array casts."""
    return column.type.compile(dialect=connection.dialect).split("(")[0]


def _cursor(connection: Connection) -> Any:
    """A DBAPI cursor on the connection's current transaction (no per-row result wrapping)."""
    return connection.connection.cursor()


def _bound(connection: Connection, column: Any, values: list[Any]) -> list[Any]:
    """``values`` as the column type's bind processor hands them to the driver."""
    process = column.type._cached_bind_processor(connection.dialect)
    if process is None:
        return values
    return [None if v is None else process(v) for v in values]


def _insert_many(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple],
    tick: Callable[[int], None] = lambda _n: None,
) -> None:
    """Plain ``INSERT`` of already-bound row tuples, in few large statements.

    PostgreSQL gets one array per column and ``SELECT * FROM unnest(...)``: a handful of
    parameters per statement, where a multi-row VALUES list costs psycopg seconds of query
    parsing and executemany one round trip per row. SQLite gets multi-row VALUES.
    """
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _insert_unnest(connection, table, columns, rows, tick)
        return
    mark = _placeholder(connection)
    one_row = f"({', '.join([mark] * len(columns))})"
    head = f"INSERT INTO {table.name} ({_names(connection, columns)}) VALUES "
    per_statement = max(1, MAX_BOUND_PARAMETERS // len(columns))
    full_sql = head + ", ".join([one_row] * per_statement)
    cursor = _cursor(connection)
    try:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            if len(batch) == per_statement:
                sql = full_sql
            else:
                sql = head + ", ".join([one_row] * len(batch))
            cursor.execute(sql, [value for row in batch for value in row])
            tick(len(batch))
    finally:
        cursor.close()


def _insert_unnest(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple],
    tick: Callable[[int], None],
) -> None:
    types = [table.c[name].type.compile(dialect=connection.dialect) for name in columns]
    arrays = ", ".join(f"%s::{type_}[]" for type_ in types)
    sql = f"INSERT INTO {table.name} ({_names(connection, columns)}) SELECT * FROM unnest({arrays})"
    cursor = _cursor(connection)
    try:
        for start in range(0, len(rows), UNNEST_ROWS):
            batch = rows[start : start + UNNEST_ROWS]
            arrays = [list(values) for values in zip(*batch, strict=True)]
            cursor.execute(sql, arrays, binary=True)
            tick(len(batch))
    finally:
        cursor.close()


def _update_many(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    key: str,
    rows: Sequence[tuple],
) -> None:
    """``UPDATE ... WHERE key = ?`` for row tuples of (*columns values, key value)."""
    mark = _placeholder(connection)
    quote = connection.dialect.identifier_preparer.quote
    assignments = ", ".join(f"{quote(column)} = {mark}" for column in columns)
    sql = f"UPDATE {table.name} SET {assignments} WHERE {key} = {mark}"
    cursor = _cursor(connection)
    try:
        for start in range(0, len(rows), BATCH_ROWS):
            cursor.executemany(sql, list(rows[start : start + BATCH_ROWS]))
    finally:
        cursor.close()


def _python_values(series: pd.Series) -> list[Any]:
    """Plain Python scalars with None for missing values (DB drivers refuse numpy scalars)."""
    return series.to_numpy(dtype=object, na_value=None).tolist()


def _records(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _text(series: pd.Series) -> list[str | None]:
    values = _python_values(series)
    return [None if v is None or v == "" else str(v) for v in values]


def _dates(series: pd.Series) -> list[date | None]:
    def as_date(value: Any) -> date | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return pd.Timestamp(value).date()

    return [as_date(v) for v in _python_values(series)]


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
        _python_values(pairs["genre"]), _python_values(pairs["subgenre"]), strict=True
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
        _insert(connection, GENRES)
        .on_conflict_do_nothing(index_elements=["slug"])
        .returning(GENRES.c.id)
    )
    inserted = 0
    if top:
        rows = [{"slug": slug, "name": name, "parent_id": None} for slug, name in top.items()]
        inserted += len(connection.execute(statement, rows).all())
    if sub:
        parents = _ids_by(connection, GENRES.c.slug, GENRES.c.id, top)
        rows = [
            {"slug": slug, "name": name, "parent_id": parents[parent]}
            for slug, (name, parent) in sub.items()
        ]
        inserted += len(connection.execute(statement, rows).all())
    return _ids_by(connection, GENRES.c.slug, GENRES.c.id, [*top, *sub]), inserted


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
    existing = _ids_by(connection, ARTISTS.c.name_key, ARTISTS.c.id, first_spelling)
    before = set(existing.values())
    rows = [(name, key, 0.0) for key, name in first_spelling.items() if key not in existing]
    _insert_many(connection, ARTISTS, ("name", "name_key", "popularity"), rows)
    inserted = len(rows)
    existing.update(_ids_by(connection, ARTISTS.c.name_key, ARTISTS.c.id, [r[1] for r in rows]))
    return existing, before, inserted


def _credits(tracks: pd.DataFrame) -> list[list[str]]:
    """Each track's credited artist names in order, the primary artist first."""
    primary = [str(n) for n in _python_values(tracks["primary_artist"])]
    if CREDITED_ARTISTS not in tracks.columns:
        return [[name] for name in primary]
    credits = []
    for first, names in zip(primary, _python_values(tracks[CREDITED_ARTISTS]), strict=True):
        names = [str(n) for n in names or ()]
        if not names or artist_name_key(names[0]) != artist_name_key(first):
            names = [first, *names]
        credits.append(names)
    return credits


def _write_track_artists(
    connection: Connection, tracks: pd.DataFrame, artist_ids: dict[str, int]
) -> int:
    """Rewrite the credits of tracks whose ordered artist list changed; return rows inserted."""
    ids = [str(v) for v in _python_values(tracks["track_id"])]
    wanted: dict[str, list[int]] = {}
    for track_id, names in zip(ids, _credits(tracks), strict=True):
        # One credit per artist: "A;a" names the same artist twice.
        wanted[track_id] = list(dict.fromkeys(artist_ids[key] for key in _artist_keys(names)))
    stored: dict[str, list[tuple[int, int]]] = {}
    for track_id, position, artist_id in _select_in(
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
    for start in range(0, len(stale), IN_LIST_SIZE):
        chunk = stale[start : start + IN_LIST_SIZE]
        connection.execute(delete(TRACK_ARTISTS).where(TRACK_ARTISTS.c.track_id.in_(chunk)))
    rows = [
        (track_id, position, artist_id)
        for track_id in changed
        for position, artist_id in enumerate(wanted[track_id])
    ]
    _insert_many(connection, TRACK_ARTISTS, ("track_id", "position", "artist_id"), rows)
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
    primary = [str(n) for n in _python_values(tracks["primary_artist"])]
    artist_names = [
        names if names is not None else first
        for names, first in zip(_text(tracks["artist_names"]), primary, strict=True)
    ]
    columns: dict[str, list[Any]] = {
        "id": [str(v) for v in _python_values(tracks["track_id"])],
        "name": [str(v) for v in _python_values(tracks["name"])],
        "artist_id": [artist_ids[key] for key in _artist_keys(primary)],
        "artist_names": artist_names,
        "album_id": _text(tracks["album_id"]),
        "album_name": _text(tracks["album_name"]),
        "release_date": _dates(tracks["release_date"]),
        "explicit": _python_values(tracks["explicit"].astype("boolean")),
    }
    for column in _INT_COLUMNS:
        columns[column] = _python_values(pd.to_numeric(tracks[column]).astype("int64"))
    for column in _NULLABLE_INT_COLUMNS:
        columns[column] = _python_values(pd.to_numeric(tracks[column]).astype("Int64"))
    for column in AUDIO_FEATURES:
        columns[column] = _python_values(pd.to_numeric(tracks[column]).astype("float64"))
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
    bound = {name: _bound(connection, TRACKS.c[name], values) for name, values in columns.items()}
    ids = bound["id"]
    compared = list(TRACK_VALUE_COLUMNS)
    stored = {
        row[0]: row[1:]
        for row in _select_in(
            connection, [TRACKS.c.id, *(TRACKS.c[c] for c in compared)], TRACKS.c.id, ids
        )
    }
    values = list(zip(*(bound[c] for c in compared), strict=True))
    at = _bound(connection, TRACKS.c.imported_at, [now])[0]
    new_rows: list[tuple] = []
    changed_rows: list[tuple] = []
    for track_id, row in zip(ids, values, strict=True):
        before = stored.get(track_id)
        # Raw stored values equal bound incoming ones (SQLite's 1/0 equal True/False).
        if before is None:
            new_rows.append((track_id, *row, at))
        elif before != row:
            changed_rows.append((*row, at, track_id))
    _insert_many(connection, TRACKS, ("id", *compared, "imported_at"), new_rows)
    _update_many(connection, TRACKS, (*compared, "imported_at"), "id", changed_rows)
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
        _python_values(track_genres["track_id"]),
        _python_values(track_genres["genre"]),
        _python_values(track_genres["subgenre"]),
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
        _select_in(
            connection,
            [TRACK_GENRES.c.track_id, TRACK_GENRES.c.genre_id],
            TRACK_GENRES.c.track_id,
            {track_id for track_id, _ in pairs},
        )
    )
    rows = [pair for pair in pairs if pair not in stored]
    _insert_many(connection, TRACK_GENRES, ("track_id", "genre_id"), rows)
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
    external_ids = [str(v) for v in _python_values(playlists["external_id"])]
    records = _records(
        {
            "external_id": external_ids,
            "name": [str(v) for v in _python_values(playlists["name"])],
            "genre_id": [
                _genre_id(genre_ids, g, s)
                for g, s in zip(
                    _python_values(playlists["genre"]),
                    _python_values(playlists["subgenre"]),
                    strict=True,
                )
            ],
            "owner_id": [None] * len(playlists),
            "created_at": [now] * len(playlists),
            "updated_at": [now] * len(playlists),
        }
    )
    existing = set(_ids_by(connection, PLAYLISTS.c.external_id, PLAYLISTS.c.id, external_ids))
    insert = _insert(connection, PLAYLISTS)
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
    for batch in _batches(records):
        for external_id in connection.execute(statement, batch).scalars():
            if external_id in existing:
                updated += 1
            else:
                inserted += 1
    tick(len(playlists))
    ids = _ids_by(connection, PLAYLISTS.c.external_id, PLAYLISTS.c.id, external_ids)
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
    stored_rows = _select_in(
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
    for start in range(0, len(changed), IN_LIST_SIZE):
        chunk = changed[start : start + IN_LIST_SIZE]
        connection.execute(delete(PLAYLIST_ITEMS).where(PLAYLIST_ITEMS.c.playlist_id.in_(chunk)))
    added_at = _bound(connection, PLAYLIST_ITEMS.c.added_at, [datetime.now(UTC)])[0]
    unlocked = _bound(connection, PLAYLIST_ITEMS.c.locked, [False])[0]
    rows = [
        (pid, position, track_id, unlocked, added_at)
        for pid in changed
        for position, track_id in enumerate(wanted[pid])
    ]
    _insert_many(
        connection,
        PLAYLIST_ITEMS,
        ("playlist_id", "position", "track_id", "locked", "added_at"),
        rows,
    )
    tick(len(items))
    return len(rows), removed
