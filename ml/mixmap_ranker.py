"""Mixmap's own recommender behind the evaluation harness's ranker interface.

``MixmapRanker`` trains Mixmap once on a protocol's training rows (``train_mixmap``) and tries
scoring weights on that one model (``with_weights``, no retraining). ``score`` is
``Recommender.relevance`` for the query; the re-ranked variants instead rank what the public
path of the protocol's context would show (``ml.served_ranker.served_ranking``: MMR, the artist
cap, the evaluated listener kept out of its own neighbours). ``tune_mixmap`` picks the weights
on validation from ``MIXMAP_GRID``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from ml.evaluation import TUNING_METRIC, evaluate_ranker
from ml.feedback import TrackWeights
from ml.protocols import Listener, Protocol, Query, TrainingData
from ml.recommender import Recommender, ScoringWeights
from ml.served_ranker import ADVENTUROUSNESS, served_ranking


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


def train_mixmap(data: TrainingData, **overrides: Any) -> Any:
    """Train Mixmap on a protocol's training data with ``ml.training.train_model``.

    The map is a PCA projection: UMAP only places tracks on the map, ranking never reads it,
    and it is the slow stage. ``overrides`` are ``TrainParams`` fields (e.g. ``n_clusters``).
    """
    # Imported here: the web process imports the CLI (and so this module) but must never load
    # the trainer (tests/integration/test_web_process_imports.py).
    from ml.training import TrainParams, train_model

    events, playlists = training_events(data)
    params = replace(TrainParams(embedding="pca"), **overrides)
    return train_model(data.catalogue, events, params, playlists=playlists)


class MixmapRanker:
    """Mixmap's trained model under one set of scoring weights (see the module docstring)."""

    name = "Mixmap"

    def __init__(
        self,
        weights: dict[str, float] | None = None,
        rerank: bool = False,
        trainer: Callable[[TrainingData], Any] | None = None,
        context: str = "playlist",
    ) -> None:
        self.weights = weights or {}
        self.rerank = rerank
        self.trainer = trainer
        self.context = context  # whose public path the re-ranked variant asks

    def fit(self, data: TrainingData) -> MixmapRanker:
        started = time.perf_counter()
        self.bundle_ = (self.trainer or train_mixmap)(data)
        self.fit_seconds_ = time.perf_counter() - started
        self.recommender_ = self._recommender(self.weights)
        self.track_ids_ = data.catalogue["track_id"].astype(str).to_numpy(dtype=object)
        return self

    def _recommender(self, weights: dict[str, float]) -> Recommender:
        return Recommender.from_bundle(self.bundle_, weights=replace(ScoringWeights(), **weights))

    def with_weights(self, weights: dict[str, float], rerank: bool | None = None) -> MixmapRanker:
        """The same trained model under other scoring weights (no retraining)."""
        other = MixmapRanker(
            weights, self.rerank if rerank is None else rerank, self.trainer, self.context
        )
        other.bundle_ = self.bundle_
        other.fit_seconds_ = getattr(self, "fit_seconds_", float("nan"))
        other.recommender_ = other._recommender(weights)
        other.track_ids_ = self.track_ids_
        return other

    def score(self, query: Query) -> np.ndarray:
        if self.rerank:
            return served_ranking(self.recommender_, self.track_ids_, query, self.context)
        weights = TrackWeights.from_positive(query.history, query.weights)
        return self.recommender_.relevance(
            weights, adventurousness=ADVENTUROUSNESS, exclude_listener=query.listener_id
        ).astype(np.float64)

    def describe(self) -> str:
        changed = ", ".join(f"{k}={v:g}" for k, v in sorted(self.weights.items()))
        return ("MMR re-rank" if self.rerank else "relevance") + (f"; {changed}" if changed else "")


