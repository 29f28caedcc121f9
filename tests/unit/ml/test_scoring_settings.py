"""Served = evaluated: the artifact carries the per-context scoring settings (issue #11)."""

from dataclasses import replace

import pytest

from ml.recommender import Recommender, ScoringWeights, served_weights
from ml.scoring_settings import (
    CONTEXTS,
    default_settings,
    normalise_settings,
    read_settings,
    write_settings,
)
from ml.training import TrainParams, train_model
from tests.unit.ml.test_training import curated, listening

FAST = TrainParams(embedding="pca", n_clusters=4)
TUNED = {
    "history": {
        "weights": {"collaborative": 3.0, "listening_cooccurrence": 4.0, "item_walk": 6.0},
        "source": "h",
    },
    "playlist": {"weights": {"artist": 3.0, "max_per_artist": 5}, "source": "p"},
}


@pytest.fixture(scope="module")
def bundle():
    from tests.unit.ml.synthetic_catalogue import build_catalogue

    catalogue = build_catalogue(160)
    return train_model(
        catalogue, listening(catalogue), FAST, None, curated(catalogue), scoring=TUNED
    )


def test_settings_round_trip_and_missing_contexts_fall_back_to_defaults(tmp_path):
    path = write_settings(TUNED, tmp_path / "scoring.json")
    settings = read_settings(path)
    assert set(settings) == set(CONTEXTS)
    assert settings["history"] == {"weights": TUNED["history"]["weights"], "source": "h"}
    assert settings["seed"] == {"weights": {}, "source": "defaults"}
    assert read_settings(tmp_path / "absent.json") == default_settings()


def test_unknown_contexts_and_weights_are_refused_not_ignored():
    with pytest.raises(ValueError, match="unknown scoring context"):
        normalise_settings({"radio": {"weights": {}}})
    with pytest.raises(ValueError, match="unknown scoring weights"):
        served_weights({"history": {"weights": {"colaborative": 2.0}}})


def test_the_artifact_carries_the_settings_and_the_served_recommender_uses_them(bundle):
    assert bundle.scoring == normalise_settings(TUNED)
    served = Recommender.from_bundle(bundle)
    for context in CONTEXTS:
        expected = replace(ScoringWeights(), **bundle.scoring[context]["weights"])
        if "max_per_artist" in bundle.scoring[context]["weights"]:
            expected = replace(expected, max_per_artist=int(expected.max_per_artist))
        assert served.weights_for(context) == expected
    assert served.weights_for("history").collaborative == 3.0
    assert served.weights_for("history").item_walk == 6.0
    assert served.weights_for("playlist").max_per_artist == 5
    assert served.weights_for("seed") == ScoringWeights()


def test_a_bundle_from_before_the_settings_serves_the_defaults(bundle):
    old = replace(bundle, scoring=None)
    served = Recommender.from_bundle(old)
    assert all(served.weights_for(context) == ScoringWeights() for context in CONTEXTS)


def test_the_playlist_context_weights_change_what_continue_playlist_shows(bundle):
    ids = bundle.tracks["track_id"].tolist()
    seeds = ids[:6]
    served = Recommender.from_bundle(bundle).continue_playlist(seeds, k=20)
    defaults = Recommender.from_bundle(replace(bundle, scoring=None)).continue_playlist(seeds, k=20)
    # The playlist context's artist=3 and cap of 5 reorder the list.
    assert [r.track_id for r in served] != [r.track_id for r in defaults]


def test_the_served_walk_weight_changes_what_a_listener_is_served(bundle):
    import numpy as np

    from ml.feedback import TrackWeights

    served = Recommender.from_bundle(bundle)
    without = served_weights(bundle.scoring)
    without = {c: replace(w, item_walk=0.0) for c, w in without.items()}
    plain = Recommender.from_bundle(bundle, weights=without["history"], context_weights=without)
    history = TrackWeights.from_positive(np.arange(6))
    assert not np.allclose(served.relevance(history), plain.relevance(history))


def test_the_artist_ease_term_is_the_fitted_ease_broadcast_to_each_artists_tracks(bundle):
    import numpy as np

    from ml.feedback import TrackWeights

    listeners = bundle.listeners
    weights = {c: replace(w, artist_ease=0.0) for c, w in served_weights(bundle.scoring).items()}
    plain = Recommender.from_bundle(bundle, weights=weights["history"], context_weights=weights)
    on = {c: replace(w, artist_ease=2.0) for c, w in weights.items()}
    served = Recommender.from_bundle(bundle, weights=on["history"], context_weights=on)
    liked = listeners.matrix_[0].indices[:6]  # a stored listener's tracks
    history = TrackWeights.from_positive(liked, np.linspace(1.0, 2.0, len(liked)))
    codes = listeners.artist_codes_
    artists, slot = np.unique(codes[liked], return_inverse=True)
    per_artist = np.bincount(slot, weights=history.positive_weights)
    for exclude in (None, str(listeners.listeners_[0])):
        gone = listeners.artist_matrix_[0].indices if exclude else None
        expected = listeners.artist_ease_.scores(artists, per_artist, gone)
        assert expected.max() > 0
        expected = 2.0 * expected / expected.max()
        added = served.relevance(history, exclude_listener=exclude) - plain.relevance(
            history, exclude_listener=exclude
        )
        assert np.allclose(added, expected[codes], atol=1e-5)
    # Leaving the listener out changes the term (its own artists no longer link each other).
    assert not np.allclose(
        served.relevance(history), served.relevance(history, exclude_listener=exclude)
    )
