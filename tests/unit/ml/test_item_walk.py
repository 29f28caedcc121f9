"""The RP3beta walk as a request-time term (ml/item_walk.py)."""

import numpy as np
from scipy import sparse

from ml.item_walk import ItemWalk


def _matrix(seed: int = 0) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = (rng.random((30, 12)) < 0.3).astype(np.float32) * rng.integers(1, 5, (30, 12))
    return sparse.csr_matrix(dense)


def _dense_rp3beta(binary: np.ndarray, history, weights, alpha, beta) -> np.ndarray:
    """Paudel et al.'s walk written out with dense matrices (no top-k pruning)."""
    to_item = binary / np.maximum(binary.sum(axis=1, keepdims=True), 1)
    to_user = (binary / np.maximum(binary.sum(axis=0, keepdims=True), 1)).T
    walk = (to_user**alpha) @ (to_item**alpha)
    walk = walk / np.maximum(binary.sum(axis=0), 1)[None, :] ** beta
    vector = np.zeros(binary.shape[1])
    vector[history] = weights
    scores = vector @ walk
    scores[history] = 0.0
    return scores


def test_the_walk_is_rp3beta_on_the_binary_matrix():
    matrix = _matrix()
    binary = (matrix.toarray() > 0).astype(float)
    history, weights = np.array([1, 4, 7]), np.array([1.0, 0.5, 2.0])
    for alpha, beta in ((1.0, 0.0), (0.5, 0.3), (1.0, 0.6)):
        got = ItemWalk(matrix).scores(history, weights, alpha=alpha, beta=beta)
        expected = _dense_rp3beta(binary, history, weights, alpha, beta)
        assert np.allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_leaving_a_listener_out_equals_fitting_without_it():
    matrix = _matrix(1)
    history, weights = np.array([0, 2, 5]), np.ones(3)
    left_out = ItemWalk(matrix).scores(history, weights, alpha=0.8, beta=0.4, exclude_row=3)
    without = matrix.tolil()
    without[3, :] = 0
    refitted = ItemWalk(sparse.csr_matrix(without)).scores(history, weights, alpha=0.8, beta=0.4)
    assert np.allclose(left_out, refitted)
    assert not np.allclose(left_out, ItemWalk(matrix).scores(history, weights, alpha=0.8, beta=0.4))


def test_an_empty_history_scores_nothing():
    assert not ItemWalk(_matrix()).scores(np.array([], int), np.array([]), alpha=1, beta=0).any()
