"""One whole offline run of a protocol: tune every model on validation, report on a split.

``run_protocol`` tunes the baselines (``baseline_candidates``) and Mixmap's scoring weights
(``ml.mixmap_ranker.tune_mixmap``) on (a seeded sample of) the validation listeners, reports the
chosen settings on the requested split, and adds "Mixmap as served" (the settings the next
``ml train`` writes into the artifact, through the public path; ``ml.served_ranker``).
``verdict`` turns a run into sentences with paired 95 % CIs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ml.baselines import (
    ClusterBaseline,
    CooccurrenceBaseline,
    FeatureCentroidBaseline,
    GenreMixBaseline,
    ImplicitAlsBaseline,
    PopularityBaseline,
    RandomBaseline,
    standardised_audio_features,
)
from ml.evaluation import (
    Candidate,
    ModelReport,
    evaluate_ranker,
    paired_difference,
    sample_listeners,
    tune,
)
from ml.item_baselines import EaseBaseline, RP3betaBaseline
from ml.mixmap_ranker import MIXMAP_GRID, RERANK_CAPS, MixmapRanker, tune_mixmap
from ml.protocols import Protocol, TrainingData
from ml.served_ranker import ServedMixmapRanker, context_of


def baseline_candidates(seed: int = 0) -> list[Candidate]:
    """The nine baselines, each with the small grid tuned on validation."""
    return [
        Candidate("random", [lambda: RandomBaseline(seed)]),
        Candidate(
            "most popular",
            [lambda: PopularityBaseline("spotify"), lambda: PopularityBaseline("training")],
        ),
        Candidate(
            "instant mix (genre)",
            [lambda: GenreMixBaseline("genre", seed), lambda: GenreMixBaseline("subgenre", seed)],
        ),
        Candidate(
            "feature kNN (centroid)",
            [
                lambda: FeatureCentroidBaseline("euclidean"),
                lambda: FeatureCentroidBaseline("cosine"),
            ],
        ),
        Candidate(
            "item co-occurrence",
            [lambda: CooccurrenceBaseline(True), lambda: CooccurrenceBaseline(False)],
        ),
        Candidate(
            "cluster only (K-Means)",
            [lambda k=k: ClusterBaseline(k, seed) for k in (10, 30, 80)],
        ),
        Candidate(
            "implicit ALS",
            [
                lambda f=f, r=r: ImplicitAlsBaseline(factors=f, regularization=r, seed=seed)
                for f, r in ((32, 0.1), (64, 0.1), (128, 1.0))
            ],
        ),
        # The strongest simple item-based models (Dacrema et al. 2019), issue #11.
        Candidate(
            "RP3beta",
            [
                lambda a=a, b=b: RP3betaBaseline(alpha=a, beta=b)
                for a in (0.5, 1.0)
                for b in (0.0, 0.3, 0.6)
            ],
        ),
        Candidate(
            "EASE^R",
            [lambda r=r: EaseBaseline(regularization=r) for r in (10.0, 100.0, 500.0, 1000.0)],
        ),
    ]


@dataclass
class ProtocolRun:
    protocol: str
    split: str
    listeners: int
    reports: list[ModelReport]
    tuning: dict[str, list[tuple[str, float]]]  # model -> (settings, validation metric) tried
    seconds: float

    def report(self, model: str) -> ModelReport:
        return next(r for r in self.reports if r.model == model)


def run_protocol(
    protocol: Protocol,
    split: str = "test",
    sample: int | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    include_mixmap: bool = True,
    candidates: Sequence[Candidate] | None = None,
    mixmap_trainer: Callable[[TrainingData], Any] | None = None,
    mixmap_grid: Sequence[dict[str, float]] = MIXMAP_GRID,
    rerank_caps: Sequence[int] = RERANK_CAPS,
    served_scoring: dict[str, Any] | None = None,
) -> ProtocolRun:
    """Tune every model on (a sample of) validation, then report each on ``split``."""
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    validation = sample_listeners(protocol.validation, sample, seed)
    evaluated = sample_listeners(protocol.listeners(split), sample, seed)
    audio = standardised_audio_features(protocol.training.catalogue)
    reports, tuning = [], {}
    for candidate in candidates if candidates is not None else baseline_candidates(seed):
        say(f"{candidate.name}: tuning on {len(validation)} validation listeners")
        if len(candidate.grid) > 1:
            tune(candidate, protocol, validation, say)
        ranker = candidate.grid[candidate.chosen]()
        report = evaluate_ranker(ranker, protocol, evaluated, split, audio=audio)
        tuning[candidate.name] = [
            (factory().describe(), score)
            for factory, score in zip(candidate.grid, candidate.validation_scores, strict=False)
        ]
        say(f"{candidate.name} [{report.settings}]: {split} ndcg@10 {report.mean('ndcg@10'):.4f}")
        reports.append(report)
    if include_mixmap or served_scoring is not None:
        say("Mixmap: training on the protocol's training rows")
        base = MixmapRanker(trainer=mixmap_trainer, context=context_of(protocol))
        base.fit(protocol.training)
    if include_mixmap:
        chosen, tuning["Mixmap"] = tune_mixmap(
            base, protocol, validation, mixmap_grid, rerank_caps, say
        )
        report = evaluate_ranker(chosen, protocol, evaluated, split, fitted=True, audio=audio)
        reports.append(replace(report, fit_seconds=base_fit_seconds(base)))
        say(f"Mixmap [{report.settings}]: {split} ndcg@10 {report.mean('ndcg@10'):.4f}")
    if served_scoring is not None:
        # The settings the next `ml train` writes into the artifact, through the public
        # recommend()/continue_playlist() path (MMR and artist cap included).
        served = ServedMixmapRanker.on_bundle(
            base.bundle_, protocol.training, served_scoring, context_of(protocol)
        )
        report = evaluate_ranker(served, protocol, evaluated, split, fitted=True, audio=audio)
        reports.append(replace(report, fit_seconds=base_fit_seconds(base)))
        say(f"Mixmap as served [{report.settings}]: {split} ndcg@10 {report.mean('ndcg@10'):.4f}")
    return ProtocolRun(
        protocol=protocol.name,
        split=split,
        listeners=len(evaluated),
        reports=reports,
        tuning=tuning,
        seconds=time.perf_counter() - started,
    )


def base_fit_seconds(ranker: MixmapRanker) -> float:
    return float(getattr(ranker, "fit_seconds_", float("nan")))


def verdict(run: ProtocolRun, model: str = "Mixmap", seed: int = 0) -> list[str]:
    """Plain sentences: does ``model`` beat every other model on NDCG@10 and R-precision?"""
    ours = run.report(model)
    lines = []
    for metric in ("ndcg@10", "r-precision"):
        for other in run.reports:
            if other.model == model:
                continue
            gap = ours.mean(metric) - other.mean(metric)
            word = "beats" if gap > 0 else "LOSES TO"
            lines.append(
                f"{model} {word} {other.model} on {metric}: "
                f"{paired_difference(ours, other, metric, seed)} (paired 95 % CI)"
            )
    return lines


MIXMAP_ROWS: frozenset[str] = frozenset({"Mixmap", "Mixmap as served"})


def margin_over_best(run: ProtocolRun, model: str = "Mixmap as served", seed: int = 0) -> list[str]:
    """Per acceptance metric, ``model`` against the best baseline: relative margin and CI."""
    ours = run.report(model)
    baselines = [r for r in run.reports if r.model not in MIXMAP_ROWS]
    lines = []
    for metric in ("ndcg@10", "r-precision"):
        if not baselines:
            break
        best = max(baselines, key=lambda r: r.mean(metric))
        share = ours.mean(metric) / best.mean(metric) - 1.0 if best.mean(metric) else float("nan")
        lines.append(
            f"{model} vs the best baseline on {metric} ({best.model}, {best.mean(metric):.4f}): "
            f"{ours.mean(metric):.4f}, {share:+.1%}; paired difference "
            f"{paired_difference(ours, best, metric, seed)} (95 % CI)"
        )
    return lines
