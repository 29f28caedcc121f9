"""Stated preferences (validated, saved, read back) and the insights built from a history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashapp.services import feedback, insights, profile


def test_preferences_round_trip_and_mark_the_user_onboarded(catalogue, user_id):
    assert profile.needs_onboarding(user_id)
    saved = profile.save_preferences(
        user_id,
        genres=["rock", "pop", "rock"],
        moods=["calm"],
        artist_ids=[catalogue.artist_ids[1]],
        adventurousness=0.3,
    )
    assert saved.genres == ("rock", "pop")
    assert saved.onboarded_at is not None
    assert not profile.needs_onboarding(user_id)
    view = profile.get_profile(user_id)
    assert [c.label for c in view.artist_choices] == ["Artist 1"]
    assert view.preferences.adventurousness == 0.3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"genres": ["polka"]}, "Unknown genre"),
        ({"moods": ["grumpy"]}, "Unknown mood"),
        ({"artist_ids": [987654]}, "no artist"),
        ({"artist_ids": ["abc"]}, "picked from the list"),
        ({"adventurousness": 2}, "between 0"),
    ],
)
def test_invalid_preferences_are_refused_with_a_reason(catalogue, user_id, kwargs, message):
    with pytest.raises(profile.ProfileError, match=message):
        profile.save_preferences(user_id, **kwargs)
    assert profile.preferences(user_id).onboarded_at is None


def test_a_user_with_feedback_does_not_need_onboarding(catalogue, user_id):
    feedback.record_feedback(user_id, "trk00", "play")
    assert not profile.needs_onboarding(user_id)


def test_choices_search_and_suggestions(catalogue, user_id):
    assert {c.value for c in profile.genre_choices()} == {"pop", "rock", "rap"}
    assert [c.label for c in profile.search_artists("ARTIST 3")] == ["Artist 3"]
    assert profile.search_artists("%") == []  # LIKE wildcards are literal
    suggested = profile.suggested_artists(["pop"], exclude=[catalogue.artist_ids[0]])
    assert [c.label for c in suggested] == ["Artist 3"]  # artists 0 and 3 play pop


def test_rename_and_adventurousness(catalogue, user_id):
    assert profile.rename(user_id, "  Ada   Lovelace ") == "Ada Lovelace"
    with pytest.raises(profile.ProfileError):
        profile.rename(user_id, "   ")
    assert profile.set_adventurousness(user_id, 0.9) == 0.9
    assert profile.preferences(user_id).adventurousness == 0.9


def test_a_new_user_has_empty_insights(catalogue, user_id, no_model):
    result = insights.for_user(user_id)
    assert result.is_empty
    assert result.genres_by_week.empty
    assert result.clusters_by_week is None
    assert int(result.hour_weekday.to_numpy().sum()) == 0
    assert len(result.catalogue_points) == len(catalogue.tracks)


def test_insights_count_listening_by_week_genre_artist_mood_and_hour(fake_model, user_id):
    monday = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    events = [
        ("trk00", "play", monday),
        ("trk01", "like", monday + timedelta(hours=1)),
        ("trk10", "play", monday + timedelta(days=8)),
        ("trk20", "skip", monday + timedelta(days=8)),
    ]  # a skip is not listening
    for track, kind, at in events:
        feedback.record_feedback(user_id, track, kind, now=at)
    result = insights.for_user(user_id)
    assert result.listens == 3
    genres = result.genres_by_week
    assert genres.to_dict("records") == [
        {"week": datetime(2026, 11, 2), "label": "pop", "listens": 2.0},
        {"week": datetime(2026, 11, 9), "label": "rock", "listens": 1.0},
    ]
    assert result.artists_by_week["listens"].sum() == 3
    assert result.top_genres[0] == ("pop", pytest.approx(2 / 3))
    assert result.hour_weekday.loc["Mon", 9] == 1 and result.hour_weekday.loc["Tue", 9] == 1
    assert result.moods["listens"].sum() >= 3  # every track carries at least its quadrant mood
    assert set(result.clusters_by_week["label"]) == {"Bright pop", "Heavy guitars"}
    assert len(result.map_you) == 3
    assert set(result.feature_profile["feature"]) >= {"energy", "valence"}
    assert result.time_zone == "UTC"
    # The same listening seen from Los Angeles: 09:30 UTC on Monday is 01:30 there.
    pacific = insights.for_user(user_id, "America/Los_Angeles")
    assert pacific.time_zone == "America/Los_Angeles"
    assert pacific.hour_weekday.loc["Mon", 1] == 1 and pacific.hour_weekday.loc["Mon", 9] == 0


def test_counts_by_week_folds_small_labels_into_other():
    import pandas as pd

    weeks = pd.Series([datetime(2026, 1, 5)] * 4)
    labels = pd.Series(["a", "a", "b", "c"])
    frame = insights.counts_by_week(weeks, labels, top=1)
    assert dict(zip(frame["label"], frame["listens"], strict=True)) == {"a": 2.0, "Other": 2.0}
