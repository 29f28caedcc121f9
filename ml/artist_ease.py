"""EASE^R over artists as a scoring term (issue #11): "listeners of these artists also play".

EASE^R (Steck, "Embarrassingly shallow autoencoders for sparse data", WWW 2019) scores item j
for a history x by x B with B = I - P / diag(P) and P = (X^T X + lambda I)^-1 (diag(B) = 0),
X the binary listener x item matrix. Here the items are artists (the listener model's
``artist_matrix_``): a listening history is mostly a set of artists, an artist has far more
listeners than any one of its tracks, and a closed form over ``max_artists`` artists is small.
Only the artists with the most listeners (at least ``min_listeners``) are modelled; the others
score 0 (the other terms still rank them).

Fitted at training time (``ml train``): the artifact carries P (``max_artists``^2 float32, 4 MB
at 1,000 artists) and nothing else. A request reads the rows of P of the history's artists
(history artists x modelled artists, a gather), never a product over the catalogue.

Leaving one listener out (offline evaluation, ``exclude``) is exact without refitting: removing
the binary row u from X changes the Gram matrix by -u u^T, so by Sherman-Morrison
P' = P + (P u)(P u)^T / (1 - u^T P u), which costs one gather of P's columns of u's artists.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


class ArtistEase:
    """EASE^R weights over the artists with the most listeners (see the module docstring)."""

    def __init__(
        self, regularization: float = 100.0, max_artists: int = 1000, min_listeners: int = 2
    ) -> None:
        self.regularization = regularization
        self.max_artists = max_artists
        self.min_listeners = min_listeners

    def fit(self, artist_matrix: sparse.spmatrix, artists: np.ndarray | None = None) -> ArtistEase:
        """Fit on a listener x artist matrix (any positive entry counts as one listener).

        ``artists`` fixes the modelled artist codes (tests); by default the ``max_artists``
        with the most listeners, at least ``min_listeners`` each.
        """
        binary = sparse.csc_matrix(artist_matrix, dtype=np.float64, copy=True)
        binary.data = (binary.data > 0).astype(np.float64)
        binary.eliminate_zeros()
        counts = np.diff(binary.indptr)
        if artists is None:
            eligible = np.flatnonzero(counts >= self.min_listeners)
            order = eligible[np.lexsort((eligible, -counts[eligible]))]
            artists = np.sort(order[: self.max_artists])
        self.artists_ = np.asarray(artists, dtype=np.int64)
        self.slot_ = np.full(binary.shape[1], -1, dtype=np.int64)
        self.slot_[self.artists_] = np.arange(len(self.artists_))
        block = binary[:, self.artists_]
        self.inverse_ = (
            regularized_gram_inverse(block, self.regularization).astype(np.float32)
            if block.shape[1]
            else np.zeros((0, 0))
        )
        self.inverse_diagonal_ = np.diag(self.inverse_).astype(np.float64)
        return self

    @property
    def n_artists(self) -> int:
        return len(self.slot_)

    def scores(
        self,
        artists: np.ndarray,
        weights: np.ndarray,
        exclude: np.ndarray | None = None,
    ) -> np.ndarray:
        """Per artist code, x B for the history ``artists`` (codes) with ``weights``.

        ``exclude`` (artist codes of one fitted listener; offline evaluation) scores as if that
        listener had never been fitted. Unmodelled artists score 0, in and out.
        """
        result = np.zeros(self.n_artists, dtype=np.float32)
        slots = self.slot_[np.asarray(artists, dtype=np.int64)]
        known = slots >= 0
        slots, x = slots[known], np.asarray(weights, dtype=np.float64)[known]
        if len(slots) == 0:
            return result
        inverse = self.inverse_
        pulled = x @ inverse[slots].astype(np.float64)  # x P (P is symmetric)
        diagonal = self.inverse_diagonal_
        if exclude is not None and len(exclude):
            gone = self.slot_[np.asarray(exclude, dtype=np.int64)]
            gone = np.unique(gone[gone >= 0])
            if len(gone):
                shift = inverse[gone].astype(np.float64).sum(axis=0)  # P u
                scale = 1.0 / (1.0 - shift[gone].sum())
                pulled = pulled + scale * (x @ shift[slots]) * shift
                diagonal = diagonal + scale * shift**2
        scored = -pulled / diagonal
        # B's diagonal is zero: an artist does not recommend itself.
        np.add.at(scored, slots, x)
        result[self.artists_] = scored
        return result


def regularized_gram_inverse(matrix: sparse.spmatrix, regularization: float) -> np.ndarray:
    """EASE^R's P = (X^T X + lambda I)^-1 for a listener x item matrix X (float64, dense)."""
    gram = np.asarray((matrix.T @ matrix).todense(), dtype=np.float64)
    gram[np.diag_indices_from(gram)] += regularization
    return np.linalg.inv(gram)