# Scoring-weight variants of Mixmap tried on validation (ml.recommender.ScoringWeights fields);
# none needs retraining. The grid of the earlier runs (docs/EVALUATION.md, 21 entries) was cut to
# the defaults, each protocol's earlier validation winner and its nearest rivals, plus the RP3beta
# walk terms (issue #11), whose settings were picked on a seeded 300-user validation sample.
_PLAYLIST_BEST = {"artist": 3.0, "listening_cooccurrence": 0.0}
_HISTORY_BEST = {
    "collaborative": 3.0,
    "collaborative_artist": 2.0,
    "listening_cooccurrence": 4.0,
    "listening_locality": 0.5,
}
# RP3beta's own best settings on each protocol's validation: alpha 0.5, beta 0.3 on playlists;
# on Last.fm alpha 1 with beta 0.45 (between the grid's 0.3 and 0.6) scored best blended.
_PLAYLIST_WALK = {"walk_alpha": 0.5, "walk_beta": 0.3}
_HISTORY_WALK = {"walk_alpha": 1.0, "walk_beta": 0.45}
MIXMAP_GRID: tuple[dict[str, float], ...] = (
    {},
    {"artist": 3.0},
    _PLAYLIST_BEST,
    {"collaborative": 3.0, "collaborative_artist": 2.0, "listening_cooccurrence": 4.0},
    _HISTORY_BEST,
    {**_PLAYLIST_BEST, **_PLAYLIST_WALK, "item_walk": 1.0},
    {**_PLAYLIST_BEST, **_PLAYLIST_WALK, "item_walk": 3.0},
    {**_PLAYLIST_BEST, **_PLAYLIST_WALK, "artist_walk": 1.0},
    {**_HISTORY_BEST, **_HISTORY_WALK, "item_walk": 6.0},
    {**_HISTORY_BEST, "walk_alpha": 0.75, "walk_beta": 0.45, "item_walk": 8.0},
    {**_HISTORY_BEST, **_HISTORY_WALK, "item_walk": 6.0, "artist_walk": 3.0},
    # EASE^R over artists (ml.artist_ease); weights picked on Last.fm validation (seed 0).
    {**_HISTORY_BEST, **_HISTORY_WALK, "item_walk": 6.0, "artist_ease": 6.0},
    {**_HISTORY_BEST, **_HISTORY_WALK, "item_walk": 6.0, "artist_ease": 6.0, "artist_walk": 3.0},
)
# The shown list (MMR, artist cap) is tried for the winner with these caps, then with the best
# cap and each of these MMR floors (ScoringWeights.diversity_min; the dial adds its span on top).
RERANK_CAPS: tuple[int, ...] = (2, 5)
RERANK_DIVERSITY_MIN: tuple[float, ...] = (0.0,)


def tune_mixmap(
    base: MixmapRanker,
    protocol: Protocol,
    validation: Sequence[Listener],
    grid: Sequence[dict[str, float]] = MIXMAP_GRID,
    rerank_caps: Sequence[int] = RERANK_CAPS,
    progress: Callable[[str], None] | None = None,
    diversity_mins: Sequence[float] = RERANK_DIVERSITY_MIN,
) -> tuple[MixmapRanker, list[tuple[str, float]]]:
    """Mixmap's best scoring weights on validation (relevance grid, then the shown list with each
    artist cap for the winner, then the best cap with each MMR floor); returns the chosen variant
    and (settings, score) for each tried."""
    say = progress or (lambda _message: None)
    variants = [base.with_weights(weights) for weights in grid]
    scores = []
    for variant in variants:
        report = evaluate_ranker(variant, protocol, validation, "validation", fitted=True)
        scores.append(report.mean(TUNING_METRIC))
        say(f"  Mixmap [{variant.describe()}]: {TUNING_METRIC} {scores[-1]:.4f}")
    best = variants[int(np.argmax(scores))]

    def shown_list(weights: dict[str, float]) -> float:
        variant = base.with_weights(weights, rerank=True)
        variants.append(variant)
        report = evaluate_ranker(variant, protocol, validation, "validation", fitted=True)
        scores.append(report.mean(TUNING_METRIC))
        say(f"  Mixmap [{variant.describe()}]: {TUNING_METRIC} {scores[-1]:.4f}")
        return scores[-1]

    capped = [{**best.weights, "max_per_artist": cap} for cap in rerank_caps]
    by_cap = [shown_list(weights) for weights in capped]
    if capped:
        best_cap = capped[int(np.argmax(by_cap))]
        for floor in diversity_mins:
            shown_list({**best_cap, "diversity_min": floor})
    tried = [(v.describe(), score) for v, score in zip(variants, scores, strict=True)]
    return variants[int(np.argmax(scores))], tried
