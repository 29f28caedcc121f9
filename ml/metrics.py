"""Ranking metrics for offline evaluation, on ranked lists of item indices and relevant sets.

Per-listener metrics take ``ranked`` (item indices, best first, no repeats) and ``relevant`` (the
held-out items). Definitions follow the RecSys Challenge 2018 (Chen et al., "Recsys Challenge
2018: Automatic Music Playlist Continuation", 2018): binary-relevance NDCG, R-precision and
"clicks". List-level metrics (coverage, popularity, diversity) describe what is recommended rather
than whether it was right.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

# RecSys 2018: Spotify's UI shows 10 tracks per refresh; a list of 500 allows 50 refreshes, and a
# listener who never sees a relevant track is charged one more than the maximum.
CLICK_PAGE = 10
CLICK_LIST = 500
CLICKS_WHEN_MISSED = CLICK_LIST // CLICK_PAGE + 1


def _hits(ranked: Sequence[int] | np.ndarray, relevant: Collection[int], k: int) -> np.ndarray:
    head = np.asarray(ranked)[:k]
    return np.fromiter((item in relevant for item in head.tolist()), dtype=bool, count=len(head))


def recall_at(ranked: Sequence[int] | np.ndarray, relevant: Collection[int], k: int) -> float:
    """Share of the relevant items found in the first ``k``."""
    if not relevant:
        raise ValueError("recall is undefined for a listener with no held-out items")
    return float(_hits(ranked, relevant, k).sum()) / len(relevant)


def ndcg_at(ranked: Sequence[int] | np.ndarray, relevant: Collection[int], k: int) -> float:
    """Binary-relevance NDCG@k: DCG = sum of 1/log2(position + 1) over hits, positions from 1."""
    if not relevant:
        raise ValueError("NDCG is undefined for a listener with no held-out items")
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    hits = _hits(ranked, relevant, k)
    dcg = float(discounts[: len(hits)][hits].sum())
    ideal = float(discounts[: min(len(relevant), k)].sum())
    return dcg / ideal


def r_precision(ranked: Sequence[int] | np.ndarray, relevant: Collection[int]) -> float:
    """Share of the first |relevant| recommendations that are relevant."""
    if not relevant:
        raise ValueError("R-precision is undefined for a listener with no held-out items")
    return float(_hits(ranked, relevant, len(relevant)).sum()) / len(relevant)


def clicks(ranked: Sequence[int] | np.ndarray, relevant: Collection[int]) -> int:
    """Refreshes of 10 before the first relevant item: 0 when it is in the first 10.

    ``CLICKS_WHEN_MISSED`` (51) when none of the first 500 is relevant.
    """
    hits = _hits(ranked, relevant, CLICK_LIST)
    if not hits.any():
        return CLICKS_WHEN_MISSED
    return int(np.argmax(hits)) // CLICK_PAGE


def catalogue_coverage(
    top_lists: Sequence[Sequence[int] | np.ndarray], catalogue_size: int
) -> float:
    """Share of the catalogue that appears in at least one listener's list."""
    if catalogue_size <= 0:
        raise ValueError("catalogue_size must be positive")
    seen: set[int] = set()
    for items in top_lists:
        seen.update(np.asarray(items).tolist())
    return len(seen) / catalogue_size


def mean_popularity(items: Sequence[int] | np.ndarray, popularity: np.ndarray) -> float:
    """Mean popularity (Spotify's 0..100) of the listed items."""
    items = np.asarray(items, dtype=np.int64)
    return float(popularity[items].mean()) if len(items) else float("nan")


def intra_list_diversity(items: Sequence[int] | np.ndarray, features: np.ndarray) -> float:
    """Mean pairwise Euclidean distance between the listed items' feature rows.

    ``features`` should be standardised so every dimension counts on the same scale.
    """
    rows = features[np.asarray(items, dtype=np.int64)]
    n = len(rows)
    if n < 2:
        return float("nan")
    squared = (rows**2).sum(axis=1)
    distances = np.sqrt(np.maximum(squared[:, None] + squared[None, :] - 2 * rows @ rows.T, 0.0))
    return float(distances[np.triu_indices(n, k=1)].mean())


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float


def bootstrap_interval(
    values: Sequence[float] | np.ndarray,
    seed: int,
    resamples: int = 2000,
    confidence: float = 0.95,
) -> Interval:
    """Percentile bootstrap confidence interval of the mean of per-listener values."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(resamples, len(values)))].mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return Interval(float(values.mean()), float(low), float(high))


def paired_bootstrap_interval(
    values: Sequence[float] | np.ndarray,
    other: Sequence[float] | np.ndarray,
    seed: int,
    resamples: int = 2000,
    confidence: float = 0.95,
) -> Interval:
    """CI of mean(values - other) over the same listeners: the right test for "A beats B"."""
    values, other = np.asarray(values, dtype=float), np.asarray(other, dtype=float)
    if values.shape != other.shape:
        raise ValueError("paired values must cover the same listeners")
    return bootstrap_interval(values - other, seed, resamples, confidence)
