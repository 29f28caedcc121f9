"""Explore map at scale: figure build time and payload for a 114k-track catalogue.

Builds a synthetic bundle-like track table (catalogue columns, clusters as blobs on the 2D/3D map,
moods from the audio features) and measures what one map callback costs on the server: select the
points (``explore.map_points``), build the figure (``build_map_figure``) and serialise it the way
Dash does (``plotly.io.json.to_json_plotly``). The per-model base arrays (``map_base``) are built
once per model version and timed separately.

When ``--data`` holds the TidyTuesday catalogue, the same is measured on the real 28k tracks, with
PCA of the standardised audio features standing in for the trained UMAP coordinates (the payload
depends on the number of points, not on where they sit).

    .venv/bin/python bench/map.py [--data ../shared/data] [--tracks 114000] [--repeat 30]

Last line: build_p50_ms=… build_p99_ms=… payload_mb=… payload_bytes=… build_ms=… (114k, 2D,
coloured by cluster, no filter; build_ms is the p50).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from plotly.io.json import to_json_plotly

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashapp.components.map_figure import build_map_figure
from dashapp.services import explore
from ml.filters import TrackFilter
from ml.moods import assign_moods

GENRES = ("edm", "latin", "pop", "r&b", "rap", "rock", "jazz", "classical", "metal", "folk")
FEATURES = ("danceability", "energy", "speechiness", "acousticness", "instrumentalness",
            "liveness", "valence")  # fmt: skip


def synthetic_tracks(n: int, n_clusters: int = 24, seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    """``n`` tracks shaped like a model bundle's track table, clusters as blobs on the maps."""
    rng = np.random.default_rng(seed)
    cluster = rng.integers(0, n_clusters, size=n)
    centres2 = rng.uniform(-12, 12, size=(n_clusters, 2))
    centres3 = rng.uniform(-8, 8, size=(n_clusters, 3))
    coords2 = (centres2[cluster] + rng.normal(scale=1.2, size=(n, 2))).astype(np.float32)
    coords3 = (centres3[cluster] + rng.normal(scale=1.0, size=(n, 3))).astype(np.float32)
    genre = np.asarray(GENRES, dtype=object)[(cluster + rng.integers(0, 2, size=n)) % len(GENRES)]
    frame = pd.DataFrame(
        {
            "track_id": [f"{i:022d}" for i in range(n)],
            "name": [f"Track number {i}" for i in range(n)],
            "artist_id": rng.integers(0, n // 10 + 1, size=n),
            "album_name": "Album",
            "release_year": pd.array(rng.integers(1960, 2025, size=n), dtype="Int64"),
            "popularity": rng.integers(0, 101, size=n),
            "artist_popularity": rng.uniform(0, 100, size=n),
            "duration_ms": rng.integers(120_000, 360_000, size=n),
            "explicit": pd.array(rng.random(n) < 0.15, dtype="boolean"),
            "key": rng.integers(0, 12, size=n),
            "mode": rng.integers(0, 2, size=n),
            **{feature: rng.beta(2, 2, size=n) for feature in FEATURES},
            "loudness": rng.uniform(-25, -2, size=n),
            "tempo": rng.normal(120, 25, size=n).clip(50, 220),
            "genre": genre,
            "genres": [(g,) for g in genre],
            "subgenres": [(f"{g}/{'ab'[i % 2]}",) for i, g in enumerate(genre)],
            "source": "demo",
            "cluster": cluster,
            "x2": coords2[:, 0],
            "y2": coords2[:, 1],
            "x3": coords3[:, 0],
            "y3": coords3[:, 1],
            "z3": coords3[:, 2],
        }
    )
    frame["artist_name"] = "Artist " + frame["artist_id"].astype(str)
    frame["moods"] = assign_moods(frame)[1]
    return frame, [f"Cluster {i}" for i in range(n_clusters)]


def tidytuesday_tracks(csv: Path) -> tuple[pd.DataFrame, list[str]]:
    """The real catalogue with PCA coordinates and genre clusters (a stand-in for training)."""
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    raw = pd.read_csv(csv).drop_duplicates("track_id").reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "track_id": raw["track_id"],
            "name": raw["track_name"].fillna(""),
            "artist_id": pd.factorize(raw["track_artist"])[0],
            "artist_name": raw["track_artist"].fillna(""),
            "album_name": raw["track_album_name"].fillna(""),
            "release_year": pd.to_numeric(
                raw["track_album_release_date"].astype(str).str[:4], errors="coerce"
            ).astype("Int64"),
            "popularity": raw["track_popularity"],
            "explicit": pd.array([pd.NA] * len(raw), dtype="boolean"),
            **{c: raw[c] for c in (*FEATURES, "loudness", "tempo", "key", "mode")},
            "genre": raw["playlist_genre"],
            "genres": [(g,) for g in raw["playlist_genre"]],
            "subgenres": [
                (f"{g}/{s}",)
                for g, s in zip(raw["playlist_genre"], raw["playlist_subgenre"], strict=True)
            ],
            "source": "tidytuesday",
        }
    )
    scaled = StandardScaler().fit_transform(frame[[*FEATURES, "loudness", "tempo"]])
    coords = PCA(n_components=3, random_state=0).fit_transform(scaled).astype(np.float32)
    frame[["x2", "y2"]] = coords[:, :2]
    frame[["x3", "y3", "z3"]] = coords
    frame["cluster"] = pd.factorize(raw["playlist_subgenre"], sort=True)[0]
    frame["moods"] = assign_moods(frame)[1]
    return frame, sorted(raw["playlist_subgenre"].unique().tolist())


