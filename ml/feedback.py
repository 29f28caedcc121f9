"""Listening events -> signed, time-decayed weights per track (shared by listeners and recommender).

One definition of "how much does this event say", so the listener model fitted in training and the
recommender scoring a live request read a history the same way:

- a play says "heard it" (weight 1), a like says more (3) and a favourite most (5);
- a skip pushes away (-1.5): stronger than a play pulls, because skipping is a deliberate act, but
  weaker than a like, because a skip may only mean "not now";
- a ban is not a weight at all: it is a hard filter (the track never comes back);
- every weight halves every ``half_life_days`` (90 days by default: a season of listening). Taste
  drifts, but a favourite from last year still says something;
- a skip in the last ``skip_memory_days`` (30) also keeps the track out of recommendations: whatever
  the skip meant, offering the same song again within a month ignores it.

Several events on one track add up; the positive total is then compressed with ``log1p`` so the
fiftieth play of a song says less than the first few (play counts are heavy-tailed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from music.schema import HistoryEvent, InteractionKind

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class FeedbackWeights:
    """How strongly each kind of event pulls (+) or pushes (-), and how fast it fades."""

    play: float = 1.0
    like: float = 3.0
    favourite: float = 5.0
    skip: float = -1.5
    half_life_days: float = 90.0
    skip_memory_days: float = 30.0

    def by_kind(self) -> dict[str, float]:
        """Undecayed weight per event kind; bans are absent (they are filters, not weights)."""
        return {
            InteractionKind.PLAY.value: self.play,
            InteractionKind.LIKE.value: self.like,
            InteractionKind.FAVOURITE.value: self.favourite,
            InteractionKind.SKIP.value: self.skip,
        }

    def of_kind(self, kind: str) -> float:
        """The undecayed weight of one event kind; 0 for bans and unknown kinds."""
        return self.by_kind().get(str(kind), 0.0)

    def decay(self, age_days: np.ndarray) -> np.ndarray:
        """Multiplier for events ``age_days`` old: 1 now, 1/2 after one half-life; never above 1."""
        age = np.clip(np.asarray(age_days, dtype=np.float64), 0.0, None)
        if self.half_life_days <= 0:
            return np.ones_like(age)
        return np.exp2(-age / self.half_life_days)


@dataclass(frozen=True)
class TrackWeights:
    """A history reduced to catalogue positions: who pulls, who pushes, what was heard or banned.

    ``positive``/``positive_weights`` are tracks with a net pull (compressed, > 0);
    ``negative``/``negative_weights`` tracks with a net push (weights > 0, i.e. magnitudes);
    ``heard`` every position with any non-ban event; ``banned`` every position with a BAN event;
    ``liked`` every position with a like or favourite; ``recently_skipped`` every position skipped
    within ``FeedbackWeights.skip_memory_days`` of ``now``.
    Positions are sorted ascending so the same history always gives the same arrays.
    """

    positive: np.ndarray
    positive_weights: np.ndarray
    negative: np.ndarray
    negative_weights: np.ndarray
    heard: np.ndarray
    banned: np.ndarray
    liked: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    recently_skipped: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def is_empty(self) -> bool:
        return len(self.positive) == 0 and len(self.negative) == 0

    @classmethod
    def empty(cls) -> TrackWeights:
        none = np.zeros(0, dtype=np.int64)
        return cls(none, np.zeros(0, np.float32), none, np.zeros(0, np.float32), none, none)

    @classmethod
    def from_positive(
        cls, positions: np.ndarray, weights: np.ndarray | None = None
    ) -> TrackWeights:
        """Plain positive weights (a playlist, an evaluation query): nothing skipped or banned.

        Weights are raw amounts (1 per playlist entry, or play counts) and get the same ``log1p``
        compression as a history.
        """
        positions = np.asarray(positions, dtype=np.int64)
        if weights is None:
            weights = np.ones(len(positions), dtype=np.float32)
        weights = np.asarray(weights, dtype=np.float32)
        if len(weights) != len(positions):
            raise ValueError("one weight per position")
        unique, inverse = np.unique(positions, return_inverse=True)
        totals = np.bincount(inverse, weights=weights, minlength=len(unique))
        keep = totals > 0
        none = np.zeros(0, dtype=np.int64)
        no_weights = np.zeros(0, np.float32)
        return cls(unique[keep], compress(totals[keep]), none, no_weights, unique, none)


def summarise_history(
    history: Sequence[HistoryEvent],
    position_of: Mapping[str, int] | pd.Index,
    now: datetime | None = None,
    weights: FeedbackWeights | None = None,
) -> TrackWeights:
    """Reduce a list of events to per-track weights; events on unknown tracks are ignored.

    ``now`` defaults to the newest event's time, so the same history scores the same way whenever it
    is replayed (determinism); pass the request time to let old taste fade.
    """
    if not history:
        return TrackWeights.empty()
    track_ids = [event.track_id for event in history]
    kinds = np.asarray([str(event.kind) for event in history], dtype=object)
    seconds = np.asarray([_timestamp(event.at) for event in history], dtype=np.float64)
    positions = _positions(track_ids, position_of)
    return _reduce(positions, kinds, seconds, now, weights or FeedbackWeights())


def summarise_frame(
    events: pd.DataFrame,
    position_of: pd.Index,
    now: datetime | None = None,
    weights: FeedbackWeights | None = None,
) -> TrackWeights:
    """The same reduction for an events frame (columns ``track_id``, ``kind``, ``at``)."""
    if events.empty:
        return TrackWeights.empty()
    positions = position_of.get_indexer(events["track_id"].astype(str).to_numpy(dtype=object))
    kinds = events["kind"].astype(str).to_numpy(dtype=object)
    seconds = frame_seconds(events["at"])
    return _reduce(positions, kinds, seconds, now, weights or FeedbackWeights())


def event_weights(
    kinds: np.ndarray, seconds: np.ndarray, now_seconds: float, weights: FeedbackWeights
) -> np.ndarray:
    """Decayed weight of each event (bans give 0); ``seconds`` are POSIX timestamps."""
    kinds = np.asarray(kinds, dtype=object)
    base = np.zeros(len(kinds), dtype=np.float64)
    # One comparison per kind: a click's few hundred events take microseconds (a pandas map
    # cost ~0.3 ms per request) and a training run's millions stay vectorised.
    for kind, weight in weights.by_kind().items():
        base[kinds == kind] = weight
    return base * weights.decay((now_seconds - seconds) / SECONDS_PER_DAY)


def compress(totals: np.ndarray) -> np.ndarray:
    """Diminishing returns for repeated positive events (see the module docstring)."""
    return np.log1p(np.clip(totals, 0.0, None)).astype(np.float32)


def _reduce(
    positions: np.ndarray,
    kinds: np.ndarray,
    seconds: np.ndarray,
    now: datetime | None,
    weights: FeedbackWeights,
) -> TrackWeights:
    known = positions >= 0
    positions, kinds, seconds = positions[known], kinds[known], seconds[known]
    if len(positions) == 0:
        return TrackWeights.empty()
    is_ban = kinds == InteractionKind.BAN.value
    banned = np.unique(positions[is_ban])
    rest = ~is_ban
    positions, kinds, seconds = positions[rest], kinds[rest], seconds[rest]
    if len(positions) == 0:
        return replace(TrackWeights.empty(), banned=banned.astype(np.int64))
    now_seconds = _timestamp(now) if now is not None else float(seconds.max())
    per_event = event_weights(kinds, seconds, now_seconds, weights)
    heard, inverse = np.unique(positions, return_inverse=True)
    totals = np.bincount(inverse, weights=per_event, minlength=len(heard))
    pulls = totals > 0
    pushes = totals < 0
    is_like = (kinds == InteractionKind.LIKE.value) | (kinds == InteractionKind.FAVOURITE.value)
    skip_age_days = (now_seconds - seconds) / SECONDS_PER_DAY
    is_recent_skip = (kinds == InteractionKind.SKIP.value) & (
        skip_age_days <= weights.skip_memory_days
    )
    return TrackWeights(
        positive=heard[pulls].astype(np.int64),
        positive_weights=compress(totals[pulls]),
        negative=heard[pushes].astype(np.int64),
        negative_weights=compress(-totals[pushes]),
        heard=heard.astype(np.int64),
        banned=banned.astype(np.int64),
        liked=np.unique(positions[is_like]).astype(np.int64),
        recently_skipped=np.unique(positions[is_recent_skip]).astype(np.int64),
    )


def _positions(track_ids: Sequence[str], position_of: Mapping[str, int] | pd.Index) -> np.ndarray:
    if isinstance(position_of, pd.Index):
        # A NumPy object array, not an Index: pandas 3 looks it up ~100x faster.
        targets = np.asarray([str(track_id) for track_id in track_ids], dtype=object)
        return position_of.get_indexer(targets).astype(np.int64)
    return np.fromiter(
        (position_of.get(track_id, -1) for track_id in track_ids),
        dtype=np.int64,
        count=len(track_ids),
    )


def _timestamp(at: datetime) -> float:
    # Naive datetimes are taken as UTC (the database stores UTC).
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.timestamp()


def frame_seconds(at: pd.Series) -> np.ndarray:
    """POSIX seconds of a column of timestamps (naive values are taken as UTC)."""
    stamps = pd.to_datetime(at, utc=True)
    return (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(dtype=np.float64)
