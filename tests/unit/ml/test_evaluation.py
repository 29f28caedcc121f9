from dataclasses import replace

import numpy as np
import pytest

from ml.baselines import FeatureCentroidBaseline, PopularityBaseline, RandomBaseline
from ml.evaluation import (
    MIXMAP_GRID,
    Candidate,
    MixmapRanker,
    assemble_mixmap,
    cooccurrence_matrix,
    evaluate_ranker,
    markdown_table,
    ranked_targets,
    run_protocol,
    sample_listeners,
    training_events,
    tune,
    verdict,
)
from ml.protocols import Query, lastfm_artists, playlist_continuation
from ml.recommender import ScoringWeights
from tests.unit.ml.synthetic_listening import synthetic_frames, synthetic_hetrec


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


def test_training_events_name_listeners_like_the_queries(protocol):
    events, playlists = training_events(protocol.training)
    evaluated = {x.query.listener_id for x in protocol.test}
    assert evaluated <= set(events["listener"])
    assert set(events["kind"]) == {"like"}
    assert len(playlists) == len(protocol.training.interactions)


def test_cooccurrence_counts_only_training_rows(protocol):
    together = cooccurrence_matrix(protocol.training)
    assert together.shape == (480, 480) and together.diagonal().sum() == 0
    listener = protocol.test[0]
    history = listener.query.history
    # A held-out track that only its own playlist held shares no playlist with that history
    # through that playlist: the counts are at most what the other playlists give.
    rows = protocol.training.interactions
    for track in listener.relevant:
        holders = set(rows.loc[rows["track"] == track, "listener"])
        for h in history[:3]:
            shared = holders & set(rows.loc[rows["track"] == h, "listener"])
            assert together[h, track] == len(shared)


def test_mixmap_beats_popularity_on_synthetic_playlists(protocol):
    mixmap = MixmapRanker(trainer=assemble_mixmap).fit(protocol.training)
    ours = evaluate_ranker(mixmap, protocol, protocol.validation, "validation", fitted=True)
    popular = evaluate_ranker(PopularityBaseline(), protocol, protocol.validation, "validation")
    assert ours.mean("ndcg@10") > popular.mean("ndcg@10") + 0.05
    # The shown list (MMR, at most two per artist) is a ranking of the same candidates.
    shown = evaluate_ranker(
        mixmap.with_weights({}, rerank=True),
        protocol,
        protocol.validation,
        "validation",
        fitted=True,
    )
    assert shown.mean("ndcg@10") > popular.mean("ndcg@10")


def test_a_whole_run_on_lastfm_reports_every_model_with_a_verdict(frames):
    protocol = lastfm_artists(frames, synthetic_hetrec(frames, n_users=40), seed=0)
    candidates = [
        Candidate("random", [lambda: RandomBaseline(0)]),
        Candidate("most popular", [lambda: PopularityBaseline("spotify")]),
    ]
    run = run_protocol(
        protocol, "test", candidates=candidates, mixmap_trainer=assemble_mixmap, sample=10
    )
    assert [r.model for r in run.reports] == ["random", "most popular", "Mixmap"]
    assert run.listeners == min(10, len(protocol.test))
    assert len(run.tuning["Mixmap"]) > 2  # weights were tuned on validation
    table = markdown_table(run.reports)
    assert table.count("\n") == 2 + len(run.reports) - 1
    sentences = verdict(run)
    assert len(sentences) == 4 and all("Mixmap" in s for s in sentences)


def test_the_mixmap_grid_names_real_weights_and_tries_listening_co_occurrence_on_and_off():
    # replace() raises on a misspelt field, which would otherwise only surface mid-run.
    weights = [replace(ScoringWeights(), **entry) for entry in MIXMAP_GRID]
    tried = {w.listening_cooccurrence for w in weights}
    assert 0.0 in tried and len(tried) >= 3


def test_the_served_row_uses_the_artifacts_settings_through_the_public_path(protocol):
    from ml.served_ranker import ServedMixmapRanker, history_events

    settings = {"playlist": {"weights": {"artist": 3.0}, "source": "tuned for this test"}}
    candidates = [Candidate("most popular", [lambda: PopularityBaseline("spotify")])]
    run = run_protocol(
        protocol,
        "test",
        candidates=candidates,
        mixmap_trainer=assemble_mixmap,
        mixmap_grid=({}, {"artist": 3.0}),
        rerank_caps=(),
        served_scoring=settings,
    )
    served = run.report("Mixmap as served")
    assert "artist=3" in served.settings and "tuned for this test" in served.settings
    assert served.mean("ndcg@10") > run.report("most popular").mean("ndcg@10")
    # The served ranker's recommender reads the weights from the bundle it was given.
    mixmap = MixmapRanker(trainer=assemble_mixmap).fit(protocol.training)
    ranker = ServedMixmapRanker.on_bundle(mixmap.bundle_, protocol.training, settings, "playlist")
    assert ranker.recommender_.weights_for("playlist").artist == 3.0
    assert ranker.recommender_.weights_for("history") == ScoringWeights()
    # A play-count weight log1p(n) becomes n plays, so the history reads back the same.
    events = history_events(["a", "b"], np.log1p(np.array([4.0, 1.0])))
    assert [e.track_id for e in events] == ["a"] * 4 + ["b"]
