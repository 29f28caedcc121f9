"""Catalogue import speed: the real TidyTuesday file and a 114k-row Kaggle-schema file.

The Kaggle "Spotify Tracks Dataset" itself is not available here, so a file of its schema is
built at run time in a temporary folder by resampling the TidyTuesday rows with fresh track ids
(about a fifth of the rows repeat an earlier track under another genre, as the real file does;
genres are TidyTuesday subgenres). Nothing is written into the repository.

Each file is imported through the same path as ``flask catalog import`` (read, check every row,
write in one transaction) into a fresh SQLite database and, when ``--postgres`` answers, a fresh
schema of PostgreSQL; then imported again to time the no-op re-import.

Prints what it measured; the last line is ``sqlite_s=.. postgres_s=.. rows=..`` for the
generated Kaggle-schema file (targets: <= 30 s SQLite, <= 45 s PostgreSQL).

    .venv/bin/python bench/import.py [--data ../shared/data] [--rows 114000]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import string
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db import migrate
from db.importers.catalogue import import_parsed, parse_catalogue
from db.session import create_db_engine, database

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
KAGGLE_COLUMNS = (
    "track_id", "artists", "album_name", "track_name", "popularity", "duration_ms", "explicit",
    "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
    "instrumentalness", "liveness", "valence", "tempo", "time_signature", "track_genre",
)  # fmt: skip
REPEAT_SHARE = 0.21  # the real Kaggle file: 114,000 rows, 89,741 distinct track ids
BASE62 = np.array(list(string.ascii_letters + string.digits))


def build_kaggle_file(songs: pd.DataFrame, rows: int, path: Path, seed: int) -> int:
    """Write ``rows`` Kaggle-schema rows resampled from TidyTuesday; return distinct tracks."""
    rng = np.random.default_rng(seed)
    unique = rows - int(rows * REPEAT_SHARE)
    base = songs.iloc[rng.integers(0, len(songs), unique)].reset_index(drop=True)
    ids = ["".join(chars) for chars in BASE62[rng.integers(0, 62, (unique, 22))]]
    tracks = pd.DataFrame(
        {
            "track_id": ids,
            "artists": base["track_artist"],
            "album_name": base["track_album_name"],
            "track_name": base["track_name"],
            "popularity": base["track_popularity"],
            "duration_ms": base["duration_ms"],
            "explicit": np.where(rng.random(unique) < 0.09, "True", "False"),
            **{
                column: base[column]
                for column in KAGGLE_COLUMNS[7:18]  # danceability .. tempo
            },
            "time_signature": rng.choice(["3", "4", "4", "4", "4", "5"], unique),
            "track_genre": base["playlist_subgenre"],
        }
    )
    subgenres = songs["playlist_subgenre"].unique()
    repeats = tracks.iloc[rng.integers(0, unique, rows - unique)].copy()
    # Another genre than the original row's, so the repeat adds a (track, genre) pair.
    shift = rng.integers(1, len(subgenres), len(repeats))
    position = pd.Series(range(len(subgenres)), index=subgenres)
    repeats["track_genre"] = subgenres[
        (position[repeats["track_genre"]].to_numpy() + shift) % len(subgenres)
    ]
    frame = pd.concat([tracks, repeats], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    frame[list(KAGGLE_COLUMNS)].to_csv(path, index=True)  # with the unnamed index, like Kaggle's
    return unique


@contextmanager
def fresh_sqlite(folder: Path) -> Iterator[str]:
    url = f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"
    engine = create_db_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url


@contextmanager
def fresh_postgres(url: str) -> Iterator[str]:
    schema = f"mixmap_bench_{uuid.uuid4().hex[:10]}"
    admin = create_db_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    scoped_url = scoped.render_as_string(hide_password=False)
    engine = create_db_engine(scoped_url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield scoped_url
    finally:
        database.engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def postgres_reachable(url: str) -> bool:
    try:
        engine = create_db_engine(url, pool_pre_ping=False)
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as error:  # any failure means "not here": the bench reports and goes on
        print(f"PostgreSQL at {url} not reachable ({type(error).__name__}); skipping it")
        return False
    return True


def time_import(url: str, path: Path) -> tuple[float, float, float, int]:
    """(check seconds, write seconds, re-import seconds, rows read) for one fresh database."""
    database.configure(url)
    started = time.perf_counter()
    parsed = parse_catalogue(path)
    checked = time.perf_counter()
    with database.session_scope() as session:
        result = import_parsed(session, path, parsed)
    written = time.perf_counter()
    with database.session_scope() as session:
        again = import_parsed(session, path, parse_catalogue(path))
    reimported = time.perf_counter()
    assert again.summary.inserted == 0 and again.summary.tracks_updated == 0, again.summary
    assert result.summary.tracks_inserted == len(parsed.frames.tracks)
    database.engine.dispose()
    return checked - started, written - checked, reimported - written, parsed.report.rows_read


def report(label: str, backend: str, figures: tuple[float, float, float, int]) -> float:
    check, write, again, rows = figures
    total = check + write
    print(
        f"{label:<22} {backend:<10} rows={rows:>7}  check={check:6.2f}s  write={write:6.2f}s  "
        f"total={total:6.2f}s  ({rows / total:8.0f} rows/s)  re-import={again:6.2f}s"
    )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--rows", type=int, default=114_000)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    songs_path = args.data / "tidytuesday" / "spotify_songs.csv"
    songs = pd.read_csv(songs_path, dtype=str, keep_default_na=False)
    use_postgres = bool(args.postgres) and postgres_reachable(args.postgres)
    totals: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="mixmap-bench-import-") as folder:
        folder_path = Path(folder)
        kaggle_path = folder_path / "kaggle_tracks.csv"
        started = time.perf_counter()
        distinct = build_kaggle_file(songs, args.rows, kaggle_path, args.seed)
        print(
            f"generated {kaggle_path.name}: {args.rows} rows, {distinct} distinct tracks, "
            f"{kaggle_path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f}s"
        )
        files = (("tidytuesday", songs_path), ("kaggle-generated", kaggle_path))
        for label, path in files:
            with fresh_sqlite(folder_path) as url:
                totals[f"{label}/sqlite"] = report(label, "sqlite", time_import(url, path))
            if use_postgres:
                with fresh_postgres(args.postgres) as url:
                    totals[f"{label}/postgres"] = report(
                        label, "postgresql", time_import(url, path)
                    )
    sqlite_s = totals["kaggle-generated/sqlite"]
    postgres_s = totals.get("kaggle-generated/postgres")
    postgres_text = f"{postgres_s:.1f}" if postgres_s is not None else "nan"
    print(f"sqlite_s={sqlite_s:.1f} postgres_s={postgres_text} rows={args.rows}")


if __name__ == "__main__":
    main()
