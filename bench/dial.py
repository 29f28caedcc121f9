"""What the adventurousness dial does to the list a listener sees (issue #11).

Trains Mixmap on the TidyTuesday playlist protocol's training rows (PCA map; ranking never reads
it), serves it the way the web process does (``Recommender.from_bundle``: the artifact's scoring
settings, ``ml/scoring_settings.json``), and asks ``recommend(k=20)`` at dial 0, 0.25, 0.5, 0.75
and 1 for two groups:

- new listeners: onboarding preferences only (each genre alone, and each genre with a mood);
- established listeners: test-split playlists of the protocol, their visible tracks as likes
  (left out of their own "listeners like you").

Prints, per group, the mean share of the top 20 kept between dial 0 and dial 1 (target <= 30 %),
and per dial setting the mean Spotify popularity of the picks, catalogue coverage (distinct
picks over all listeners / catalogue size) and mean cosine distance from the listener's taste
vector, each with whether it moves monotonically in the expected direction; then the NDCG@10 of
each setting on the playlist protocol (test split, ``continue_playlist`` as served). The last
line is ``name=value`` pairs.

    .venv/bin/python bench/dial.py --data ../shared/data [--listeners 100] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.importers.catalogue import parse_catalogue
from ml.evaluation import evaluate_ranker, sample_listeners
from ml.listeners import taste_vector, unit_rows
from ml.mixmap_ranker import train_mixmap
from ml.protocols import playlist_continuation
from ml.recommender import Preferences, Recommender
from ml.scoring_settings import read_settings
from ml.served_ranker import ServedMixmapRanker
from music.schema import HistoryEvent, InteractionKind

DIAL = (0.0, 0.25, 0.5, 0.75, 1.0)
K = 20
OVERLAP_TARGET = 0.30
MOODS = ("happy", "chill", "energetic", "sad")
AT = datetime(2020, 1, 1, tzinfo=UTC)


def new_listeners(recommender: Recommender) -> list[tuple[str, Preferences]]:
    genres = sorted({g for gs in recommender.tracks["genres"] for g in gs})
    listeners = [(f"new:{g}", Preferences(genres=(g,))) for g in genres]
    listeners += [
        (f"new:{g}+{m}", Preferences(genres=(g,), moods=(m,)))
        for i, g in enumerate(genres)
        for m in MOODS[i % 2 :: 2]
    ]
    return listeners


def picks_at(recommender: Recommender, dial: float, who: dict) -> list[int]:
    recs = recommender.recommend(
        who["history"],
        k=K,
        preferences=who["preferences"],
        adventurousness=dial,
        exclude_listener=who["listener_id"],
    )
    return recommender.index.ids.get_indexer([r.track_id for r in recs]).tolist()


def taste_of(recommender: Recommender, who: dict) -> np.ndarray:
    """The taste vector ``recommend`` scores against (history, else onboarding preferences)."""
    from ml.feedback import summarise_history

    weights = summarise_history(who["history"], recommender.index.ids)
    if not weights.is_empty:
        return taste_vector(weights, recommender.index.unit)
    preference = recommender.index.preference_match(who["preferences"])
    return unit_rows((preference @ recommender.index.unit / preference.sum())[None, :])[0]


def monotonic(values: list[float], direction: int) -> bool:
    steps = np.diff(values) * direction
    return bool(np.all(steps > 0))


def measure(recommender: Recommender, group: list[dict]) -> dict:
    popularity = recommender.index.popularity_raw
    n = recommender.n_tracks
    per_dial = {dial: [picks_at(recommender, dial, who) for who in group] for dial in DIAL}
    tastes = [taste_of(recommender, who) for who in group]
    overlap = np.mean(
        [len(set(a) & set(b)) / K for a, b in zip(per_dial[0.0], per_dial[1.0], strict=True)]
    )
    rows = {}
    for dial, lists in per_dial.items():
        picked = [p for lst in lists for p in lst]
        distance = np.mean(
            [
                np.mean(1.0 - recommender.index.unit[lst] @ taste)
                for lst, taste in zip(lists, tastes, strict=True)
                if lst
            ]
        )
        rows[dial] = {
            "popularity": float(np.mean(popularity[picked])),
            "coverage": len(set(picked)) / n,
            "distance": float(distance),
        }
    return {"overlap": float(overlap), "rows": rows}


def report(name: str, result: dict) -> dict[str, bool]:
    print(f"\n### {name}\n")
    verdict = "meets" if result["overlap"] <= OVERLAP_TARGET else "MISSES"
    print(
        f"Top-{K} kept between dial 0 and 1: {result['overlap']:.1%} "
        f"({verdict} the <= {OVERLAP_TARGET:.0%} target)\n"
    )
    print("| dial | mean popularity | catalogue coverage | distance from taste |")
    print("|---|---|---|---|")
    for dial, row in result["rows"].items():
        print(
            f"| {dial:g} | {row['popularity']:.1f} | {row['coverage']:.4f} "
            f"| {row['distance']:.3f} |"
        )
    series = {key: [row[key] for row in result["rows"].values()] for key in result["rows"][0.0]}
    moves = {
        "popularity": monotonic(series["popularity"], -1),
        "coverage": monotonic(series["coverage"], +1),
        "distance": monotonic(series["distance"], +1),
    }
    print(
        f"\nMonotonic: popularity falls {moves['popularity']}, coverage rises "
        f"{moves['coverage']}, distance rises {moves['distance']}"
    )
    return moves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--listeners", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--bundle-cache", type=Path, help="Reuse (or write) the trained model here (joblib)."
    )
    args = parser.parse_args()
    started = time.perf_counter()
    print(
        f"Command: bench/dial.py --data {args.data} --listeners {args.listeners} --seed {args.seed}"
    )
    print(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()}")
    frames = parse_catalogue(args.data / "tidytuesday" / "spotify_songs.csv").frames
    protocol = playlist_continuation(frames, args.seed)
    if args.bundle_cache and args.bundle_cache.exists():
        bundle = joblib.load(args.bundle_cache)
    else:
        bundle = train_mixmap(protocol.training)
        if args.bundle_cache:
            joblib.dump(bundle, args.bundle_cache)
    bundle.scoring = read_settings()
    recommender = Recommender.from_bundle(bundle)
    ids = protocol.training.catalogue["track_id"].astype(str).to_numpy(dtype=object)
    established = [
        {
            "listener_id": listener.listener_id,
            "history": [
                HistoryEvent(ids[p], InteractionKind.LIKE, AT) for p in listener.query.history
            ],
            "preferences": Preferences(),
        }
        for listener in sample_listeners(protocol.test, args.listeners, args.seed)
    ]
    new = [
        {"listener_id": None, "history": [], "preferences": preferences}
        for _, preferences in new_listeners(recommender)
    ]
    print(
        f"Catalogue {recommender.n_tracks:,} tracks; {len(new)} new listeners "
        f"(onboarding only), {len(established)} established (test playlists as likes)"
    )
    new_result = measure(recommender, new)
    new_moves = report("New listeners (onboarding preferences only)", new_result)
    old_result = measure(recommender, established)
    old_moves = report("Established listeners (test playlists)", old_result)

    print("\n### NDCG@10 cost on the playlist protocol (test split, continue_playlist as served)\n")
    evaluated = sample_listeners(protocol.test, args.listeners, args.seed)
    ndcg = {}
    for dial in DIAL:
        ranker = ServedMixmapRanker.on_bundle(
            bundle, protocol.training, bundle.scoring, "playlist", adventurousness=dial
        )
        ndcg[dial] = evaluate_ranker(ranker, protocol, evaluated, "test", fitted=True).mean(
            "ndcg@10"
        )
    print("| dial | NDCG@10 | change vs dial 0 |")
    print("|---|---|---|")
    for dial, value in ndcg.items():
        print(f"| {dial:g} | {value:.4f} | {value - ndcg[0.0]:+.4f} |")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    all_monotonic = all(new_moves.values()) and all(old_moves.values())
    print(
        f"overlap_new={new_result['overlap']:.3f} overlap_established={old_result['overlap']:.3f} "
        f"monotonic={all_monotonic} ndcg10_dial0={ndcg[0.0]:.4f} ndcg10_dial1={ndcg[1.0]:.4f}"
    )


if __name__ == "__main__":
    main()
