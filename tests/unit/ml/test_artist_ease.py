"""EASE^R over artists as a request-time term (ml/artist_ease.py)."""

import numpy as np
from scipy import sparse

from ml.artist_ease import ArtistEase
from ml.item_baselines import ease_weights


def _matrix(seed: int = 0) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = (rng.random((40, 10)) < 0.35).astype(np.float32) * rng.integers(1, 4, (40, 10))
    dense[:, 9] = 0  # an artist nobody plays
    return sparse.csr_matrix(dense)


def test_scores_are_steck_closed_form_on_the_binary_matrix():
    matrix = _matrix()
    artists, weights = np.array([1, 4, 6]), np.array([1.0, 0.5, 2.0])
    ease = ArtistEase(regularization=5.0, max_artists=100, min_listeners=1).fit(matrix)
    modelled = ease.artists_
    binary = (matrix.toarray()[:, modelled] > 0).astype(float)
    expected_b = ease_weights(sparse.csr_matrix(binary), 5.0)
    vector = np.zeros(len(modelled))
    vector[np.searchsorted(modelled, artists)] = weights
    expected = np.zeros(matrix.shape[1])
    expected[modelled] = vector @ expected_b
    assert 9 not in modelled  # no listener: not modelled, scores 0
    assert np.allclose(ease.scores(artists, weights), expected, rtol=1e-4, atol=1e-6)


def test_only_the_most_listened_artists_are_modelled():
    matrix = _matrix(2)
    counts = np.diff(sparse.csc_matrix(matrix).indptr)
    ease = ArtistEase(regularization=1.0, max_artists=4).fit(matrix)
    assert len(ease.artists_) == 4
    assert counts[ease.artists_].min() >= np.sort(counts)[-4]
    unmodelled = np.setdiff1d(np.arange(matrix.shape[1]), ease.artists_)
    assert not ease.scores(np.array([ease.artists_[0]]), np.ones(1))[unmodelled].any()
    assert not ease.scores(unmodelled, np.ones(len(unmodelled))).any()


def test_leaving_a_listener_out_equals_refitting_without_it():
    matrix = _matrix(1)
    artists, weights = np.array([0, 2, 5]), np.array([1.0, 2.0, 1.0])
    ease = ArtistEase(regularization=3.0, min_listeners=1).fit(matrix)
    row = 7
    mine = matrix[row].indices
    left_out = ease.scores(artists, weights, exclude=mine)
    without = matrix.tolil()
    without[row, :] = 0
    refitted = ArtistEase(regularization=3.0).fit(sparse.csr_matrix(without), artists=ease.artists_)
    assert np.allclose(left_out, refitted.scores(artists, weights), rtol=1e-4, atol=1e-6)
    assert not np.allclose(left_out, ease.scores(artists, weights), rtol=1e-4, atol=1e-6)


def test_an_empty_history_scores_nothing():
    ease = ArtistEase(regularization=1.0).fit(_matrix())
    assert not ease.scores(np.array([], int), np.array([])).any()
