"""Training time per stage: ``ml.training.train_model`` on the real and on generated catalogues.

For each size in ``--sizes``: ``real`` is the TidyTuesday catalogue under ``--data`` (28,356
tracks); a number (``114000``, ``1000000``, or ``114k``/``1m``) is the project's demo generator
(``db.demo.catalogue.generate_catalogue``) at that many tracks. Curated playlists are the events
(each membership a like, as the evaluation trains) and the co-occurrence input. Preparing the data
(parsing, generating) is not timed; ``train_model`` is, stage by stage, with the full production
settings (UMAP 2-D and 3-D, K-Means with k chosen on a sample).

Prints one line per stage and size; the last line is ``train_<size>_s=..`` for every size run.

    .venv/bin/python bench/train.py [--data ../shared/data] [--sizes real,114k,1m]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ml.training import TrainParams, train_model
from music.catalogue_frames import CatalogueFrames, catalogue_frame

EVENT_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def parse_size(text: str) -> str | int:
    text = text.strip().lower()
    if text == "real":
        return "real"
    multiplier = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * multiplier)


def size_label(size: str | int) -> str:
    if size == "real":
        return "real"
    assert isinstance(size, int)
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def load_frames(size: str | int, data: Path) -> CatalogueFrames:
    if size == "real":
        from db.importers.catalogue import parse_catalogue

        return parse_catalogue(data / "tidytuesday" / "spotify_songs.csv").frames
    from db.demo.catalogue import generate_catalogue

    return generate_catalogue(int(size))


def playlist_inputs(frames: CatalogueFrames) -> tuple[pd.DataFrame, pd.DataFrame]:
    items = frames.playlist_items
    playlists = pd.DataFrame(
        {
            "playlist_id": items["playlist_external_id"].astype(str).to_numpy(),
            "track_id": items["track_id"].astype(str).to_numpy(),
        }
    )
    events = pd.DataFrame(
        {
            "listener": "playlist:" + playlists["playlist_id"],
            "track_id": playlists["track_id"],
            "kind": "like",
            "at": pd.Timestamp(EVENT_TIME),
        }
    )
    return events, playlists


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--sizes", default="real,114k", help="comma-separated: real, 114k, 1m, ...")
    parser.add_argument("--embedding", choices=["umap", "pca"], default="umap")
    args = parser.parse_args()

    print(f"cpus={os.cpu_count()} load_average={os.getloadavg()[0]:.1f}", flush=True)
    results: dict[str, float] = {}
    for size in (parse_size(s) for s in args.sizes.split(",") if s.strip()):
        label = size_label(size)
        started = time.perf_counter()
        frames = load_frames(size, args.data)
        catalogue = catalogue_frame(frames)
        events, playlists = playlist_inputs(frames)
        print(
            f"[{label}] prepared {len(catalogue):,} tracks, {len(events):,} playlist events "
            f"in {time.perf_counter() - started:.1f} s (not timed)",
            flush=True,
        )

        def progress(message: str, label: str = label, t0: float = time.perf_counter()) -> None:
            print(f"[{label}] +{time.perf_counter() - t0:7.1f} s  {message}", flush=True)

        started = time.perf_counter()
        bundle = train_model(
            catalogue, events, TrainParams(embedding=args.embedding), progress, playlists
        )
        total = time.perf_counter() - started
        results[label] = total
        cpu = bundle.metrics["cpu_seconds"]
        for stage, seconds in bundle.metrics["seconds"].items():
            print(
                f"[{label}] stage {stage:<13} {seconds:8.1f} s wall {cpu[stage]:8.1f} s cpu",
                flush=True,
            )
        clusters = bundle.metrics["clusters"]
        print(
            f"[{label}] {len(catalogue):,} tracks x {bundle.features.shape[1]} features, "
            f"{clusters['n_clusters']} clusters (silhouette {clusters['silhouette']:.3f}), "
            f"{bundle.metrics['cooccurrence_pairs']:,} co-occurrence pairs; "
            f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
            f"load average now {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        del bundle, frames, catalogue, events, playlists
    # Wall seconds are the target's measure; on a shared machine compare cpu_s / cores as well.
    print(" ".join(f"train_{label}_s={seconds:.1f}" for label, seconds in results.items()))


if __name__ == "__main__":
    main()
