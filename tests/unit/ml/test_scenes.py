import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from ml import scenes


def labelled_blobs(per: int = 80, groups: int = 6, dims: int = 5, seed: int = 0):
    """Blobs with a label each, in pairs of nearby blobs (three natural families)."""
    rng = np.random.default_rng(seed)
    families = rng.normal(0, 12, (groups // 2, dims))
    centres = np.repeat(families, 2, axis=0) + rng.normal(0, 3, (groups, dims))
    points = np.vstack([c + rng.normal(0, 0.6, (per, dims)) for c in centres]).astype(np.float32)
    return points, np.repeat(np.arange(groups), per)


def test_k_candidates_follow_the_label_count_or_fall_back():
    assert scenes.k_candidates(90_000, 114) == [57, 86, 114]
    assert scenes.k_candidates(28_000, 24) == [12, 18, 24]
    assert scenes.k_candidates(100_000, 1) == list(scenes.FALLBACK_CANDIDATES)
    assert max(scenes.k_candidates(60, 114)) <= 60 // scenes.MIN_TRACKS_PER_CLUSTER


def test_choose_k_prefers_the_stable_k_that_matches_held_out_labels():
    points, labels = labelled_blobs()
    k, scores, fit = scenes.choose_k(
        points, points, labels, np.zeros(0, dtype=int), [2, 3, 6], sample_size=300
    )
    assert k == 6
    assert set(scores) == {2, 3, 6}
    assert scores[6].stability > 0.95 and scores[6].held_out_nmi > 0.95
    assert scores[6].held_out_nmi > scores[3].held_out_nmi > scores[2].held_out_nmi
    # Training keeps the chosen k's fit for its own random state: no second, different fit.
    again = scenes.fit_scenes(points, labels, 6, sample_size=300, random_state=0)
    np.testing.assert_array_equal(fit.labels, again.labels)


def test_choose_k_without_labels_uses_k_means_plus_plus_and_a_stable_or_most_stable_k():
    rng = np.random.default_rng(1)
    noise = rng.normal(size=(300, 3)).astype(np.float32)
    no_labels = np.full(300, -1)
    k, scores, _ = scenes.choose_k(
        noise, noise, no_labels, np.zeros(0, dtype=int), [4, 8], sample_size=150
    )
    stable = [s for s in scores.values() if s.stability >= scenes.STABLE_ARI]
    if stable:
        assert k == max(stable, key=lambda s: s.score).k
    else:
        assert scores[k].stability == max(s.stability for s in scores.values())
    assert all(s.held_out_nmi == 0.0 for s in scores.values())  # nothing to agree with


def test_stability_is_what_two_trainings_agree_on_not_a_sample_check():
    """The k search's stability is the whole-catalogue ARI between full fits for consecutive
    random states: the figure a second training with another random state is compared by."""
    rng = np.random.default_rng(3)
    points = rng.normal(size=(1_200, 4)).astype(np.float32)  # no structure: fits must disagree
    labels = np.full(len(points), -1)
    _, scores, _ = scenes.choose_k(
        points, points, labels, np.zeros(0, dtype=int), [12], sample_size=300, random_state=5
    )
    fits = [
        scenes.fit_scenes(points, labels, 12, sample_size=300, random_state=s)
        for s in range(5, 5 + scenes.STABILITY_FITS)
    ]
    pairwise = [
        adjusted_rand_score(a.labels, b.labels) for i, a in enumerate(fits) for b in fits[i + 1 :]
    ]
    assert scores[12].stability == pytest.approx(np.mean(pairwise))
    assert scores[12].stability < 0.9  # the random state really changes the fit


def test_fits_for_two_random_states_hold_out_and_sample_different_tracks():
    points, labels = labelled_blobs(per=400)
    first = scenes.fit_scenes(points, labels, 6, sample_size=500, random_state=0)
    second = scenes.fit_scenes(points, labels, 6, sample_size=500, random_state=1)
    assert len(first.held_out) == len(second.held_out) > 0
    assert not np.array_equal(first.held_out, second.held_out)
    assert len(first.labels) == len(points)  # held-out tracks still get a scene
    # Clear scenes come out the same from different samples.
    assert adjusted_rand_score(first.labels, second.labels) > 0.99


def test_small_catalogues_hold_nothing_out_when_k_needs_every_track():
    assert scenes.held_out_size(90_000, 113) == scenes.EVAL_SAMPLE
    assert scenes.held_out_size(500, 6) == 100
    assert scenes.held_out_size(20, 9) == 0


def test_label_seeds_merge_labels_down_to_k_deterministically():
    points, labels = labelled_blobs()
    six = scenes.label_seeds(points, labels, 6)
    np.testing.assert_allclose(six[2], points[labels == 2].mean(axis=0), rtol=1e-5)
    three = scenes.label_seeds(points, labels, 3)
    assert three.shape == (3, points.shape[1])
    np.testing.assert_array_equal(three, scenes.label_seeds(points, labels, 3))
    assert scenes.label_seeds(points, np.full(len(points), -1), 3) is None


def test_families_join_the_nearby_scenes():
    points, labels = labelled_blobs(groups=10)
    centroids = np.array([points[labels == c].mean(axis=0) for c in range(10)])
    family_of, heights = scenes.families_of(centroids, np.full(10, 80), n_families=5)
    assert family_of.max() + 1 == 5
    for pair in range(5):  # blobs 2i and 2i+1 were drawn around the same family centre
        assert family_of[2 * pair] == family_of[2 * pair + 1]
    assert list(heights) == sorted(heights, reverse=True)


def test_family_count_takes_the_biggest_jump_among_balanced_cuts():
    heights = np.array([50.0, 40, 30, 20, 19, 18, 5, 4, 3, 2, 1])
    cuts = {f: np.arange(12) % f for f in range(1, 13)}
    assert scenes.choose_family_count(heights, 12, cuts, np.ones(12)) == 6


def test_finest_labels_use_the_subgenre_under_the_main_genre():
    tracks = pd.DataFrame(
        {
            "genre": ["rock", "rock", "pop", "unknown"],
            "subgenres": [("rock/hard rock",), ("pop/dance pop", "rock/indie"), (), ()],
        }
    )
    codes = scenes.finest_labels(tracks)
    assert codes[0] != codes[1] and codes[2] >= 0 and codes[3] == -1
