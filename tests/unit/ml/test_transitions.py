import numpy as np
import pytest

from ml.transitions import (
    KEY_STEP_COST,
    key_cost,
    path_cost,
    tempo_octaves,
    transition_matrix,
)

# Spotify pitch classes: C=0, E=4, G=7, A=9, B=11.
C, E, G, A, B = 0, 4, 7, 9, 11
MAJOR, MINOR = 1, 0


def test_harmonic_moves_cost_one_step_and_clashes_cost_more():
    assert key_cost(C, MAJOR, C, MAJOR) == 0
    assert key_cost(C, MAJOR, A, MINOR) == KEY_STEP_COST  # relative minor
    assert key_cost(C, MAJOR, G, MAJOR) == KEY_STEP_COST  # a fifth up
    tritone = 6  # F#, six steps round the wheel from C
    assert key_cost(C, MAJOR, tritone, MAJOR) == 6 * KEY_STEP_COST


def test_tempo_distance_counts_half_and_double_time_as_the_same_beat():
    assert tempo_octaves(70.0, 140.0) == pytest.approx(0.0)
    assert tempo_octaves(120.0, 60.0) == pytest.approx(0.0)
    assert tempo_octaves(100.0, 110.0) < tempo_octaves(100.0, 150.0)
    assert tempo_octaves(120.0, 0.0) == pytest.approx(0.5)  # missing tempo: the worst case


def test_transition_matrix_is_symmetric_and_rises_with_energy_jumps():
    cost = transition_matrix(
        key=np.array([C, C, C]),
        mode=np.array([MAJOR] * 3),
        tempo=np.array([120.0, 120.0, 120.0]),
        energy=np.array([0.5, 0.55, 0.95]),
    )
    assert np.allclose(cost, cost.T)
    assert np.allclose(np.diag(cost), 0)
    assert cost[0, 1] < cost[0, 2]
    assert path_cost(cost, np.array([0, 1, 2])) < path_cost(cost, np.array([1, 2, 0]))
