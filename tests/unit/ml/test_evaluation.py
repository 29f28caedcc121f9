import numpy as np
import pytest

from ml.baselines import FeatureCentroidBaseline, RandomBaseline
from ml.evaluation import (
    Candidate,
    evaluate_ranker,
    ranked_targets,
    sample_listeners,
    tune,
)
from ml.protocols import Query, playlist_continuation
from tests.unit.ml.synthetic_listening import synthetic_frames


@pytest.fixture(scope="module")
def frames():
    return synthetic_frames(n_tracks=480, n_playlists=48)


@pytest.fixture(scope="module")
def protocol(frames):
    return playlist_continuation(frames, seed=0)


def _query(history, excluded=None) -> Query:
    history = np.asarray(history)
    return Query(history, np.ones(len(history)), np.asarray(excluded if excluded else history))


def test_ranking_drops_excluded_tracks_and_orders_by_score():
    scores = np.array([0.1, 0.9, 0.5, 0.7, 0.3])
    tracks, targets = ranked_targets(scores, _query([1]), None, depth=3)
    assert tracks.tolist() == [3, 2, 4] and targets.tolist() == [3, 2, 4]


def test_an_artist_ranks_where_its_best_track_does():
    scores = np.array([0.1, 0.9, 0.5, 0.7, 0.3, 0.8])
    artist_of_track = np.array([0, 1, 1, 2, 2, 0])
    tracks, artists = ranked_targets(scores, _query([], excluded=[1]), artist_of_track)
    # Track 1 (artist 1's best) is excluded, so artist 1 ranks at its next track (2).
    assert artists.tolist() == [0, 2, 1]
    assert tracks.tolist() == [5, 3, 2]


def test_an_oracle_scores_perfectly_and_random_does_not(protocol):
    listeners = protocol.test

    class Oracle:
        name = "oracle"

        def fit(self, data):
            return self

        def score(self, query):
            listener = next(x for x in listeners if x.query is query)
            scores = np.zeros(len(protocol.training.catalogue))
            scores[sorted(listener.relevant)] = 1.0
            return scores

        def describe(self):
            return "knows the answers"

    oracle = evaluate_ranker(Oracle(), protocol, listeners, "test")
    assert oracle.mean("ndcg@10") == pytest.approx(1.0)
    assert oracle.mean("r-precision") == pytest.approx(1.0)
    assert oracle.mean("clicks") == 0
    random = evaluate_ranker(RandomBaseline(seed=0), protocol, listeners, "test")
    assert random.mean("ndcg@10") < 0.2
    assert 0 < random.coverage <= 1 and random.listener_ids == oracle.listener_ids


def test_tuning_picks_the_best_validation_setting(protocol):
    candidate = Candidate(
        "feature kNN",
        [lambda: RandomBaseline(seed=3), lambda: FeatureCentroidBaseline("euclidean")],
    )
    tune(candidate, protocol, protocol.validation)
    assert candidate.chosen == 1
    assert candidate.validation_scores[1] > candidate.validation_scores[0]


def test_listener_samples_are_seeded_subsets(protocol):
    first = sample_listeners(protocol.test, 5, seed=1)
    assert [x.listener_id for x in first] == [
        x.listener_id for x in sample_listeners(protocol.test, 5, seed=1)
    ]
    assert {x.listener_id for x in first} <= {x.listener_id for x in protocol.test}
    assert len(sample_listeners(protocol.test, None, seed=1)) == len(protocol.test)
