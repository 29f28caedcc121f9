"""RP3beta and EASE^R on tiny matrices whose answers can be worked out by hand."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from ml.item_baselines import EaseBaseline, RP3betaBaseline, _keep_top_k, ease_weights
from ml.protocols import Query, TrainingData

# 4 listeners x 5 tracks; track 4 is played by nobody.
ROWS = [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 1), (3, 3)]


def tiny_data() -> TrainingData:
    listeners, tracks = zip(*ROWS, strict=True)
    interactions = pd.DataFrame(
        {"listener": listeners, "track": tracks, "weight": np.ones(len(ROWS))}
    )
    catalogue = pd.DataFrame({"track_id": [f"t{i}" for i in range(5)], "popularity": [50] * 5})
    return TrainingData(catalogue, interactions, tuple(f"user:{i}" for i in range(4)))


def dense_matrix() -> np.ndarray:
    matrix = np.zeros((4, 5))
    for listener, track in ROWS:
        matrix[listener, track] = 1
    return matrix


def test_ease_has_a_zero_diagonal_and_solves_the_constrained_least_squares():
    x = dense_matrix()
    weights = ease_weights(sparse.csr_matrix(x), 1.0)
    assert np.allclose(np.diag(weights), 0.0)
    # Stationarity of ||X - XB||^2 + lambda ||B||^2 with diag(B) = 0: off the diagonal,
    # (X^T X + lambda I) B = X^T X (the diagonal carries the Lagrange multipliers).
    gram = x.T @ x
    residual = (gram + np.eye(5)) @ weights - gram
    off_diagonal = ~np.eye(5, dtype=bool)
    assert np.allclose(residual[off_diagonal], 0.0)


def test_rp3beta_with_beta_zero_is_p3alpha():
    x = dense_matrix()
    alpha = 0.8
    user_to_item = (x / x.sum(axis=1, keepdims=True)) ** alpha
    item_degree = np.maximum(x.sum(axis=0), 1)
    item_to_user = (x.T / item_degree[:, None]) ** alpha
    p3 = item_to_user @ user_to_item
    np.fill_diagonal(p3, 0)
    model = RP3betaBaseline(alpha=alpha, beta=0.0).fit(tiny_data())
    assert np.allclose(model.similarity_.toarray(), p3)
    # beta > 0 divides each landing track by its popularity^beta.
    penalised = RP3betaBaseline(alpha=alpha, beta=1.0).fit(tiny_data())
    assert np.allclose(penalised.similarity_.toarray(), p3 / item_degree[None, :])


def test_both_rank_co_played_tracks_first_and_unplayed_last():
    query = Query(np.array([0]), np.ones(1), np.array([0]))
    for model in (RP3betaBaseline(alpha=1.0, beta=0.0), EaseBaseline(1.0, min_count=1)):
        scores = model.fit(tiny_data()).score(query)
        assert np.argmax(np.delete(scores, 0)) + 1 == 1  # track 1 shares two listeners with 0
        assert scores[4] == pytest.approx(scores.min())


def test_ease_keeps_only_tracks_with_enough_listeners_and_says_so():
    model = EaseBaseline(1.0, max_items=3, min_count=2).fit(tiny_data())
    assert model.items_.tolist() == [0, 1, 2] and model.weights_.shape == (3, 3)
    assert "3 tracks with >= 2 training listeners" in model.describe()


def test_top_k_keeps_each_rows_largest_entries():
    matrix = sparse.csr_matrix(np.array([[0.1, 0.5, 0.3, 0.0], [0.0, 0.2, 0.0, 0.9]]))
    assert _keep_top_k(matrix, 2).toarray().tolist() == [[0, 0.5, 0.3, 0], [0, 0.2, 0, 0.9]]
    assert _keep_top_k(matrix, 1).toarray().tolist() == [[0, 0.5, 0, 0], [0, 0, 0, 0.9]]


def test_the_harness_tunes_both_on_validation():
    from ml.evaluation_run import baseline_candidates

    grids = {c.name: c.grid for c in baseline_candidates()}
    assert len(grids["RP3beta"]) == 6 and len(grids["EASE^R"]) == 4
    settings = {factory().describe() for factory in grids["RP3beta"]}
    assert "alpha=1, beta=0, top_k=200" in settings  # P3alpha is one of the choices


def test_settings_can_be_described_before_fitting():
    # run_protocol logs every tried setting from fresh factories.
    assert "lambda=100" in EaseBaseline(100.0).describe()
    assert "alpha=0.5" in RP3betaBaseline(alpha=0.5).describe()
