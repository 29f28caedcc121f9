import math

import numpy as np
import pytest

from ml.metrics import (
    CLICKS_WHEN_MISSED,
    bootstrap_interval,
    catalogue_coverage,
    clicks,
    intra_list_diversity,
    mean_popularity,
    ndcg_at,
    paired_bootstrap_interval,
    r_precision,
    recall_at,
)


def test_recall_counts_hits_in_the_head_only():
    ranked = [5, 1, 9, 2, 7]
    assert recall_at(ranked, {1, 7}, k=2) == 0.5
    assert recall_at(ranked, {1, 7}, k=5) == 1.0
    assert recall_at(ranked, {3}, k=5) == 0.0


def test_ndcg_is_one_for_a_perfect_ranking_and_discounts_later_hits():
    assert ndcg_at([4, 8, 1], {4, 8}, k=10) == pytest.approx(1.0)
    # One hit at position 2 of 2 relevant: (1/log2 3) / (1 + 1/log2 3).
    expected = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert ndcg_at([0, 8, 1], {4, 8}, k=10) == pytest.approx(expected)
    # A hit beyond k counts for nothing.
    assert ndcg_at([0, 1, 8], {8}, k=2) == 0.0
    # An earlier hit is worth more than a later one.
    assert ndcg_at([8, 0], {8}, k=10) > ndcg_at([0, 8], {8}, k=10)


def test_ndcg_ideal_is_capped_at_k():
    relevant = set(range(20))
    assert ndcg_at(list(range(10)), relevant, k=10) == pytest.approx(1.0)


def test_r_precision_looks_at_as_many_items_as_are_relevant():
    assert r_precision([1, 2, 3, 4], {2, 9, 4}) == pytest.approx(1 / 3)  # 4 is at position 4
    assert r_precision([9, 4, 2], {2, 9, 4}) == 1.0


@pytest.mark.parametrize("metric", [recall_at, ndcg_at])
def test_metrics_refuse_an_empty_target_set(metric):
    with pytest.raises(ValueError):
        metric([1, 2], set(), 10)


def test_clicks_count_pages_of_ten_before_the_first_hit():
    assert clicks([7, *range(100, 120)], {7}) == 0
    assert clicks([*range(100, 125), 7], {7}) == 2  # position 26 is on the third page
    assert clicks(list(range(100, 700)), {7}) == CLICKS_WHEN_MISSED
    # A hit past 500 is not seen.
    assert clicks([*range(1000, 1500), 7], {7}) == CLICKS_WHEN_MISSED


def test_coverage_counts_distinct_items_over_all_lists():
    assert catalogue_coverage([[1, 2, 3], [3, 4]], catalogue_size=10) == 0.4
    with pytest.raises(ValueError):
        catalogue_coverage([[1]], catalogue_size=0)


def test_mean_popularity_and_diversity():
    popularity = np.array([10.0, 20.0, 90.0])
    assert mean_popularity([0, 2], popularity) == 50.0
    features = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0]])
    # Pairs: (0,1)=5, (0,2)=0, (1,2)=5.
    assert intra_list_diversity([0, 1, 2], features) == pytest.approx(10 / 3)
    assert math.isnan(intra_list_diversity([1], features))


def test_bootstrap_interval_holds_the_mean_and_narrows_with_more_listeners():
    rng = np.random.default_rng(0)
    few, many = rng.random(20), rng.random(2000)
    small, large = bootstrap_interval(few, seed=1), bootstrap_interval(many, seed=1)
    assert small.low <= small.mean <= small.high
    assert small.mean == pytest.approx(few.mean())
    assert (large.high - large.low) < (small.high - small.low)
    assert bootstrap_interval(few, seed=1) == small  # seeded


def test_paired_interval_detects_a_consistent_difference():
    base = np.random.default_rng(0).random(200)
    better = paired_bootstrap_interval(base + 0.05, base, seed=0)
    assert better.low > 0
    with pytest.raises(ValueError):
        paired_bootstrap_interval(base, base[:-1], seed=0)
