"""Offline evaluation: run rankers over a protocol's listeners and summarise per split.

A ranker (``ml.baselines.Ranker``) is fitted once on the protocol's training data and scores the
whole catalogue for each listener's query; the harness removes the excluded tracks, ranks the
rest, maps tracks to targets (tracks, or artists for Last.fm: an artist is found at the rank of
its best track) and computes the metrics of ``ml.metrics``. Every model sees the same listeners,
the same candidates and the same held-out answers.

Choices are tuned on the validation split only (``tune``), then the chosen settings are refitted
and reported on the test split. Mixmap enters through ``ml.mixmap_ranker`` (tuned weights) and
``ml.served_ranker`` (the artifact's settings); ``ml.evaluation_run`` runs a whole protocol.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ml.baselines import Ranker, standardised_audio_features
from ml.metrics import (
    CLICK_LIST,
    bootstrap_interval,
    catalogue_coverage,
    clicks,
    intra_list_diversity,
    mean_popularity,
    ndcg_at,
    paired_bootstrap_interval,
    r_precision,
    recall_at,
)
from ml.protocols import Listener, Protocol, Query

# Metrics per listener, in table order; "clicks" is better when lower.
LISTENER_METRICS: tuple[str, ...] = ("ndcg@10", "r-precision", "recall@10", "recall@50", "clicks")
# What the list-level metrics look at: the page a listener would see.
LIST_LENGTH = 10
# Deep enough for clicks (500) and for R-precision of any listener (at most 30 held out of 100).
RANK_DEPTH = CLICK_LIST
# Tuning selects on this validation metric.
TUNING_METRIC = "ndcg@10"


@dataclass(frozen=True)
class ModelReport:
    """One model's results on one split."""

    model: str
    settings: str
    split: str
    per_listener: dict[str, np.ndarray]  # metric -> one value per listener, listener order
    listener_ids: tuple[str, ...]
    coverage: float  # share of the catalogue's tracks in at least one top-10 list
    popularity: float  # mean Spotify popularity of the recommended top-10 tracks
    diversity: float  # mean intra-list distance of the top-10 (standardised audio features)
    fit_seconds: float
    ms_per_listener: float

    def mean(self, metric: str) -> float:
        return float(np.mean(self.per_listener[metric]))


@dataclass
class Candidate:
    """A ranker under a name, with the settings ``tune`` may try (each a factory)."""

    name: str
    grid: Sequence[Callable[[], Ranker]]
    chosen: int = 0
    validation_scores: list[float] = field(default_factory=list)


def ranked_targets(
    scores: np.ndarray,
    query: Query,
    target_of_track: np.ndarray | None,
    depth: int = RANK_DEPTH,
) -> tuple[np.ndarray, np.ndarray]:
    """The best ``depth`` targets for a query, and the track that stands for each.

    Excluded tracks never rank. ``target_of_track`` None means the targets are the tracks;
    otherwise a target (an artist) ranks where its best track does. Ties go to the lower index.
    """
    scores = np.asarray(scores, dtype=np.float64).copy()
    scores[query.excluded] = -np.inf
    scores[np.isnan(scores)] = -np.inf
    if target_of_track is None:  # targets are the tracks: a partial sort is enough
        depth = min(depth, len(scores))
        head = np.argpartition(-scores, depth - 1)[:depth]
        head = head[np.lexsort((head, -scores[head]))]
        head = head[np.isfinite(scores[head])]
        return head, head
    order = np.argsort(-scores, kind="stable")
    order = order[np.isfinite(scores[order])]
    targets = target_of_track[order]
    _, first = np.unique(targets, return_index=True)
    keep = np.sort(first)[:depth]
    return order[keep], targets[keep]


def listener_metrics(ranked: np.ndarray, relevant: frozenset[int]) -> dict[str, float]:
    return {
        "ndcg@10": ndcg_at(ranked, relevant, 10),
        "r-precision": r_precision(ranked, relevant),
        "recall@10": recall_at(ranked, relevant, 10),
        "recall@50": recall_at(ranked, relevant, 50),
        "clicks": float(clicks(ranked, relevant)),
    }


