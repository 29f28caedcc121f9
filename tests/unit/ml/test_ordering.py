import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.ordering import (
    artist_violations,
    dedupe,
    flow_cost_matrix,
    flow_order,
    flow_series,
    separate_artists,
    sort_by,
    transition_costs,
)
from ml.transitions import path_cost


def playlist(n: int, seed: int = 0, artists: list[int] | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "track_id": [f"t{i}" for i in range(n)],
            "name": [f"Song {i}" for i in range(n)],
            "artist_id": artists if artists is not None else list(range(n)),
            "key": rng.integers(-1, 12, n),
            "mode": rng.integers(0, 2, n),
            "tempo": rng.uniform(60, 190, n),
            "energy": rng.uniform(0, 1, n),
            "valence": rng.uniform(0, 1, n),
        }
    )


def assert_permutation_keeping_locks(order: np.ndarray, locked: np.ndarray) -> None:
    assert sorted(order.tolist()) == list(range(len(locked)))
    assert (order[locked] == np.flatnonzero(locked)).all()


def test_dedupe_drops_repeated_tracks_and_the_same_song_under_another_id():
    items = pd.DataFrame(
        {
            "track_id": ["a", "b", "a", "c", "d"],
            "name": ["Halo", "Other", "Halo", "halo ", "Halo"],
            "artist_id": [1, 2, 1, 1, 9],
        }
    )
    # "c" is Halo by the same artist (a single vs the album); "d" is another artist's Halo.
    assert dedupe(items).tolist() == [0, 1, 4]


def test_dedupe_keeps_the_locked_copy_of_a_song():
    items = pd.DataFrame(
        {"track_id": ["a", "x", "a"], "name": ["S", "T", "S"], "artist_id": [1, 2, 1]}
    )
    assert dedupe(items, locked=np.array([False, False, True])).tolist() == [1, 2]


def test_sort_by_feature_keeps_locked_tracks_in_place():
    items = playlist(8, seed=3)
    locked = np.array([False, True, False, False, False, True, False, False])
    order = sort_by(items, "energy", descending=True, locked=locked)
    assert_permutation_keeping_locks(order, locked)
    free_energy = items["energy"].to_numpy()[order[~locked]]
    assert (np.diff(free_energy) <= 0).all()


def test_sort_by_unknown_column_says_so():
    with pytest.raises(ValueError, match="tempo_x"):
        sort_by(playlist(3), "tempo_x")


def feasible_artist_lists(draw_gap: int = 2):
    """Artist lists that can be arranged with no artist twice within the gap (task-scheduler
    bound: (max_count - 1) * (gap + 1) + number_of_artists_with_max_count <= length)."""

    def feasible(artists: list[int]) -> bool:
        counts = pd.Series(artists).value_counts()
        top = counts.iloc[0]
        return (top - 1) * (draw_gap + 1) + int((counts == top).sum()) <= len(artists)

    return st.lists(st.integers(0, 6), min_size=1, max_size=40).filter(feasible)


@settings(max_examples=150, deadline=None)
@given(artists=feasible_artist_lists(draw_gap=2), seed=st.integers(0, 1000))
def test_artist_separation_holds_whenever_it_is_feasible(artists, seed):
    shuffled = list(np.random.default_rng(seed).permutation(artists))
    items = playlist(len(shuffled), artists=shuffled)
    order = separate_artists(items, gap=2)
    assert sorted(order.tolist()) == list(range(len(items)))
    assert artist_violations(items["artist_id"].to_numpy()[order], gap=2) == 0


def test_artist_separation_leaves_an_already_separated_playlist_alone():
    items = playlist(6, artists=[1, 2, 3, 1, 2, 3])
    assert separate_artists(items, gap=2).tolist() == list(range(6))


def test_artist_separation_keeps_locks_and_still_separates_around_them():
    items = playlist(9, artists=[1, 1, 1, 2, 2, 2, 3, 3, 3])
    locked = np.zeros(9, dtype=bool)
    locked[0] = True
    order = separate_artists(items, gap=2, locked=locked)
    assert_permutation_keeping_locks(order, locked)
    assert artist_violations(items["artist_id"].to_numpy()[order], gap=2) == 0


def test_artist_separation_does_its_best_when_one_artist_dominates():
    items = playlist(5, artists=[7, 7, 7, 7, 1])
    order = separate_artists(items, gap=1)
    assert artist_violations(items["artist_id"].to_numpy()[order], gap=1) < artist_violations(
        items["artist_id"].to_numpy(), gap=1
    )


@pytest.mark.parametrize("seed", range(5))
def test_flow_order_lowers_the_total_transition_cost(seed):
    items = playlist(30, seed=seed)
    cost = flow_cost_matrix(items)
    order = flow_order(items)
    assert sorted(order.tolist()) == list(range(30))
    assert path_cost(cost, order) < 0.8 * path_cost(cost, np.arange(30))


def test_flow_order_groups_matching_tempos_together():
    items = playlist(6, seed=1)
    items["key"], items["mode"], items["energy"] = 0, 1, 0.5
    items["tempo"] = [120.0, 87.0, 121.0, 88.0, 122.0, 89.0]
    tempos = items["tempo"].to_numpy()[flow_order(items)]
    jumps = np.abs(np.diff(tempos)) > 10
    assert jumps.sum() == 1  # one crossing from the ~88 group to the ~121 group


@pytest.mark.parametrize("seed", range(3))
def test_flow_order_keeps_locked_tracks_in_place_and_still_improves(seed):
    items = playlist(25, seed=seed)
    locked = np.zeros(25, dtype=bool)
    locked[[0, 7, 8, 20]] = True
    order = flow_order(items, locked=locked)
    assert_permutation_keeping_locks(order, locked)
    cost = flow_cost_matrix(items)
    assert path_cost(cost, order) < path_cost(cost, np.arange(25))


def test_flow_series_has_one_point_per_track_with_arrival_costs():
    items = playlist(4)
    series = flow_series(items)
    assert series["position"].tolist() == [0, 1, 2, 3]
    assert series["tempo"].tolist() == items["tempo"].tolist()
    assert series["transition_cost"].iloc[0] == 0
    assert (series["transition_cost"].iloc[1:] > 0).all()


def test_transition_costs_are_linear_in_the_playlist_length():
    """Issue #9 finding 1: the sparkline's costs once came from the n x n matrix's diagonal
    (a 12,000-track playlist: 4.5 GB). Same values, without the matrix."""
    import tracemalloc

    rng = np.random.default_rng(3)
    n = 4000
    items = pd.DataFrame(
        {
            "key": rng.integers(-1, 12, n),
            "mode": rng.integers(0, 2, n),
            "tempo": rng.uniform(60, 180, n),
            "energy": rng.uniform(0, 1, n),
        }
    )
    small = items.head(50)
    matrix = flow_cost_matrix(small)
    np.testing.assert_allclose(transition_costs(small), matrix[np.arange(49), np.arange(1, 50)])
    tracemalloc.start()
    try:
        costs = transition_costs(items)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert costs.shape == (n - 1,)
    # One n x n float matrix alone would be 128 MB; a few length-n arrays are well under 5 MB.
    assert peak < 5_000_000
