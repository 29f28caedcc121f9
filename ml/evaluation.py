"""Offline evaluation: run rankers over a protocol's listeners and summarise per split.

A ranker (``ml.baselines.Ranker``) is fitted once on the protocol's training data and scores the
whole catalogue for each listener's query; the harness removes the excluded tracks, ranks the
rest, maps tracks to targets (tracks, or artists for Last.fm: an artist is found at the rank of
its best track) and computes the metrics of ``ml.metrics``. Every model sees the same listeners,
the same candidates and the same held-out answers.

Choices are tuned on the validation split only (``tune``), then the chosen settings are refitted
and reported on the test split. Mixmap's own recommender enters through ``MixmapRanker``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ml.baselines import (
    ClusterBaseline,
    CooccurrenceBaseline,
    FeatureCentroidBaseline,
    GenreMixBaseline,
    ImplicitAlsBaseline,
    PopularityBaseline,
    RandomBaseline,
    Ranker,
    standardised_audio_features,
)
from ml.feedback import TrackWeights
from ml.item_baselines import EaseBaseline, RP3betaBaseline
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
from ml.protocols import Listener, Protocol, Query, TrainingData
from ml.recommender import Exclusions, Preferences, Recommender, ScoringWeights
from ml.served_ranker import ServedMixmapRanker

# Metrics per listener, in table order; "clicks" is better when lower.
LISTENER_METRICS: tuple[str, ...] = ("ndcg@10", "r-precision", "recall@10", "recall@50", "clicks")
# What the list-level metrics look at: the page a listener would see.
LIST_LENGTH = 10
# Deep enough for clicks (500) and for R-precision of any listener (at most 30 held out of 100).
RANK_DEPTH = CLICK_LIST
# The recommender's default: halfway between familiar and adventurous.
ADVENTUROUSNESS = 0.5
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
            [lambda r=r: EaseBaseline(regularization=r) for r in (10.0, 100.0, 500.0)],
        ),
    ]


# ---------------------------------------------------------------------------- Mixmap itself


def training_events(data: TrainingData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The protocol's training rows as ``train_model`` takes them: events and curated playlists.

    Playlist membership is a LIKE (a curator chose the track); Last.fm users' rows are PLAYs,
    one event per row (their weights are already log-damped play counts, spread over the
    artist's tracks). Every event has the same timestamp, so recency decay plays no part.
    """
    rows = data.interactions
    names = np.asarray(data.listener_names, dtype=object)[rows["listener"].to_numpy()]
    track_ids = data.catalogue["track_id"].to_numpy(dtype=object)[rows["track"].to_numpy()]
    is_playlist = np.char.startswith(names.astype(str), "playlist:")
    events = pd.DataFrame(
        {
            "listener": names,
            "track_id": track_ids,
            "kind": np.where(is_playlist, "like", "play"),
            "at": pd.Timestamp(datetime(2020, 1, 1, tzinfo=UTC)),
        }
    )
    playlists = pd.DataFrame(
        {
            "playlist_id": [n.removeprefix("playlist:") for n in names[is_playlist]],
            "track_id": track_ids[is_playlist],
        }
    )
    return events, playlists


