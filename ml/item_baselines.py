"""The strongest simple item-based baselines: RP3beta and EASE^R (issue #11).

Dacrema et al. ("Are we really making much progress?", RecSys 2019) found well-tuned item-based
models beat most neural recommenders on implicit feedback; these two are their strongest. Both
follow ``ml.baselines.Ranker`` and are tuned on validation like every other baseline.

- ``RP3betaBaseline`` (Paudel et al., "Updatable, accurate, diverse, and scalable
  recommendations for interactive applications", TiiS 2017): a 3-step random walk
  item -> listener -> item, each transition probability raised to ``alpha``, the landing item's
  score divided by its popularity^``beta``; only each item's ``top_k`` strongest neighbours are
  kept (sparse). ``beta = 0`` is P3alpha.
- ``EaseBaseline`` (Steck, "Embarrassingly shallow autoencoders for sparse data", WWW 2019):
  B = I - P / diag(P) with P = (X^T X + lambda I)^-1 (so diag(B) = 0). The Gram matrix is dense,
  so EASE is fitted on the ``max_items`` tracks with the most training listeners (and at least
  ``min_count``); every other track scores below all of them. ``describe`` says how many.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from ml.artist_ease import regularized_gram_inverse
from ml.protocols import Query, TrainingData

# Orders otherwise-equal tracks by popularity, as in ml.baselines.
TIE_BREAK = 1e-6


def _binary(data: TrainingData) -> sparse.csr_matrix:
    matrix = data.matrix().tocsr()
    matrix.data[:] = 1.0
    return matrix


def _row_normalised(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    totals = np.asarray(matrix.sum(axis=1)).ravel()
    return sparse.csr_matrix(sparse.diags(1.0 / np.maximum(totals, 1e-12)) @ matrix)


def _keep_top_k(matrix: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """Keep the ``k`` largest entries of each row (ties: the lower column)."""
    matrix = sparse.csr_matrix(matrix, copy=True)  # eliminate_zeros below works in place
    matrix.sort_indices()
    indptr, data = matrix.indptr, matrix.data
    keep = np.ones(len(data), dtype=bool)
    for row in np.flatnonzero(np.diff(indptr) > k):
        start, stop = indptr[row], indptr[row + 1]
        order = np.argsort(-data[start:stop], kind="stable")
        keep[start + order[k:]] = False
    pruned = sparse.csr_matrix((data * keep, matrix.indices, indptr), shape=matrix.shape)
    pruned.eliminate_zeros()
    return pruned


def _query_vector(query: Query, n_tracks: int) -> np.ndarray:
    vector = np.zeros(n_tracks)
    np.add.at(vector, query.history, query.weights)
    return vector


class RP3betaBaseline:
    """Item-item random walk with popularity penalty (``alpha``, ``beta``; top-k neighbours)."""

    name = "RP3beta"

    def __init__(self, alpha: float = 1.0, beta: float = 0.5, top_k: int = 200) -> None:
        self.alpha = alpha
        self.beta = beta
        self.top_k = top_k

    def fit(self, data: TrainingData) -> RP3betaBaseline:
        matrix = _binary(data)
        user_to_item = _row_normalised(matrix)
        item_to_user = _row_normalised(matrix.T.tocsr())
        if self.alpha != 1.0:
            user_to_item.data **= self.alpha
            item_to_user.data **= self.alpha
        walk = (item_to_user @ user_to_item).tocsr()
        degree = np.asarray(matrix.sum(axis=0)).ravel()
        penalty = np.maximum(degree, 1.0) ** -self.beta
        walk = sparse.csr_matrix(walk @ sparse.diags(penalty))
        walk.setdiag(0)
        walk.eliminate_zeros()
        self.similarity_ = _keep_top_k(walk, self.top_k)  # row i: where a walk from i lands
        self.similarity_t_ = self.similarity_.T.tocsr()
        self.tie_break_ = TIE_BREAK * data.catalogue["popularity"].to_numpy(float) / 100.0
        return self

    def score(self, query: Query) -> np.ndarray:
        vector = _query_vector(query, self.similarity_.shape[0])
        return self.similarity_t_ @ vector + self.tie_break_

    def describe(self) -> str:
        return f"alpha={self.alpha:g}, beta={self.beta:g}, top_k={self.top_k}"


class EaseBaseline:
    """EASE^R, closed form, on the tracks with the most training listeners (dense Gram)."""

    name = "EASE^R"

    def __init__(
        self, regularization: float = 100.0, max_items: int = 3000, min_count: int = 2
    ) -> None:
        self.regularization = regularization
        self.max_items = max_items
        self.min_count = min_count

    def fit(self, data: TrainingData) -> EaseBaseline:
        matrix = _binary(data)
        counts = np.asarray(matrix.sum(axis=0)).ravel()
        eligible = np.flatnonzero(counts >= self.min_count)
        order = eligible[np.lexsort((eligible, -counts[eligible]))]
        self.items_ = np.sort(order[: self.max_items])
        self.weights_ = ease_weights(matrix[:, self.items_], self.regularization)
        self.n_tracks_ = matrix.shape[1]
        self.min_count_seen_ = int(counts[self.items_].min()) if len(self.items_) else 0
        self.tie_break_ = TIE_BREAK * data.catalogue["popularity"].to_numpy(float) / 100.0
        return self

    def score(self, query: Query) -> np.ndarray:
        vector = _query_vector(query, self.n_tracks_)[self.items_]
        scores = np.full(self.n_tracks_, -1e6) + self.tie_break_
        scores[self.items_] = vector @ self.weights_ + self.tie_break_[self.items_]
        return scores

    def describe(self) -> str:
        if not hasattr(self, "items_"):  # before fit (the tuning log names every setting)
            return (
                f"lambda={self.regularization:g}; the {self.max_items} tracks with the most "
                f"training listeners (at least {self.min_count}; others rank last)"
            )
        return (
            f"lambda={self.regularization:g}; {len(self.items_)} tracks with "
            f">= {self.min_count_seen_} training listeners (others rank last)"
        )


def ease_weights(matrix: sparse.spmatrix, regularization: float) -> np.ndarray:
    """Steck's closed form: B = I - P / diag(P), P = (X^T X + lambda I)^-1; diag(B) = 0."""
    inverse = regularized_gram_inverse(matrix, regularization)
    weights = -inverse / np.diag(inverse)[None, :]
    weights[np.diag_indices_from(weights)] = 0.0
    return weights
