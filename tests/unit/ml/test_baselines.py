import numpy as np
import pytest

from ml.baselines import (
    ClusterBaseline,
    CooccurrenceBaseline,
    FeatureCentroidBaseline,
    GenreMixBaseline,
    ImplicitAlsBaseline,
    PopularityBaseline,
    RandomBaseline,
)
from ml.metrics import ndcg_at
from ml.protocols import Query, playlist_continuation
from tests.unit.ml.synthetic_listening import synthetic_frames


@pytest.fixture(scope="module")
def protocol():
    return playlist_continuation(synthetic_frames(n_tracks=480, n_playlists=48), seed=0)


def mean_ndcg(ranker, protocol) -> float:
    values = []
    for listener in protocol.validation + protocol.test:
        scores = ranker.score(listener.query).astype(float).copy()
        scores[listener.query.excluded] = -np.inf
        values.append(ndcg_at(np.argsort(-scores, kind="stable")[:10], listener.relevant, 10))
    return float(np.mean(values))


def query(tracks) -> Query:
    tracks = np.asarray(tracks, dtype=np.int64)
    return Query(history=tracks, weights=np.ones(len(tracks)), excluded=tracks)


@pytest.mark.parametrize(
    "ranker",
    [
        GenreMixBaseline("subgenre"),
        FeatureCentroidBaseline(),
        CooccurrenceBaseline(),
        ClusterBaseline(n_clusters=8),
        ImplicitAlsBaseline(factors=16, iterations=10),
    ],
    ids=lambda r: r.name,
)
def test_every_informed_baseline_beats_random(protocol, ranker):
    ranker.fit(protocol.training)
    random_ndcg = mean_ndcg(RandomBaseline(seed=1).fit(protocol.training), protocol)
    assert mean_ndcg(ranker, protocol) > random_ndcg + 0.02


def test_scores_cover_the_catalogue(protocol):
    n = len(protocol.training.catalogue)
    for ranker in (RandomBaseline(), PopularityBaseline(), GenreMixBaseline(), ClusterBaseline(4)):
        scores = ranker.fit(protocol.training).score(query([0, 1, 2]))
        assert scores.shape == (n,) and np.isfinite(scores).all()


def test_most_popular_orders_by_spotify_popularity(protocol):
    popularity = protocol.training.catalogue["popularity"].to_numpy()
    scores = PopularityBaseline("spotify").fit(protocol.training).score(query([0]))
    assert popularity[np.argmax(scores)] == popularity.max()


def test_instant_mix_stays_in_the_history_genre(protocol):
    catalogue = protocol.training.catalogue
    rock = np.flatnonzero(catalogue["genre"] == "rock")[:5]
    scores = GenreMixBaseline("genre").fit(protocol.training).score(query(rock))
    top = np.argsort(-scores)[:50]
    assert (catalogue["genre"].to_numpy()[top] == "rock").all()


def test_feature_knn_puts_the_history_track_itself_first(protocol):
    scores = FeatureCentroidBaseline().fit(protocol.training).score(query([7]))
    assert np.argmax(scores) == 7


def test_cooccurrence_recommends_playlist_neighbours(protocol):
    training = protocol.training.interactions
    members = training.loc[training["listener"] == 0, "track"].to_numpy()
    scores = CooccurrenceBaseline().fit(protocol.training).score(query(members[:3]))
    # Tracks never played with the history score (almost) nothing; co-listed ones score above.
    assert scores[members[3:]].min() > np.median(scores)


def test_cluster_only_prefers_the_history_cluster(protocol):
    ranker = ClusterBaseline(n_clusters=6, seed=0).fit(protocol.training)
    scores = ranker.score(query([3]))
    same = ranker.cluster_of_track_ == ranker.cluster_of_track_[3]
    assert scores[same].min() > scores[~same].max()


def test_random_is_seeded():
    from ml.protocols import TrainingData

    data = TrainingData(
        catalogue=synthetic_frames(n_tracks=40, n_playlists=4).tracks, interactions=None
    )
    first = RandomBaseline(seed=5).fit(data).score(query([0]))
    assert np.array_equal(first, RandomBaseline(seed=5).fit(data).score(query([0])))
