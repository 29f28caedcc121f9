"""Mixmap in the evaluation harness: tuned weights, the served row, a whole run."""

from dataclasses import replace

import numpy as np
import pytest

from ml.baselines import PopularityBaseline, RandomBaseline
from ml.evaluation import Candidate, evaluate_ranker, markdown_table
from ml.evaluation_run import run_protocol, verdict
from ml.mixmap_ranker import MIXMAP_GRID, MixmapRanker, train_mixmap, training_events
from ml.protocols import lastfm_artists, playlist_continuation
from ml.recommender import ScoringWeights
from tests.unit.ml.synthetic_listening import synthetic_frames, synthetic_hetrec


@pytest.fixture(scope="module")
def frames():
    return synthetic_frames(n_tracks=480, n_playlists=48)


@pytest.fixture(scope="module")
def protocol(frames):
    return playlist_continuation(frames, seed=0)


def quick_train(data):
    # A fixed k skips choosing it; the real runs choose (docs/EVALUATION.md).
    return train_mixmap(data, n_clusters=6)


def test_training_events_name_listeners_like_the_queries(protocol):
    events, playlists = training_events(protocol.training)
    evaluated = {x.query.listener_id for x in protocol.test}
    assert evaluated <= set(events["listener"])
    assert set(events["kind"]) == {"like"}
    assert len(playlists) == len(protocol.training.interactions)


def test_mixmap_beats_popularity_on_synthetic_playlists(protocol):
    mixmap = MixmapRanker(trainer=quick_train).fit(protocol.training)
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
        protocol, "test", candidates=candidates, mixmap_trainer=quick_train, sample=10
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
        mixmap_trainer=quick_train,
        mixmap_grid=({}, {"artist": 3.0}),
        rerank_caps=(),
        served_scoring=settings,
    )
    served = run.report("Mixmap as served")
    assert "artist=3" in served.settings and "tuned for this test" in served.settings
    assert served.mean("ndcg@10") > run.report("most popular").mean("ndcg@10")
    # The served ranker's recommender reads the weights from the bundle it was given.
    mixmap = MixmapRanker(trainer=quick_train).fit(protocol.training)
    ranker = ServedMixmapRanker.on_bundle(mixmap.bundle_, protocol.training, settings, "playlist")
    assert ranker.recommender_.weights_for("playlist").artist == 3.0
    assert ranker.recommender_.weights_for("history") == ScoringWeights()
    # A play-count weight log1p(n) becomes n plays, so the history reads back the same.
    events = history_events(["a", "b"], np.log1p(np.array([4.0, 1.0])))
    assert [e.track_id for e in events] == ["a"] * 4 + ["b"]


def test_the_served_row_is_compared_with_the_best_baseline(protocol):
    from ml.evaluation_run import margin_over_best

    candidates = [
        Candidate("random", [lambda: RandomBaseline(0)]),
        Candidate("most popular", [lambda: PopularityBaseline("spotify")]),
    ]
    run = run_protocol(
        protocol,
        "test",
        candidates=candidates,
        include_mixmap=False,
        mixmap_trainer=quick_train,
        served_scoring={"playlist": {"weights": {"artist": 3.0}, "source": "test"}},
    )
    lines = margin_over_best(run)
    assert len(lines) == 2
    for metric, line in zip(("ndcg@10", "r-precision"), lines, strict=True):
        best = max(run.reports[:2], key=lambda r: r.mean(metric))
        assert f"on {metric} ({best.model}, {best.mean(metric):.4f})" in line
