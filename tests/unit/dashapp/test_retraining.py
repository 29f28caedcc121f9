"""When the worker retrains: enough new feedback AND enough time since the last training."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashapp.services.retraining import RetrainPolicy

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
POLICY = RetrainPolicy(after_events=20, min_minutes=10)


def test_both_the_events_and_the_minutes_must_be_there():
    eleven_minutes_ago = NOW - timedelta(minutes=11)
    five_minutes_ago = NOW - timedelta(minutes=5)
    assert POLICY.reason(19, eleven_minutes_ago, NOW) is None  # time passed, too few events
    assert POLICY.reason(500, five_minutes_ago, NOW) is None  # events there, too soon
    reason = POLICY.reason(20, eleven_minutes_ago, NOW)
    assert reason is not None
    assert "20 new feedback events (threshold 20)" in reason and "11.0 min" in reason


def test_without_a_recorded_run_only_the_events_count():
    assert RetrainPolicy(3, 10).reason(3, None, NOW) == "3 new feedback events (threshold 3)"


def test_zero_minutes_retrains_as_soon_as_the_events_arrive():
    assert RetrainPolicy(3, 0).reason(3, NOW, NOW) is not None


def test_naive_sqlite_datetimes_are_read_as_utc():
    naive = (NOW - timedelta(minutes=30)).replace(tzinfo=None)
    assert POLICY.reason(25, naive, NOW) is not None


def test_the_configuration_fills_the_policy_and_the_cli_threshold_wins():
    config = {"RETRAIN_AFTER_EVENTS": 20, "RETRAIN_MIN_MINUTES": 2.5}
    assert RetrainPolicy.from_config(config) == RetrainPolicy(20, 2.5)
    assert RetrainPolicy.from_config(config, after_events=4) == RetrainPolicy(4, 2.5)
    # 0 events in the configuration leaves the worker's own default; so does a missing minimum.
    assert RetrainPolicy.from_config({"RETRAIN_AFTER_EVENTS": 0}) == RetrainPolicy(100, 10)
