from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from ml.feedback import (
    FeedbackWeights,
    TrackWeights,
    event_weights,
    summarise_frame,
    summarise_history,
)
from music.schema import HistoryEvent, InteractionKind

NOW = datetime(2026, 11, 1, tzinfo=UTC)
INDEX = pd.Index([f"t{i}" for i in range(10)], dtype=object)


def event(track: str, kind: InteractionKind, days_ago: float = 0.0) -> HistoryEvent:
    return HistoryEvent(track, kind, NOW - timedelta(days=days_ago))


def test_likes_pull_harder_than_plays_and_favourites_hardest():
    history = [
        event("t1", InteractionKind.PLAY),
        event("t2", InteractionKind.LIKE),
        event("t3", InteractionKind.FAVOURITE),
    ]
    weights = summarise_history(history, INDEX, NOW)
    assert list(weights.positive) == [1, 2, 3]
    play, like, favourite = weights.positive_weights
    assert play < like < favourite


def test_skips_push_and_bans_are_filters_not_weights():
    history = [event("t4", InteractionKind.SKIP), event("t5", InteractionKind.BAN)]
    weights = summarise_history(history, INDEX, NOW)
    assert list(weights.negative) == [4]
    assert weights.negative_weights[0] > 0
    assert list(weights.banned) == [5]
    assert 5 not in weights.positive and 5 not in weights.negative
    assert 5 not in weights.heard


def test_weights_halve_every_half_life():
    half_life = FeedbackWeights().half_life_days
    fresh = summarise_history([event("t1", InteractionKind.LIKE)], INDEX, NOW)
    old = summarise_history([event("t1", InteractionKind.LIKE, half_life)], INDEX, NOW)
    # Compressed with log1p: compare the raw weights they came from.
    fresh_raw = np.expm1(fresh.positive_weights[0])
    assert np.expm1(old.positive_weights[0]) == pytest.approx(fresh_raw / 2)


def test_repeated_plays_have_diminishing_returns():
    once = summarise_history([event("t1", InteractionKind.PLAY)], INDEX, NOW)
    many = summarise_history([event("t1", InteractionKind.PLAY)] * 50, INDEX, NOW)
    assert many.positive_weights[0] > once.positive_weights[0]
    assert many.positive_weights[0] < 10 * once.positive_weights[0]


def test_a_like_outweighs_an_earlier_skip_on_the_same_track():
    history = [event("t1", InteractionKind.SKIP, 2), event("t1", InteractionKind.LIKE)]
    weights = summarise_history(history, INDEX, NOW)
    assert list(weights.positive) == [1]
    assert len(weights.negative) == 0
    assert list(weights.liked) == [1]


def test_only_recent_skips_count_as_recently_skipped():
    memory = FeedbackWeights().skip_memory_days
    history = [
        event("t1", InteractionKind.SKIP, memory - 1),
        event("t2", InteractionKind.SKIP, memory + 1),
    ]
    weights = summarise_history(history, INDEX, NOW)
    assert list(weights.recently_skipped) == [1]
    assert list(weights.negative) == [1, 2]


def test_unknown_tracks_are_ignored_and_order_does_not_matter():
    history = [
        event("t3", InteractionKind.LIKE, 1),
        event("nope", InteractionKind.LIKE),
        event("t1", InteractionKind.PLAY, 3),
    ]
    forward = summarise_history(history, INDEX, NOW)
    backward = summarise_history(history[::-1], INDEX, NOW)
    assert list(forward.heard) == [1, 3]
    np.testing.assert_array_equal(forward.positive_weights, backward.positive_weights)


def test_now_defaults_to_the_newest_event_so_replays_are_deterministic():
    history = [event("t1", InteractionKind.LIKE, 10), event("t2", InteractionKind.LIKE, 5)]
    first = summarise_history(history, INDEX)
    second = summarise_history(history, INDEX)
    np.testing.assert_array_equal(first.positive_weights, second.positive_weights)
    assert first.positive_weights[1] > first.positive_weights[0]  # t2 is newer


def test_frame_and_list_summaries_agree():
    history = [
        event("t1", InteractionKind.LIKE, 3),
        event("t2", InteractionKind.SKIP, 1),
        event("t3", InteractionKind.BAN),
    ]
    frame = pd.DataFrame(
        {
            "track_id": [e.track_id for e in history],
            "kind": [e.kind.value for e in history],
            "at": [e.at for e in history],
        }
    )
    from_list = summarise_history(history, INDEX, NOW)
    from_frame = summarise_frame(frame, INDEX, NOW)
    for name in ("positive", "positive_weights", "negative", "negative_weights", "banned"):
        np.testing.assert_allclose(getattr(from_list, name), getattr(from_frame, name))


def test_event_weights_give_zero_to_bans_and_unknown_kinds():
    kinds = np.array(["play", "ban", "mystery", "skip"], dtype=object)
    weights = event_weights(kinds, np.zeros(4), 0.0, FeedbackWeights())
    np.testing.assert_allclose(weights, [1.0, 0.0, 0.0, -1.5])


def test_from_positive_merges_duplicates_and_compresses():
    weights = TrackWeights.from_positive(np.array([3, 1, 3]), np.array([1.0, 2.0, 4.0]))
    assert list(weights.positive) == [1, 3]
    np.testing.assert_allclose(weights.positive_weights, np.log1p([2.0, 5.0]), rtol=1e-6)
    assert weights.is_empty is False
    assert TrackWeights.empty().is_empty
