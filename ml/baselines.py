"""Baseline recommenders the evaluation harness measures Mixmap against.

Every ranker follows one small interface: ``fit(TrainingData) -> self`` learns from the training
rows of a protocol, ``score(Query) -> ndarray`` gives one score per catalogue track (higher is
better). The harness, not the ranker, removes the excluded tracks, so every model competes on
exactly the same candidates. Each baseline has a few parameters the harness tunes on the
validation split, the same way Mixmap's are, so the comparison is fair.
"""

from __future__ import annotations

from typing import Protocol as TypingProtocol

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from ml.protocols import Query, TrainingData
from music.schema import AUDIO_FEATURES

# The harness's own feature space: z-scored audio features and duration. Baselines rank in it and
# intra-list diversity is measured in it, so no model is judged in a space it chose itself.
BASELINE_FEATURES: tuple[str, ...] = (*AUDIO_FEATURES, "duration_ms")
# Added to scores to order otherwise-equal tracks by popularity; small enough never to reorder
# tracks whose real scores differ by more than 1e-4.
TIE_BREAK = 1e-6


class Ranker(TypingProtocol):
    name: str

    def fit(self, data: TrainingData) -> Ranker: ...

    def score(self, query: Query) -> np.ndarray: ...

    def describe(self) -> str: ...


def standardised_audio_features(catalogue: pd.DataFrame) -> np.ndarray:
    values = catalogue[list(BASELINE_FEATURES)].to_numpy(dtype=np.float64)
    return StandardScaler().fit_transform(values)


def _popularity(catalogue: pd.DataFrame) -> np.ndarray:
    return catalogue["popularity"].to_numpy(dtype=np.float64)


class RandomBaseline:
    name = "random"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def fit(self, data: TrainingData) -> RandomBaseline:
        self.n_tracks_ = len(data.catalogue)
        self.rng_ = np.random.default_rng(self.seed)
        return self

    def score(self, query: Query) -> np.ndarray:
        return self.rng_.random(self.n_tracks_)

    def describe(self) -> str:
        return "uniform"


class PopularityBaseline:
    """Most popular first: by Spotify popularity, or by how many training listeners played it."""

    name = "most popular"

    def __init__(self, source: str = "spotify") -> None:
        if source not in ("spotify", "training"):
            raise ValueError("source must be 'spotify' or 'training'")
        self.source = source

    def fit(self, data: TrainingData) -> PopularityBaseline:
        spotify = _popularity(data.catalogue)
        listeners = np.bincount(data.interactions["track"], minlength=len(data.catalogue))
        if self.source == "spotify":
            self.scores_ = spotify + TIE_BREAK * listeners
        else:
            self.scores_ = listeners + TIE_BREAK * spotify
        return self

    def score(self, query: Query) -> np.ndarray:
        return self.scores_

    def describe(self) -> str:
        return f"source={self.source}"


class GenreMixBaseline:
    """ "Instant mix": random tracks from the history's genres, the dominant genre first."""

    name = "instant mix (genre)"

    def __init__(self, level: str = "genre", seed: int = 0) -> None:
        if level not in ("genre", "subgenre"):
            raise ValueError("level must be 'genre' or 'subgenre'")
        self.level = level
        self.seed = seed

    def fit(self, data: TrainingData) -> GenreMixBaseline:
        column = data.catalogue["genres" if self.level == "genre" else "subgenres"]
        codes, labels = pd.factorize(pd.Series([g for gs in column for g in gs], dtype=object))
        counts = column.map(len).to_numpy()
        indptr = np.concatenate([[0], np.cumsum(counts)])
        # Track-by-label membership; a track with several labels shares its weight among them.
        self.membership_ = sparse.csr_matrix(
            (np.ones(len(codes)), codes, indptr), shape=(len(column), len(labels))
        )
        self.shares_ = sparse.diags(1.0 / np.maximum(counts, 1)) @ self.membership_
        self.labelled_ = counts > 0
        self.rng_ = np.random.default_rng(self.seed)
        return self

    def score(self, query: Query) -> np.ndarray:
        profile = self.shares_[query.history].T @ query.weights
        profile = profile / max(profile.sum(), 1e-12)
        # A track scores the history's share of its best-represented label; unlabelled tracks 0.
        genre_score = np.zeros(self.membership_.shape[0])
        indptr, indices = self.membership_.indptr, self.membership_.indices
        starts = indptr[:-1][self.labelled_]
        genre_score[self.labelled_] = np.maximum.reduceat(profile[indices], starts)
        # Random order within a genre: the jitter is below any share difference that matters.
        return genre_score + 1e-4 * self.rng_.random(len(genre_score))

    def describe(self) -> str:
        return f"level={self.level}"