class MixmapRanker:
    """Mixmap's trained model and hybrid recommender behind the ranker interface.

    ``score`` is ``Recommender.relevance`` for the query (the evaluated listener is kept out of
    its own "listeners like you" and of the listening co-occurrence); with ``rerank`` the first
    ``RERANK_DEPTH`` places are what ``continue_playlist``/``recommend`` would show (MMR
    diversity, at most two per artist), the rest follow by relevance.
    """

    name = "Mixmap"
    RERANK_DEPTH = 50

    def __init__(
        self,
        weights: dict[str, float] | None = None,
        rerank: bool = False,
        trainer: Callable[[TrainingData], Any] | None = None,
    ) -> None:
        self.weights = weights or {}
        self.rerank = rerank
        self.trainer = trainer

    def fit(self, data: TrainingData) -> MixmapRanker:
        started = time.perf_counter()
        self.bundle_ = (self.trainer or train_mixmap)(data)
        self.fit_seconds_ = time.perf_counter() - started
        options = {"weights": replace(ScoringWeights(), **self.weights)}
        self.recommender_ = Recommender.from_bundle(self.bundle_, **options)
        self.track_ids_ = data.catalogue["track_id"].to_numpy(dtype=object)
        return self

    def with_weights(self, weights: dict[str, float], rerank: bool | None = None) -> MixmapRanker:
        """The same trained model under other scoring weights (no retraining)."""
        other = MixmapRanker(weights, self.rerank if rerank is None else rerank, self.trainer)
        other.bundle_ = self.bundle_
        other.recommender_ = Recommender.from_bundle(
            self.bundle_, weights=replace(ScoringWeights(), **weights)
        )
        other.track_ids_ = self.track_ids_
        return other

    def score(self, query: Query) -> np.ndarray:
        weights = TrackWeights.from_positive(query.history, query.weights)
        relevance = self.recommender_.relevance(
            weights, adventurousness=ADVENTUROUSNESS, exclude_listener=query.listener_id
        ).astype(np.float64)
        if not self.rerank:
            return relevance
        # What continue_playlist would show, minus the listener's own row in "listeners like
        # you": the public methods take no ``exclude_listener`` yet, so this goes through the
        # same private steps they use (score, hard filters, MMR with the artist cap).
        recommender = self.recommender_
        scored = recommender._score(
            weights, Preferences(), ADVENTUROUSNESS, "playlist", query.listener_id
        )
        allowed = recommender._allowed(
            Exclusions(track_ids=frozenset(self.track_ids_[query.excluded].tolist())), None
        )
        shown = recommender._select(scored, allowed, self.RERANK_DEPTH)
        positions = pd.Index(self.track_ids_).get_indexer([r.track_id for r in shown])
        # Shown tracks first in their shown order, then the rest by relevance.
        ranked = relevance - (relevance.max() - relevance.min() + 1.0) * 2
        ranked[positions] = relevance.max() + 1.0 + np.arange(len(positions))[::-1]
        return ranked

    def describe(self) -> str:
        changed = ", ".join(f"{k}={v:g}" for k, v in sorted(self.weights.items()))
        return ("MMR re-rank" if self.rerank else "relevance") + (f"; {changed}" if changed else "")


def train_mixmap(data: TrainingData, **overrides: Any) -> Any:
    """Train Mixmap on a protocol's training data with ``ml.training.train_model``.

    ``overrides`` are ``TrainParams`` fields (e.g. ``n_clusters`` to skip choosing k).
    """
    try:
        from ml.training import TrainParams, train_model
    except ImportError:  # training has not landed yet: assemble the same parts directly
        return assemble_mixmap(data)

    events, playlists = training_events(data)
    params = replace(evaluation_train_params(TrainParams), **overrides)
    return train_model(data.catalogue, events, params, playlists=playlists)


def evaluation_train_params(params_type: type) -> Any:
    """Training settings for evaluation: skip the map projection when training offers it.

    UMAP only places tracks on the map; ranking never reads it, and it is the slow stage.
    """
    fields = getattr(params_type, "__dataclass_fields__", {})
    options: dict[str, Any] = {}
    for name, value in (("embedding", "pca"), ("projection", "pca"), ("umap", False)):
        if name in fields:
            options[name] = value
    return params_type(**options)


def cooccurrence_matrix(data: TrainingData) -> sparse.csr_matrix:
    """Track-by-track counts of shared curated playlists in the training rows."""
    playlists = np.char.startswith(np.asarray(data.listener_names, dtype=str), "playlist:")
    rows = data.interactions[playlists[data.interactions["listener"].to_numpy()]]
    membership = sparse.csr_matrix(
        (np.ones(len(rows), np.float32), (rows["listener"], rows["track"])),
        shape=(len(data.listener_names), len(data.catalogue)),
    )
    together = (membership.T @ membership).tocsr()
    together.setdiag(0)
    together.eliminate_zeros()
    return together


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


@dataclass
class AssembledModel:
    """The parts ``Recommender.from_bundle`` reads, built without ``ml.training``."""

    tracks: pd.DataFrame
    features: np.ndarray
    cluster_names: list[str]
    listeners: Any
    cooccurrence: sparse.csr_matrix


def assemble_mixmap(data: TrainingData, n_clusters: int = 30, seed: int = 0) -> AssembledModel:
    """Mixmap's model from its parts: featurizer, K-Means song clusters, listener model and
    playlist co-occurrence, all fitted on the training rows only."""
    from sklearn.cluster import KMeans

    from ml.features import TrackFeaturizer
    from ml.listeners import ListenerModel

    catalogue = data.catalogue.reset_index(drop=True)
    features = TrackFeaturizer().fit_transform(catalogue).astype(np.float32)
    n_clusters = min(n_clusters, len(catalogue))
    labels = KMeans(n_clusters=n_clusters, n_init=2, random_state=seed).fit_predict(features)
    events, _ = training_events(data)
    listeners = ListenerModel(random_state=seed).fit(
        events,
        catalogue["track_id"].astype(str).tolist(),
        features,
        artist_ids=catalogue["artist_id"].to_numpy(),
    )
    return AssembledModel(
        tracks=catalogue.assign(cluster=labels.astype(np.int64)),
        features=features,
        cluster_names=[f"cluster {i}" for i in range(n_clusters)],
        listeners=listeners,
        cooccurrence=cooccurrence_matrix(data),
    )


