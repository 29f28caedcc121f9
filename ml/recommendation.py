"""What a recommendation request takes and returns (``ml.recommender``'s public vocabulary).

Kept apart from the recommender so the reasons (``ml.reasons``) and the callers can name these
types without importing the scoring engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from music.schema import Exclusions  # re-exported: the one exclusions type

__all__ = ["Exclusions", "Preferences", "Recommendation", "UnknownTrackError"]


class UnknownTrackError(ValueError):
    """A track id that is not in the served model's catalogue."""


@dataclass(frozen=True)
class Preferences:
    """What a listener told us at onboarding (used most when there is no history yet)."""

    genres: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    artist_ids: tuple[int, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.genres or self.moods or self.artist_ids)


@dataclass(frozen=True)
class Recommendation:
    track_id: str
    score: float
    reasons: tuple[str, ...]  # at least two human sentences, strongest first
    cluster: int
    sources: dict[str, float] = field(default_factory=dict)  # term -> weighted contribution
