"""The RP3beta item-item walk as a scoring term, computed at request time (issue #11).

RP3beta (Paudel et al., TiiS 2017; Dacrema et al., RecSys 2019's strongest simple model) scores
track j for a history h by a 3-step random walk track -> listener -> track:

    s_j = deg(j)^-beta * sum_i h_i * sum_u P(u | i)^alpha * P(j | u)^alpha

On a binary listener x track matrix P(u | i) = 1 / deg(i) and P(j | u) = 1 / deg(u), so the walk
is two sparse products through the listeners who share a history track (history -> who played it
-> what else they played), never a track x track matrix: nothing is added to the artifact, the
cost is the listening rows of those listeners, and one listener can be left out exactly (offline
evaluation: the evaluated listener never links its own tracks). ``ml.item_baselines`` keeps each
track's top 200 neighbours, which this form does not; ``ml evaluate`` shows both.

``ItemWalk`` reads the listener model's ``matrix_`` (every training listener, app users and
curated playlists alike) and keeps only degree vectors of its own.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


class ItemWalk:
    """RP3beta scores over a fitted listener x track matrix (binary: a listener has a track)."""

    def __init__(
        self, matrix: sparse.spmatrix, matrix_csc: sparse.csc_matrix | None = None
    ) -> None:
        # The listener model already keeps both layouts: pass them to share, not copy, them
        # (web boot time and memory).
        self.matrix = matrix if isinstance(matrix, sparse.csr_matrix) else sparse.csr_matrix(matrix)
        self.matrix_csc = matrix_csc if matrix_csc is not None else self.matrix.tocsc()
        self.track_degree = np.diff(self.matrix_csc.indptr).astype(np.float64)
        self.listener_degree = np.diff(self.matrix.indptr).astype(np.float64)

    def _landing_damping(self, beta: float) -> np.ndarray:
        """deg(j)^-beta over the whole catalogue, once per beta rather than a power over every
        track on each web request (the evaluation's left-out rows compute their own)."""
        cache = self.__dict__.setdefault("_damping_cache", {})
        if beta not in cache:
            cache[beta] = track_degree_damping(self.track_degree, beta)
        return cache[beta]

    @property
    def n_tracks(self) -> int:
        return self.matrix.shape[1]

    def scores(
        self,
        positions: np.ndarray,
        weights: np.ndarray,
        *,
        alpha: float,
        beta: float,
        exclude_row: int = -1,
    ) -> np.ndarray:
        """Per catalogue track, the walk's score from the history ``positions`` (``weights``).

        ``exclude_row`` (a listener row, -1 for none) is removed as if never fitted: its tracks
        lose one listener each and its row carries no walk.
        """
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions) == 0 or self.matrix.nnz == 0:
            return np.zeros(self.n_tracks, dtype=np.float32)
        track_degree = self.track_degree
        if exclude_row >= 0:
            track_degree = track_degree.copy()
            start, end = self.matrix.indptr[exclude_row], self.matrix.indptr[exclude_row + 1]
            track_degree[self.matrix.indices[start:end]] -= 1.0
        step_in = np.asarray(weights, dtype=np.float64) * np.maximum(
            track_degree[positions], 1.0
        ) ** (-alpha)
        columns = self.matrix_csc[:, positions]
        # Who played each history track (binary), weighted by the first step's probability.
        through = np.bincount(
            columns.indices,
            weights=np.repeat(step_in, np.diff(columns.indptr)),
            minlength=self.matrix.shape[0],
        )
        if exclude_row >= 0:
            through[exclude_row] = 0.0
        rows = np.flatnonzero(through)
        if len(rows) == 0:
            return np.zeros(self.n_tracks, dtype=np.float32)
        step_out = through[rows] * np.maximum(self.listener_degree[rows], 1.0) ** (-alpha)
        block = self.matrix[rows]
        landed = np.bincount(
            block.indices,
            weights=np.repeat(step_out, np.diff(block.indptr)),
            minlength=self.n_tracks,
        )
        landed *= (
            self._landing_damping(beta)
            if exclude_row < 0
            else track_degree_damping(track_degree, beta)
        )
        landed[positions] = 0.0  # the walk's own start is no recommendation
        return landed.astype(np.float32)


def track_degree_damping(track_degree: np.ndarray, beta: float) -> np.ndarray:
    """The landing track's popularity damping of RP3beta, deg(j)^-beta (at least one listener)."""
    return np.maximum(track_degree, 1.0) ** (-beta)
