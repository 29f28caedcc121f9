"""What a playlist generator is asked for (``GeneratorSpec``, ``Length``) and gives back.

A spec is a small JSON-friendly value: a saved "smart playlist" stores ``spec.to_dict()`` and
re-runs it later; ``from_dict`` turns any mapping a user sent into a checked spec or a
``PlaylistError`` that says what to change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ml.filters import FilterError, TrackFilter

GENERATOR_KINDS: dict[str, str] = {
    "tracks": "From the staged tracks",
    "radio": "Radio from a track or an artist",
    "path": "A path between two tracks",
    "genre": "Genre",
    "mood": "Mood",
    "activity": "Activity",
    "more": "Suggest more for a playlist",
}
ORDERS: tuple[str, ...] = ("relevance", "flow")

MAX_TRACKS = 500
MAX_MINUTES = 24 * 60
# A minutes target is met when the total is within this much of it (about a third of a song).
# Whole songs cannot always land that close: then the track that brings the total closest to the
# target is taken even past the tolerance (when it is closer than without it), so the result is
# off by at most this or half the shortest track still available, whichever is larger.
MINUTES_TOLERANCE_MS = 60_000


class PlaylistError(ValueError):
    """A generator request a user made cannot be met; the message says what to change."""


@dataclass(frozen=True)
class Length:
    """A target length: a number of tracks or a number of minutes (exactly one)."""

    tracks: int | None = 25
    minutes: float | None = None

    def __post_init__(self) -> None:
        if (self.tracks is None) == (self.minutes is None):
            raise PlaylistError("give a length in tracks or in minutes, not both")
        if self.tracks is not None and not 1 <= int(self.tracks) <= MAX_TRACKS:
            raise PlaylistError(f"a playlist has 1 to {MAX_TRACKS} tracks, not {self.tracks}")
        if self.minutes is not None and not 1 <= float(self.minutes) <= MAX_MINUTES:
            raise PlaylistError(
                f"a playlist lasts 1 to {MAX_MINUTES} minutes, not {self.minutes:g}"
            )

    @property
    def target_ms(self) -> int | None:
        return None if self.minutes is None else round(float(self.minutes) * 60_000)

    def is_met(self, count: int, total_ms: int) -> bool:
        if self.tracks is not None:
            return count >= self.tracks
        return total_ms >= self.target_ms - MINUTES_TOLERANCE_MS

    def fits(self, total_ms: int, count: int, duration_ms: int, closer: bool = False) -> bool:
        """Whether one more track of ``duration_ms`` may join ``count`` tracks of ``total_ms``:
        within the tolerance, or (``closer``, the last resort) nearer the target than without."""
        if self.tracks is not None:
            return count < self.tracks
        if total_ms + duration_ms <= self.target_ms + MINUTES_TOLERANCE_MS:
            return True
        return closer and (
            abs(self.target_ms - total_ms - duration_ms) < abs(self.target_ms - total_ms)
        )

    def reduced_by(self, durations_ms: Sequence[int]) -> Length | None:
        """What is left to fill once tracks of ``durations_ms`` are in (None: nothing is)."""
        if self.tracks is not None:
            left = self.tracks - len(durations_ms)
            return Length(tracks=left) if left >= 1 else None
        left_ms = self.target_ms - int(np.sum(durations_ms))
        return Length(tracks=None, minutes=left_ms / 60_000) if left_ms >= 60_000 else None

    def to_dict(self) -> dict[str, Any]:
        return {"tracks": self.tracks} if self.tracks is not None else {"minutes": self.minutes}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Length:
        data = data or {}
        try:
            if data.get("minutes") not in (None, ""):
                return cls(tracks=None, minutes=float(data["minutes"]))
            tracks = data.get("tracks")
            return cls(tracks=25 if tracks in (None, "") else int(tracks))
        except PlaylistError:
            raise
        except (TypeError, ValueError):
            raise PlaylistError(
                f"a length is tracks or minutes as a number, not {data!r}"
            ) from None


@dataclass(frozen=True)
class GeneratorSpec:
    """Everything a generator needs; what a smart playlist stores (``to_dict``) and re-runs.

    ``track_ids``: the staged tracks ("tracks"), the radio seed ("radio"), the two ends ("path")
    or the playlist to extend ("more"). ``artist_id``: artist radio. Genre, mood and activity
    generators take their subject from ``track_filter`` (genres_include, moods, activity), which
    every generator honours.
    """

    kind: str
    track_ids: tuple[str, ...] = ()
    artist_id: int | None = None
    track_filter: TrackFilter = field(default_factory=TrackFilter)
    length: Length = field(default_factory=Length)
    adventurousness: float = 0.5
    order: str = "relevance"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in GENERATOR_KINDS:
            raise PlaylistError(
                f"unknown generator {self.kind!r}: choose from {', '.join(GENERATOR_KINDS)}"
            )
        object.__setattr__(self, "track_ids", tuple(str(t) for t in self.track_ids))
        if not 0.0 <= float(self.adventurousness) <= 1.0:
            raise PlaylistError("adventurousness runs from 0 (familiar) to 1 (far out)")
        if self.order not in ORDERS:
            raise PlaylistError(f"unknown order {self.order!r}: choose from {', '.join(ORDERS)}")
        needs = {
            "tracks": (bool(self.track_ids), "stage at least one track first"),
            "radio": (
                bool(self.track_ids) or self.artist_id is not None,
                "radio needs a seed track or an artist",
            ),
            "path": (
                len(self.track_ids) == 2 and self.length.tracks != 1,
                "a path needs exactly two tracks (a start and an end) and room for both",
            ),
            "genre": (bool(self.track_filter.genres_include), "pick at least one genre"),
            "mood": (bool(self.track_filter.moods), "pick at least one mood"),
            "activity": (self.track_filter.activity is not None, "pick an activity"),
            "more": (bool(self.track_ids), "the playlist has no tracks to continue from"),
        }
        ok, message = needs[self.kind]
        if not ok:
            raise PlaylistError(message)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "length": self.length.to_dict(),
            "adventurousness": float(self.adventurousness),
            "order": self.order,
            "seed": int(self.seed),
        }
        if self.track_ids:
            data["track_ids"] = list(self.track_ids)
        if self.artist_id is not None:
            data["artist_id"] = int(self.artist_id)
        if not self.track_filter.is_empty:
            data["filter"] = self.track_filter.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GeneratorSpec:
        if not isinstance(data, Mapping) or "kind" not in data:
            raise PlaylistError("a generator spec is a mapping with at least a 'kind'")
        try:
            track_filter = TrackFilter.from_dict(data.get("filter"))
        except FilterError as error:
            raise PlaylistError(str(error)) from None
        artist_id = data.get("artist_id")
        try:
            return cls(
                kind=str(data["kind"]),
                track_ids=tuple(data.get("track_ids") or ()),
                artist_id=int(artist_id) if artist_id not in (None, "") else None,
                track_filter=track_filter,
                length=Length.from_dict(data.get("length")),
                adventurousness=float(data.get("adventurousness", 0.5)),
                order=str(data.get("order") or "relevance"),
                seed=int(data.get("seed") or 0),
            )
        except (TypeError, ValueError) as error:
            if isinstance(error, PlaylistError):
                raise
            raise PlaylistError(f"invalid generator settings: {error}") from None


@dataclass(frozen=True)
class GeneratedPlaylist:
    track_ids: tuple[str, ...]
    total_ms: int
    # Said to the user when the result is shorter than asked ("only 7 tracks match ...").
    note: str | None = None
