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
from ml.training import TrainParams, train_model


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
