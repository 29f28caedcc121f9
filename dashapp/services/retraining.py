"""When the worker retrains: enough new feedback AND enough time since the last training.

Both conditions, because each alone misbehaves. Events alone retrain back to back on a busy site
(every run costs a minute of CPU at 114k tracks) or, with a low threshold, after every few clicks of
one person; minutes alone retrain a model nobody gave feedback to. A person trying the app with
`make run` (20 events, 10 minutes) sees one retrain within a session; a deployment's worker
(100 events, 10 minutes) trains at most six times an hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.models import as_utc

# The worker's defaults when the configuration leaves them open (MIXMAP_RETRAIN_AFTER_EVENTS=0).
DEFAULT_AFTER_EVENTS = 100
DEFAULT_MIN_MINUTES = 10.0


@dataclass(frozen=True)
class RetrainPolicy:
    after_events: int = DEFAULT_AFTER_EVENTS  # new feedback events since the last run, at least
    min_minutes: float = DEFAULT_MIN_MINUTES  # minutes since the last run, at least

    @classmethod
    def from_config(cls, config: dict, after_events: int | None = None) -> RetrainPolicy:
        """The policy a Flask config describes; ``after_events`` (the CLI's) wins when given."""
        events = after_events or int(config.get("RETRAIN_AFTER_EVENTS") or 0)
        minutes = config.get("RETRAIN_MIN_MINUTES")
        return cls(
            after_events=events or DEFAULT_AFTER_EVENTS,
            min_minutes=DEFAULT_MIN_MINUTES if minutes is None else max(0.0, float(minutes)),
        )

    def describe(self) -> str:
        return (
            f"{self.after_events} new feedback events and at least {self.min_minutes:g} min "
            "since the last training"
        )

    def reason(
        self, new_events: int, last_trained_at: datetime | None, now: datetime
    ) -> str | None:
        """Why a run is due now, or None. ``last_trained_at`` None: no run recorded yet."""
        if new_events < self.after_events:
            return None
        if last_trained_at is None:
            return f"{new_events} new feedback events (threshold {self.after_events})"
        minutes = (as_utc(now) - as_utc(last_trained_at)).total_seconds() / 60
        if minutes < self.min_minutes:
            return None
        return (
            f"{new_events} new feedback events (threshold {self.after_events}), "
            f"{minutes:.1f} min since the last training (minimum {self.min_minutes:g})"
        )