# ---------------------------------------------------------------------------- one whole run

# Scoring-weight variants of Mixmap tried on validation (ml.recommender.ScoringWeights fields);
# none needs retraining. A first validation run showed the artist term is the big lever for
# playlists (curators put several tracks of an artist in one playlist), hence its range.
MIXMAP_GRID: tuple[dict[str, float], ...] = (
    {},
    {"artist": 1.0},
    {"artist": 2.0},
    {"artist": 3.0},
    {"artist": 2.0, "cooccurrence": 1.2},
    {"artist": 2.0, "collaborative": 1.2},
    {"collaborative": 1.2, "collaborative_artist": 0.6},
    # Last.fm's validation run favoured the collaborative terms (artists are the targets).
    {"collaborative": 2.0, "collaborative_artist": 1.0},
    {"collaborative": 3.0, "collaborative_artist": 2.0},
    {"collaborative": 2.0, "collaborative_artist": 1.0, "cooccurrence": 0.0},
    # The listening co-occurrence term (item-item over every training listener) is on at its
    # default in all of the above; these switch it off for the earlier winners of each protocol
    # (so they stay reachable exactly) or weigh it up, alone and with the collaborative terms.
    {"artist": 3.0, "listening_cooccurrence": 0.0},
    {"collaborative": 3.0, "collaborative_artist": 2.0, "listening_cooccurrence": 0.0},
    {"artist": 3.0, "listening_cooccurrence": 2.0},
    {"listening_cooccurrence": 2.0},
    {"listening_cooccurrence": 4.0},
    {"collaborative": 2.0, "collaborative_artist": 1.0, "listening_cooccurrence": 2.0},
    {"collaborative": 3.0, "collaborative_artist": 2.0, "listening_cooccurrence": 4.0},
    # The locality exponent on that term's item cosines: above 1 strong links count more than
    # many weak ones; below 1 the reverse.
    {"listening_cooccurrence": 4.0, "listening_locality": 2.0},
    {
        "collaborative": 3.0,
        "collaborative_artist": 2.0,
        "listening_cooccurrence": 4.0,
        "listening_locality": 0.5,
    },
    {
        "collaborative": 3.0,
        "collaborative_artist": 2.0,
        "listening_cooccurrence": 4.0,
        "listening_locality": 2.0,
    },
    {
        "collaborative": 3.0,
        "collaborative_artist": 2.0,
        "listening_cooccurrence": 4.0,
        "listening_locality": 3.0,
    },
)
# The shown list (MMR, artist cap) is tried for the winner with these caps.
RERANK_CAPS: tuple[int, ...] = (2, 5)


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
        base = MixmapRanker(trainer=mixmap_trainer).fit(protocol.training)
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


def tune_mixmap(
    base: MixmapRanker,
    protocol: Protocol,
    validation: Sequence[Listener],
    grid: Sequence[dict[str, float]] = MIXMAP_GRID,
    rerank_caps: Sequence[int] = RERANK_CAPS,
    progress: Callable[[str], None] | None = None,
) -> tuple[MixmapRanker, list[tuple[str, float]]]:
    """Mixmap's best scoring weights on validation (relevance grid, then the shown list with each
    artist cap for the winner); returns the chosen variant and (settings, score) for each tried."""
    say = progress or (lambda _message: None)
    variants = [base.with_weights(weights) for weights in grid]
    scores = []
    for variant in variants:
        report = evaluate_ranker(variant, protocol, validation, "validation", fitted=True)
        scores.append(report.mean(TUNING_METRIC))
        say(f"  Mixmap [{variant.describe()}]: {TUNING_METRIC} {scores[-1]:.4f}")
    best = variants[int(np.argmax(scores))]
    for cap in rerank_caps:
        variant = base.with_weights({**best.weights, "max_per_artist": cap}, rerank=True)
        variants.append(variant)
        report = evaluate_ranker(variant, protocol, validation, "validation", fitted=True)
        scores.append(report.mean(TUNING_METRIC))
        say(f"  Mixmap [{variant.describe()}]: {TUNING_METRIC} {scores[-1]:.4f}")
    tried = [(v.describe(), score) for v, score in zip(variants, scores, strict=True)]
    return variants[int(np.argmax(scores))], tried


def context_of(protocol: Protocol) -> str:
    """The serving context a protocol measures: playlists continue, Last.fm users have histories."""
    return "playlist" if protocol.target_label == "track" else "history"


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
