"""Time the demo data generator at benchmark scale: 114k and 1M tracks, with their listeners.

    .venv/bin/python bench/generate.py                 # 114k and 1M tracks
    .venv/bin/python bench/generate.py --sizes 20000   # a quick look

Generation only (no database): writing is the importer's benchmark (bench/import.py). Listeners
scale with the catalogue (one per 100 tracks, at least 240) so the histories stay dense enough
to learn from. The last line is ``tracks_114k_s=.. tracks_1m_s=..`` (seconds for catalogue plus
listeners).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.demo.catalogue import generate_catalogue
from db.demo.listeners import generate_listeners

SIZES = (114_000, 1_000_000)
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # fixed: the run is reproducible


def label(n_tracks: int) -> str:
    return f"{n_tracks // 1_000_000}m" if n_tracks % 1_000_000 == 0 else f"{n_tracks // 1000}k"


def measure(n_tracks: int, seed: int) -> float:
    n_listeners = max(240, n_tracks // 100)
    started = time.perf_counter()
    frames = generate_catalogue(n_tracks=n_tracks, seed=seed)
    catalogue_s = time.perf_counter() - started
    listeners = generate_listeners(frames, n_listeners=n_listeners, seed=seed, now=NOW)
    total_s = time.perf_counter() - started
    print(
        f"{n_tracks:>9,} tracks: catalogue {catalogue_s:6.1f} s "
        f"({frames.tracks['primary_artist'].nunique():,} artists, "
        f"{frames.track_genres['genre'].nunique()} genres, {len(frames.playlists):,} playlists, "
        f"{len(frames.playlist_items):,} playlist items); "
        f"{n_listeners:,} listeners {total_s - catalogue_s:6.1f} s "
        f"({len(listeners.events):,} events, {len(listeners.bans):,} bans); "
        f"total {total_s:6.1f} s ({n_tracks / total_s:,.0f} tracks/s)",
        flush=True,
    )
    return total_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data", help="unused: nothing is read")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    results = {label(n): measure(n, args.seed) for n in args.sizes}
    print(" ".join(f"tracks_{name}_s={seconds:.1f}" for name, seconds in results.items()))


if __name__ == "__main__":
    main()
