"""Recommendations: history, bans and preferences reach the model; feedback shows at once."""

from __future__ import annotations

import pytest

from dashapp.services import feedback, profile, recommendations


def test_without_a_model_the_user_gets_a_clear_status(catalogue, user_id, no_model):
    result = recommendations.for_user(user_id)
    assert result.status == "no_model"
    assert result.tracks == []
    assert "No recommendation model" in result.message


def test_recommendations_are_described_from_the_catalogue(fake_model, user_id):
    result = recommendations.for_user(user_id, k=3)
    assert result.status == "ok"
    assert result.model_version == "test-v1"
    first = result.tracks[0]
    assert (first.track_id, first.name, first.artist_name) == ("trk00", "Song 0-0", "Artist 0")
    assert first.genre == "pop"
    assert first.cluster_name == "Bright pop"
    assert first.mood in ("happy", "tense", "sad", "calm")
    assert first.spotify_url == "https://open.spotify.com/track/trk00"
    assert len(first.reasons) == 2


def test_a_like_removes_the_track_and_reaches_the_recommender_history(fake_model, user_id):
    before = [t.track_id for t in recommendations.for_user(user_id, k=5).tracks]
    feedback.record_feedback(user_id, before[0], "like")
    after = [t.track_id for t in recommendations.for_user(user_id, k=5).tracks]
    assert before[0] not in after
    assert after[:4] == before[1:]
    history = fake_model.recommender.calls[-1]["history"]
    assert [(e.track_id, e.kind.value) for e in history] == [(before[0], "like")]


def test_a_banned_artist_never_comes_back(fake_model, catalogue, user_id):
    feedback.record_feedback(user_id, "trk00", feedback.BAN_ARTIST)
    tracks = recommendations.for_user(user_id, k=100).tracks
    assert tracks
    assert catalogue.artist_ids[0] not in {t.artist_id for t in tracks}


def test_bans_are_enforced_even_if_the_model_ignores_them(fake_model, user_id, monkeypatch):
    feedback.ban_track(user_id, "trk00")
    original = fake_model.recommender.recommend
    monkeypatch.setattr(
        fake_model.recommender,
        "recommend",
        lambda history, **kw: original(history, **(kw | {"exclusions": None})),
    )
    assert "trk00" not in {t.track_id for t in recommendations.for_user(user_id).tracks}


def test_stated_preferences_and_adventurousness_reach_the_model(fake_model, catalogue, user_id):
    profile.save_preferences(
        user_id,
        genres=["rock"],
        moods=["calm"],
        artist_ids=[catalogue.artist_ids[2]],
        adventurousness=0.8,
    )
    result = recommendations.for_user(user_id)
    call = fake_model.recommender.calls[-1]
    assert call["preferences"].genres == ("rock",)
    assert call["preferences"].moods == ("calm",)
    assert call["preferences"].artist_ids == (catalogue.artist_ids[2],)
    assert call["adventurousness"] == result.adventurousness == 0.8
    recommendations.for_user(user_id, adventurousness=0.1)
    assert fake_model.recommender.calls[-1]["adventurousness"] == 0.1


@pytest.mark.parametrize(
    ("k", "adventurousness"), [(0, None), (101, None), ("x", None), (5, 1.5), (5, "far")]
)
def test_out_of_range_parameters_are_refused(catalogue, user_id, no_model, k, adventurousness):
    with pytest.raises(recommendations.RecommendationError):
        recommendations.for_user(user_id, k=k, adventurousness=adventurousness)


def test_a_failing_model_gives_an_error_status_not_an_exception(fake_model, user_id, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(fake_model.recommender, "recommend", broken)
    result = recommendations.for_user(user_id)
    assert result.status == "error"
    assert "unavailable" in result.message


def test_listeners_like_you_needs_a_history_and_hides_the_user_themself(fake_model, user_id):
    assert recommendations.listeners_like_you(user_id) == []
    feedback.record_feedback(user_id, "trk00", "like")
    matches = recommendations.listeners_like_you(user_id)
    assert [m.shared_tracks for m in matches] == [3, 1]
    assert matches[0].cluster_name == "Heavy guitars"
