"""The navbar's model freshness line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashapp.services.freshness import ModelFreshness, describe, humanize_age

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_age_is_said_in_the_largest_whole_unit():
    assert humanize_age(NOW - timedelta(seconds=20), NOW) == "just now"
    assert humanize_age(NOW - timedelta(minutes=5), NOW) == "5 min ago"
    assert humanize_age(NOW - timedelta(hours=2, minutes=59), NOW) == "2 h ago"
    assert humanize_age(NOW - timedelta(days=3, hours=1), NOW) == "3 d ago"


def test_naive_datetimes_from_sqlite_are_read_as_utc():
    naive = (NOW - timedelta(hours=1)).replace(tzinfo=None)
    assert humanize_age(naive, NOW) == "1 h ago"


def test_describe_counts_new_feedback_and_says_when_no_model_exists():
    trained = ModelFreshness("v1", NOW - timedelta(hours=2), 134)
    assert describe(trained, NOW) == "model trained 2 h ago · 134 new feedback events since"
    assert describe(ModelFreshness("v1", NOW, 1), NOW).endswith("1 new feedback event since")
    untrained = describe(ModelFreshness(None, None, 0), NOW)
    assert untrained == "no model trained yet · 0 feedback events so far"