def evaluate_ranker(
    ranker: Ranker,
    protocol: Protocol,
    listeners: Sequence[Listener],
    split: str,
    *,
    fitted: bool = False,
    audio: np.ndarray | None = None,
) -> ModelReport:
    """Fit ``ranker`` on the training data (unless ``fitted``) and score ``listeners``."""
    started = time.perf_counter()
    if not fitted:
        ranker.fit(protocol.training)
    fit_seconds = time.perf_counter() - started
    catalogue = protocol.training.catalogue
    audio = standardised_audio_features(catalogue) if audio is None else audio
    popularity = catalogue["popularity"].to_numpy(dtype=np.float64)
    target_map = None if protocol.target_label == "track" else protocol.target_of_track
    values: dict[str, list[float]] = {metric: [] for metric in LISTENER_METRICS}
    pages, page_popularity, page_diversity = [], [], []
    started = time.perf_counter()
    for listener in listeners:
        scores = ranker.score(listener.query)
        tracks, targets = ranked_targets(scores, listener.query, target_map)
        for metric, value in listener_metrics(targets, listener.relevant).items():
            values[metric].append(value)
        page = tracks[:LIST_LENGTH]
        pages.append(page)
        page_popularity.append(mean_popularity(page, popularity))
        page_diversity.append(intra_list_diversity(page, audio))
    scoring = time.perf_counter() - started
    return ModelReport(
        model=ranker.name,
        settings=ranker.describe(),
        split=split,
        per_listener={metric: np.asarray(v) for metric, v in values.items()},
        listener_ids=tuple(listener.listener_id for listener in listeners),
        coverage=catalogue_coverage(pages, len(catalogue)),
        popularity=float(np.nanmean(page_popularity)) if pages else float("nan"),
        diversity=float(np.nanmean(page_diversity)) if pages else float("nan"),
        fit_seconds=fit_seconds,
        ms_per_listener=1000 * scoring / max(len(listeners), 1),
    )


def sample_listeners(listeners: Sequence[Listener], n: int | None, seed: int) -> list[Listener]:
    """A seeded sample of ``n`` listeners (all of them when ``n`` is None or large enough)."""
    if n is None or n >= len(listeners):
        return list(listeners)
    chosen = np.sort(np.random.default_rng([seed, 2]).choice(len(listeners), n, replace=False))
    return [listeners[i] for i in chosen]


def tune(
    candidate: Candidate,
    protocol: Protocol,
    listeners: Sequence[Listener],
    progress: Callable[[str], None] | None = None,
) -> Candidate:
    """Pick the setting with the best validation ``TUNING_METRIC``; ties go to the first."""
    scores = []
    for factory in candidate.grid:
        report = evaluate_ranker(factory(), protocol, listeners, "validation")
        scores.append(report.mean(TUNING_METRIC))
        if progress:
            progress(f"  {candidate.name} [{report.settings}]: {TUNING_METRIC} {scores[-1]:.4f}")
    candidate.validation_scores = scores
    candidate.chosen = int(np.argmax(scores))
    return candidate


# ---------------------------------------------------------------------------- reporting


def paired_difference(a: ModelReport, b: ModelReport, metric: str, seed: int = 0) -> str:
    if a.listener_ids != b.listener_ids:
        raise ValueError("paired comparison needs the same listeners")
    interval = paired_bootstrap_interval(a.per_listener[metric], b.per_listener[metric], seed)
    return f"{interval.mean:+.4f} [{interval.low:+.4f}, {interval.high:+.4f}]"


def markdown_table(reports: Sequence[ModelReport], seed: int = 0) -> str:
    """One row per model: metric means (95 % bootstrap CI for NDCG@10) and list-level metrics."""
    header = (
        "| model | settings (chosen on validation) | NDCG@10 | R-prec | Recall@10 | Recall@50 "
        "| clicks | coverage | popularity | diversity |\n"
        "|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [header]
    for report in sorted(reports, key=lambda r: -r.mean("ndcg@10")):
        ndcg = bootstrap_interval(report.per_listener["ndcg@10"], seed)
        lines.append(
            f"| {report.model} | {report.settings} "
            f"| {ndcg.mean:.4f} [{ndcg.low:.4f}, {ndcg.high:.4f}] "
            f"| {report.mean('r-precision'):.4f} | {report.mean('recall@10'):.4f} "
            f"| {report.mean('recall@50'):.4f} | {report.mean('clicks'):.2f} "
            f"| {report.coverage:.3f} | {report.popularity:.1f} | {report.diversity:.2f} |"
        )
    return "\n".join(lines)
