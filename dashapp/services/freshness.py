"""How fresh the served model is: "model trained 2 h ago · 134 new feedback events since"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.models import as_utc, utcnow
from db.queries import model_versions
from db.session import session_scope


@dataclass(frozen=True)
class ModelFreshness:
    version: str | None
    trained_at: datetime | None
    new_events: int  # feedback events recorded after the run learned from its data


def model_freshness(serving_version: str | None = None) -> ModelFreshness:
    """The run behind ``serving_version`` (the loaded model) or, failing that, the newest run."""
    with session_scope() as session:
        run = model_versions.by_version(session, serving_version) if serving_version else None
        run = run or model_versions.latest(session)
        if run is None:
            return ModelFreshness(None, None, model_versions.interactions_after(session, 0))
        return ModelFreshness(
            run.version,
            as_utc(run.created_at),
            model_versions.interactions_after(session, run.interactions_until_id),
        )


def humanize_age(moment: datetime, now: datetime | None = None) -> str:
    """How long ago ``moment`` was, in the largest whole unit ("3 h ago")."""
    seconds = max(0.0, ((now or utcnow()) - as_utc(moment)).total_seconds())
    if seconds < 60:
        return "just now"
    for unit_seconds, unit in ((86_400, "d"), (3_600, "h"), (60, "min")):
        if seconds >= unit_seconds:
            return f"{int(seconds // unit_seconds)} {unit} ago"
    return "just now"  # pragma: no cover - the loop always returns for seconds >= 60


def describe(freshness: ModelFreshness, now: datetime | None = None) -> str:
    """One line on the served model's age and the feedback since it was trained."""
    events = freshness.new_events
    noun = "feedback event" if events == 1 else "feedback events"
    if freshness.trained_at is None:
        return f"no model trained yet · {events} {noun} so far"
    return f"model trained {humanize_age(freshness.trained_at, now)} · {events} new {noun} since"


@dataclass(frozen=True)
class TrainingRun:
    version: str
    trained_at: datetime
    track_count: int
    metrics: dict


def recent_runs(limit: int = 10) -> list[TrainingRun]:
    """The newest training runs, for the admin page."""
    with session_scope() as session:
        return [
            TrainingRun(r.version, as_utc(r.created_at), r.track_count, dict(r.metrics or {}))
            for r in model_versions.newest_first(session, limit)
        ]
