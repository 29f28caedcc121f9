"""Model blob size, load time and web boot per catalogue size (docs/SCALING.md).

Three catalogues: ``demo`` (the generated 6,000-track demo catalogue), ``tidytuesday`` (28k real
tracks) and ``kaggle`` (114k real rows) from ``--data``. For each one the script trains a model once
(``--train``; minutes at 114k, so the bundle is kept in ``--work`` and reused) and then measures:

- the blob the registry stores: bytes, sha256 time, serialisation time;
- load time from the blob (sha256 check + unpickle + ``Recommender`` build), best of ``--repeat``;
- optionally (``--boot``) a web process booting against a throw-away registry holding that blob
  (SQLite; and PostgreSQL in a temporary schema with ``--postgres URL``), with a cold model cache
  (a new dyno) and a warm one, each best of ``--repeat``:

  - ``boot_wall_s``: from starting the interpreter to a built app serving the model (what a
    platform waits for), split into ``import_s`` (importing the app) and ``create_app_s`` (Dash,
    and the first model load); ``boot_cpu_s`` (steadier than wall time on a shared machine);
  - ``rss_mb`` (peak resident memory of the boot, VmHWM) and ``rss_ready_mb`` (resident once ready);
  - the first requests after boot, through the services the pages call:
    ``first_recommend_s`` (a new user's Home list) and ``first_map_s`` (the 2D map's points and
    figure, which builds the map's per-model arrays on first use), and ``map_base_mb`` (the memory
    those arrays add);
  - ``model_from_db_s``: the model load alone straight from the database;
  - whether umap or the trainer were imported (they must not be).

  The last line sums up the last catalogue's SQLite boots as ``name=value`` pairs.

    .venv/bin/python bench/model_blob.py --train [--data ../shared/data] [--work instance/bench]
    .venv/bin/python bench/model_blob.py --boot [--postgres postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import json
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
    # The importer reads the .csv.gz as mirrors ship it (db/importers/catalogue_file.py).
    return parse_catalogue(data / "kaggle-spotify-tracks" / "dataset.csv.gz").frames


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
spawned = float(sys.argv[4])  # the parent's clock just before it started this interpreter
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
boot_wall = time.time() - spawned
assert loaded is not None, "no model loaded"
usage = resource.getrusage(resource.RUSAGE_SELF)


def memory_mb(field):
    # /proc, not ru_maxrss: a child's ru_maxrss starts at its parent's RSS at fork.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024)


peak_mb, ready_mb = memory_mb("VmHWM"), memory_mb("VmRSS")
from dashapp.components.map_figure import build_map_figure
from dashapp.services import accounts, explore, model_registry, recommendations

user = accounts.register("bench@example.com", "correct horse battery staple")
first = time.perf_counter()
recs = recommendations.for_user(user.id, k=20)
first_recommend = time.perf_counter() - first
assert recs.status == "ok" and len(recs.tracks) == 20, recs
first = time.perf_counter()
figure = build_map_figure(explore.map_points(explore.map_base(loaded), dims=2))
first_map = time.perf_counter() - first
map_mb = memory_mb("VmRSS") - ready_mb
again = time.perf_counter()
model_store.build_loaded_model(model_registry.load(loaded.version, None))
print(json.dumps({
    "boot_wall_s": round(boot_wall, 2),
    "import_s": round(imported - started, 2),
    "create_app_s": round(ready - imported, 2),
    "boot_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
    "rss_mb": peak_mb,
    "rss_ready_mb": ready_mb,
    "first_recommend_s": round(first_recommend, 3),
    "first_map_s": round(first_map, 2),
    "map_base_mb": map_mb,
    "model_from_db_s": round(time.perf_counter() - again, 2),
    "version": loaded.version,
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


def measure(name: str, work: Path, repeat: int) -> tuple[object, bytes, float]:
    from ml.artifact import (
        bundle_from_bytes,
        bundle_to_bytes,
        load_bundle,
        sha256_hex,
    )
    from ml.library_versions import library_versions
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
    return bundle, data, load_s


def boot(
    name: str, bundle: object, database_url: str, folder: Path, label: str, repeat: int
) -> dict[str, dict]:
    """A fresh web interpreter against a registry holding ``bundle``: cold cache, then warm.

    Each is run ``repeat`` times (the cache emptied before every cold one); the run with the
    shortest boot is kept. Returns {"cold": figures, "warm": figures}.
    """
    from db import migrate
    from db.session import database

    database.configure(database_url)
    migrate.upgrade(database.engine)
    from dashapp.services import model_registry

    model_registry.publish(bundle, {}, {}, None)
    model_registry.activate(bundle.version, "bench")
    database.engine.dispose()
    cache = folder / f"cache-{label}"
    best: dict[str, dict] = {}
    for _ in range(repeat):
        for attempt in ("cold", "warm"):
            if attempt == "cold":
                shutil.rmtree(cache, ignore_errors=True)
            child = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    BOOT_CHILD,
                    database_url,
                    str(folder),
                    str(cache),
                    repr(time.time()),
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if child.returncode != 0:
                raise SystemExit(child.stderr[-3000:])
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            print(f"[{name}] boot {label} {attempt} cache: {json.dumps(figures)}", flush=True)
            if attempt not in best or figures["boot_wall_s"] < best[attempt]["boot_wall_s"]:
                best[attempt] = figures
            # The bench user registered by this boot must not collide with the next one's.
            _forget_bench_user(database_url)
    return best


def _forget_bench_user(database_url: str) -> None:
    from sqlalchemy import delete

    from db.models import User
    from db.session import database

    database.configure(database_url)
    with database.session_scope() as session:
        session.execute(delete(User).where(User.email == "bench@example.com"))
    database.engine.dispose()


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
    summary: dict[str, object] = {}
    for name in names:
        bundle, data, load_s = measure(name, args.work, args.repeat)
        summary = {
            "catalogue": name,
            "tracks": bundle.n_tracks,
            "blob_mb": round(len(data) / 1e6, 1),
            "load_s": round(load_s, 2),
        }
        if args.boot:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{folder}/registry.db"
                best = boot(name, bundle, url, Path(folder), "sqlite", args.repeat)
                cold, warm = best["cold"], best["warm"]
                summary |= {
                    "boot_wall_s": cold["boot_wall_s"],
                    "boot_wall_warm_s": warm["boot_wall_s"],
                    **{
                        key: cold[key]
                        for key in (
                            "import_s",
                            "create_app_s",
                            "boot_cpu_s",
                            "rss_mb",
                            "rss_ready_mb",
                            "first_recommend_s",
                            "first_map_s",
                            "map_base_mb",
                            "umap_imported",
                            "trainer_imported",
                        )
                    },
                }
                if args.postgres:
                    schema = f"bench_blob_{os.getpid()}"
                    try:
                        url = postgres_schema_url(args.postgres, schema)
                        boot(name, bundle, url, Path(folder), "postgresql", args.repeat)
                    finally:
                        drop_schema(args.postgres, schema)
    print(f"load_average_after={os.getloadavg()[0]:.2f}")
    print(f"bench peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(" ".join(f"{key}={value}" for key, value in summary.items()))


if __name__ == "__main__":
    main()
