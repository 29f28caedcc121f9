"""Model blob size, load time and web boot per catalogue size (docs/SCALING.md).

Three catalogues: ``demo`` (the generated 6,000-track demo catalogue), ``tidytuesday`` (28k real
tracks) and ``kaggle`` (114k real rows) from ``--data``. For each one the script trains a model once
(``--train``; minutes at 114k, so the bundle is kept in ``--work`` and reused) and then measures:

- the blob the registry stores: bytes, sha256 time, serialisation time;
- load time from the blob (sha256 check + unpickle + ``Recommender`` build), best of ``--repeat``;
- optionally (``--boot``) a web process booting against a throw-away registry holding that blob
  (SQLite; and PostgreSQL in a temporary schema with ``--postgres URL``), with a cold and then a
  warm model cache: seconds to import the app, seconds in ``create_app`` (Dash + the first model
  load), CPU seconds of the whole boot (steadier than wall time on a shared machine), the model
  load alone straight from the database, peak RSS, and whether umap or the trainer were imported
  (they must not be).

    .venv/bin/python bench/model_blob.py --train [--data ../shared/data] [--work instance/bench]
    .venv/bin/python bench/model_blob.py --boot [--postgres postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from train import playlist_inputs  # noqa: E402  (bench/train.py: the same playlist listeners)

from ml.training import TrainParams, train_model  # noqa: E402

CATALOGUES = ("demo", "tidytuesday", "kaggle")


def catalogue_frames(name: str, data: Path):  # -> music.catalogue_frames.CatalogueFrames
    from db.importers.catalogue import parse_catalogue

    if name == "demo":
        from db.demo.catalogue import generate_catalogue

        return generate_catalogue(6000)
    if name == "tidytuesday":
        return parse_catalogue(data / "tidytuesday" / "spotify_songs.csv").frames
    # The importer reads plain CSV here; decompress to a private temporary file first.
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "dataset.csv"
        source_path = data / "kaggle-spotify-tracks" / "dataset.csv.gz"
        with gzip.open(source_path) as source, plain.open("wb") as target:
            shutil.copyfileobj(source, target)
        return parse_catalogue(plain).frames


def train(name: str, data: Path, work: Path) -> None:
    from ml.artifact import save_bundle
    from music.catalogue_frames import catalogue_frame

    frames = catalogue_frames(name, data)
    catalogue = catalogue_frame(frames)
    events, playlists = playlist_inputs(frames)
    started = time.perf_counter()
    say = lambda m: print(f"[{name}] {m}", flush=True)  # noqa: E731
    bundle = train_model(catalogue, events, TrainParams(), say, playlists)
    print(f"[{name}] trained {bundle.n_tracks:,} tracks in {time.perf_counter() - started:.1f} s")
    save_bundle(bundle, work / name)


BOOT_CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from app import create_app
from dashapp.config import Config
imported = time.perf_counter()
config = Config.from_env(sys.argv[2], {"DATABASE_URL": sys.argv[1], "SECRET_KEY": "bench",
                                       "MIXMAP_MODEL_DIR": sys.argv[3]})
server = create_app(config)
from dashapp.services import model_store
loaded = model_store.current()
ready = time.perf_counter()
assert loaded is not None, "no model loaded"
usage = resource.getrusage(resource.RUSAGE_SELF)
from dashapp.services import model_registry
again = time.perf_counter()
model_store.build_loaded_model(model_registry.load(loaded.version, None))
print(json.dumps({
    "boot_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
    "model_from_db_s": round(time.perf_counter() - again, 2),
    "version": loaded.version,
    "import_s": round(imported - started, 2),
    "create_app_s": round(ready - imported, 2),
    "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "umap_imported": "umap" in sys.modules,
    "trainer_imported": "ml.training" in sys.modules,
}))
"""


def best_of(repeat: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def measure(name: str, work: Path, repeat: int) -> tuple[object, bytes]:
    from ml.artifact import (
        bundle_from_bytes,
        bundle_to_bytes,
        library_versions,
        load_bundle,
        sha256_hex,
    )
    from ml.recommender import Recommender

    bundle = load_bundle(work / name)
    serialise_s, data = best_of(1, lambda: bundle_to_bytes(bundle))
    sha_s, digest = best_of(repeat, lambda: sha256_hex(data))
    libraries = library_versions()

    def load() -> object:
        loaded = bundle_from_bytes(data, sha256=digest, version=bundle.version, libraries=libraries)
        return Recommender.from_bundle(loaded)

    load_s, _ = best_of(repeat, load)
    print(
        f"[{name}] tracks={bundle.n_tracks:,} blob_mb={len(data) / 1e6:.1f} "
        f"serialise_s={serialise_s:.2f} sha256_s={sha_s:.3f} "
        f"load_s={load_s:.2f} (sha256 + unpickle + Recommender, best of {repeat})",
        flush=True,
    )
    return bundle, data


def boot(name: str, bundle: object, database_url: str, folder: Path, label: str) -> None:
    """A fresh web interpreter against a registry holding ``bundle``; cold cache, then warm."""
    from db import migrate
    from db.session import database

    database.configure(database_url)
    migrate.upgrade(database.engine)
    from dashapp.services import model_registry

    model_registry.publish(bundle, {}, {}, None)
    model_registry.activate(bundle.version, "bench")
    database.engine.dispose()
    cache = folder / f"cache-{label}"
    for attempt in ("cold cache", "warm cache"):
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", BOOT_CHILD, database_url, str(folder), str(cache)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        wall = time.perf_counter() - started
        if child.returncode != 0:
            raise SystemExit(child.stderr[-3000:])
        result = child.stdout.strip().splitlines()[-1]
        print(f"[{name}] boot {label} {attempt}: wall_s={wall:.2f} {result}", flush=True)


def postgres_schema_url(base: str, schema: str) -> str:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from db.session import create_db_engine

    admin = create_db_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def drop_schema(base: str, schema: str) -> None:
    from sqlalchemy import text

    from db.session import create_db_engine

    admin = create_db_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--work", type=Path, default=ROOT / "instance" / "bench")
    parser.add_argument("--catalogues", default=",".join(CATALOGUES))
    parser.add_argument("--train", action="store_true", help="train and keep the bundles first")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--boot", action="store_true", help="also boot a web process per size")
    parser.add_argument("--postgres", help="also boot against this PostgreSQL URL (temp schema)")
    args = parser.parse_args()
    names = [n.strip() for n in args.catalogues.split(",") if n.strip()]
    print(
        f"cpus={os.cpu_count()} load_average={' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )
    if args.train:
        for name in names:
            train(name, args.data, args.work)
    for name in names:
        bundle, _ = measure(name, args.work, args.repeat)
        if args.boot:
            with tempfile.TemporaryDirectory() as folder:
                boot(name, bundle, f"sqlite:///{folder}/registry.db", Path(folder), "sqlite")
                if args.postgres:
                    schema = f"bench_blob_{os.getpid()}"
                    try:
                        url = postgres_schema_url(args.postgres, schema)
                        boot(name, bundle, url, Path(folder), "postgresql")
                    finally:
                        drop_schema(args.postgres, schema)
    print(f"load_average_after={os.getloadavg()[0]:.2f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