def timed(work: Callable[[], str], repeat: int) -> tuple[list[float], list[float], str]:
    """Wall-clock and CPU milliseconds per run (CPU time shows the cost on a busy machine)."""
    times, cpu, payload = [], [], ""
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        payload = work()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return times, cpu, payload


def one_callback(base: explore.MapBase, **view) -> Callable[[], str]:
    def work() -> str:
        points = explore.map_points(base, **view)
        return to_json_plotly(build_map_figure(points, uirevision="bench"))

    return work


def measure(label: str, tracks: pd.DataFrame, names: list[str], repeat: int) -> dict[str, float]:
    start = time.perf_counter()
    base = explore.build_map_base(tracks, names, version=label)
    base_ms = (time.perf_counter() - start) * 1000
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"{label}: {len(tracks):,} tracks; per-model base arrays built in {base_ms:.0f} ms "
        "(once per model version)"
    )
    views = {
        "2D, colour by cluster": {},
        "2D, colour by energy": {"colour_by": "energy"},
        "2D, filter rock + energy >= 0.5": {
            "track_filter": TrackFilter(genres_include=("rock",), energy=(0.5, 1.0))
        },
        "3D, colour by genre": {"dims": 3, "colour_by": "genre"},
    }
    result: dict[str, float] = {}
    for name, view in views.items():
        times, cpu, payload = timed(one_callback(base, **view), repeat)
        p50, p99 = np.percentile(times, 50), np.percentile(times, 99)
        points = explore.map_points(base, **view)
        print(
            f"  {name:34s} points={points.shown:>7,} of {points.matched:>7,}  "
            f"build p50={p50:6.1f} ms p99={p99:6.1f} ms (cpu p50={np.percentile(cpu, 50):6.1f} ms)"
            f"  payload={len(payload) / 1e6:5.2f} MB"
        )
        if not result:
            result = {"p50": p50, "p99": p99, "bytes": len(payload)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--tracks", type=int, default=114_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    csv = args.data / "tidytuesday" / "spotify_songs.csv"
    if csv.exists():
        measure("TidyTuesday (real)", *tidytuesday_tracks(csv), repeat=args.repeat)
    else:
        print(f"no real catalogue at {csv}; skipping it")
    result = measure("synthetic", *synthetic_tracks(args.tracks), repeat=args.repeat)
    print(
        f"build_p50_ms={result['p50']:.1f} build_p99_ms={result['p99']:.1f} "
        f"payload_mb={result['bytes'] / 1e6:.2f} payload_bytes={result['bytes']} "
        f"build_ms={result['p50']:.1f}"
    )


if __name__ == "__main__":
    main()
