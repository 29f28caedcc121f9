"""The adventurousness dial's popularity lever (issue #11; measured by bench/dial.py)."""

from dataclasses import replace

import numpy as np
import pytest

from ml.dial import mmr_diversity
from ml.feedback import TrackWeights
from ml.recommender import Recommender, ScoringWeights
from ml.training import TrainParams, train_model
from tests.unit.ml.synthetic_catalogue import build_catalogue
from tests.unit.ml.test_training import listening


@pytest.fixture(scope="module")
def bundle():
    catalogue = build_catalogue(240, seed=5)
    return train_model(catalogue, listening(catalogue), TrainParams(embedding="pca", n_clusters=4))


def test_the_lever_is_silent_at_the_default_and_turns_popularity_around(bundle):
    weights = TrackWeights.from_positive(np.arange(10))
    with_lever = Recommender.from_bundle(bundle, weights=ScoringWeights())
    without = Recommender.from_bundle(bundle, weights=replace(ScoringWeights(), dial_popularity=0))
    # At the default 0.5 the tuned settings keep their meaning.
    assert np.allclose(with_lever.relevance(weights), without.relevance(weights))
    percentile = with_lever.index.popularity
    for dial, sign in ((0.0, +1), (1.0, -1)):
        extra = with_lever.relevance(weights, adventurousness=dial) - without.relevance(
            weights, adventurousness=dial
        )
        # Popular tracks gain at 0 ("familiar"), the long tail gains at 1 ("far out").
        assert sign * np.corrcoef(extra, percentile)[0, 1] > 0.99


def test_picks_get_less_popular_as_the_dial_turns(bundle):
    recommender = Recommender.from_bundle(bundle)
    tracks = bundle.tracks.set_index("track_id")["popularity"]
    history = recommender.tracks["track_id"].tolist()[:8]
    means = [
        tracks[[r.track_id for r in recommender.continue_playlist(history, adventurousness=a)]]
        .astype(float)
        .mean()
        for a in (0.0, 0.5, 1.0)
    ]
    assert means[0] > means[1] > means[2]


def test_the_familiar_and_exploration_levers_are_silent_at_the_default(bundle):
    weights = TrackWeights.from_positive(np.arange(10))
    levers = replace(ScoringWeights(), dial_closeness=1.0, dial_exploration=2.0)
    with_levers = Recommender.from_bundle(bundle, weights=levers)
    without = Recommender.from_bundle(
        bundle, weights=replace(levers, dial_closeness=0.0, dial_exploration=0.0)
    )
    assert np.allclose(with_levers.relevance(weights), without.relevance(weights))
    assert not np.allclose(
        with_levers.relevance(weights, adventurousness=0.0),
        without.relevance(weights, adventurousness=0.0),
    )


def test_exploration_is_the_same_for_one_history_and_differs_between_histories(bundle):
    levers = replace(ScoringWeights(), dial_exploration=2.0)
    recommender = Recommender.from_bundle(bundle, weights=levers)
    ids = recommender.tracks["track_id"].tolist()
    first = [r.track_id for r in recommender.continue_playlist(ids[:8], adventurousness=1.0)]
    again = [r.track_id for r in recommender.continue_playlist(ids[:8], adventurousness=1.0)]
    other = [r.track_id for r in recommender.continue_playlist(ids[1:9], adventurousness=1.0)]
    assert first == again
    assert first != other


def test_mmr_spread_keeps_the_evaluated_default_and_rises_slower_above_it():
    w = ScoringWeights()
    # Up to 0.5 the lambda the evaluation measured (diversity_min + diversity_span * a).
    for dial in (0.0, 0.25, 0.5):
        assert mmr_diversity(w, dial, "history") == pytest.approx(
            w.diversity_min + w.diversity_span * dial
        )
    far = [mmr_diversity(w, dial, "history") for dial in (0.5, 0.75, 1.0)]
    assert far[0] < far[1] < far[2] < w.diversity_min + w.diversity_span
    assert mmr_diversity(w, 1.0, "seed") == w.diversity_min