class FeatureCentroidBaseline:
    """Nearest tracks to the history's weighted centroid in the standardised audio space."""

    name = "feature kNN (centroid)"

    def __init__(self, metric: str = "euclidean") -> None:
        if metric not in ("euclidean", "cosine"):
            raise ValueError("metric must be 'euclidean' or 'cosine'")
        self.metric = metric

    def fit(self, data: TrainingData) -> FeatureCentroidBaseline:
        self.features_ = standardised_audio_features(data.catalogue)
        norms = np.linalg.norm(self.features_, axis=1, keepdims=True)
        self.unit_ = self.features_ / np.maximum(norms, 1e-12)
        return self

    def score(self, query: Query) -> np.ndarray:
        weights = query.weights / query.weights.sum()
        centroid = weights @ self.features_[query.history]
        if self.metric == "cosine":
            return self.unit_ @ (centroid / max(np.linalg.norm(centroid), 1e-12))
        return -np.linalg.norm(self.features_ - centroid, axis=1)

    def describe(self) -> str:
        return f"metric={self.metric}"


class CooccurrenceBaseline:
    """Item-item co-occurrence over the training listeners: "people who played X played Y".

    ``normalise`` divides by sqrt(deg(i) * deg(j)) (cosine) so popular tracks do not win by size.
    """

    name = "item co-occurrence"

    def __init__(self, normalise: bool = True) -> None:
        self.normalise = normalise

    def fit(self, data: TrainingData) -> CooccurrenceBaseline:
        matrix = data.matrix()
        matrix.data[:] = 1.0
        self.matrix_ = matrix.tocsr()
        self.matrix_t_ = matrix.T.tocsr()
        degree = np.asarray(matrix.sum(axis=0)).ravel()
        self.scale_ = 1.0 / np.sqrt(np.maximum(degree, 1.0)) if self.normalise else None
        self.tie_break_ = TIE_BREAK * _popularity(data.catalogue) / 100.0
        return self

    def score(self, query: Query) -> np.ndarray:
        weights = np.zeros(self.matrix_.shape[1])
        np.add.at(weights, query.history, query.weights)
        if self.scale_ is not None:
            weights *= self.scale_
        scores = self.matrix_t_ @ (self.matrix_ @ weights)
        if self.scale_ is not None:
            scores *= self.scale_
        return scores + self.tie_break_

    def describe(self) -> str:
        return f"normalise={'cosine' if self.normalise else 'none'}"


class ClusterBaseline:
    """Plain K-Means on the standardised features: popular tracks of the history's clusters."""

    name = "cluster only (K-Means)"

    def __init__(self, n_clusters: int = 20, seed: int = 0) -> None:
        self.n_clusters = n_clusters
        self.seed = seed

    def fit(self, data: TrainingData) -> ClusterBaseline:
        features = standardised_audio_features(data.catalogue)
        model = KMeans(n_clusters=self.n_clusters, n_init=3, random_state=self.seed)
        self.cluster_of_track_ = model.fit_predict(features)
        self.popularity_ = _popularity(data.catalogue)
        return self

    def score(self, query: Query) -> np.ndarray:
        shares = np.bincount(
            self.cluster_of_track_[query.history],
            weights=query.weights,
            minlength=self.n_clusters,
        )
        shares = shares / shares.sum()
        # Dominant cluster first; within a cluster, the most popular tracks first.
        return shares[self.cluster_of_track_] + TIE_BREAK * self.popularity_

    def describe(self) -> str:
        return f"k={self.n_clusters}"


class ImplicitAlsBaseline:
    """Implicit-feedback ALS (Hu, Koren & Volinsky 2008) from the ``implicit`` package.

    The evaluated listener is folded in from their history alone (``recalculate_user``), so the
    model never needs their held-out rows and treats every listener the same way.
    """

    name = "implicit ALS"

    def __init__(
        self,
        factors: int = 64,
        regularization: float = 0.1,
        alpha: float = 10.0,
        iterations: int = 15,
        seed: int = 0,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.seed = seed

    def fit(self, data: TrainingData) -> ImplicitAlsBaseline:
        from implicit.cpu.als import AlternatingLeastSquares

        # implicit's own advice: BLAS threads fight its solver threads (it warns on creation).
        with threadpool_limits(1, "blas"):
            self.model_ = AlternatingLeastSquares(
                factors=self.factors,
                regularization=self.regularization,
                alpha=self.alpha,
                iterations=self.iterations,
                random_state=self.seed,
                num_threads=1,  # deterministic given the seed; the machine has 2 cores anyway
            )
            self.model_.fit(data.matrix().astype(np.float32), show_progress=False)
        self.n_tracks_ = len(data.catalogue)
        self.tie_break_ = TIE_BREAK * _popularity(data.catalogue) / 100.0
        return self

    def score(self, query: Query) -> np.ndarray:
        row = sparse.csr_matrix(
            (
                query.weights.astype(np.float32),
                (np.zeros(len(query.history), dtype=np.int64), query.history),
            ),
            shape=(1, self.n_tracks_),
        )
        with threadpool_limits(1, "blas"):
            user = self.model_.recalculate_user(0, row)
        return self.model_.item_factors @ np.asarray(user).ravel() + self.tie_break_

    def describe(self) -> str:
        return f"factors={self.factors}, reg={self.regularization:g}, alpha={self.alpha:g}"
