"""Retrain requests and the lock that makes concurrent retrains train once (``training_runs``).

At most one row is ``queued`` and at most one ``running`` (partial unique indexes): a second
"retrain now" while one waits, or a second retrain while one trains, fails on the index, on SQLite
and PostgreSQL alike, with no advisory-lock dialect code. A running row whose heartbeat stopped
(its worker died) is marked failed before anyone claims the lock again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import TrainingRun, utcnow

# Training reports progress at least once per stage; 114k tracks take ~3 min in total.
STALE_AFTER = timedelta(minutes=15)


def queued(session: Session) -> TrainingRun | None:
    return session.scalar(select(TrainingRun).where(TrainingRun.status == "queued"))


def running(session: Session) -> TrainingRun | None:
    return session.scalar(select(TrainingRun).where(TrainingRun.status == "running"))


def recent(session: Session, limit: int = 10) -> list[TrainingRun]:
    query = select(TrainingRun).order_by(TrainingRun.id.desc()).limit(limit)
    return list(session.scalars(query))


def request(session: Session, trigger: str, user_id: int | None) -> TrainingRun:
    """Queue a retrain. Raises ``IntegrityError`` (at flush) when one is already queued."""
    run = TrainingRun(status="queued", trigger=trigger, requested_by=user_id)
    session.add(run)
    session.flush()
    return run


def fail_stale(session: Session, now: datetime | None = None) -> int:
    moment = now or utcnow()
    result = session.execute(
        update(TrainingRun)
        .where(TrainingRun.status == "running", TrainingRun.heartbeat_at < moment - STALE_AFTER)
        .values(status="failed", finished_at=moment, message="the worker stopped mid-run")
    )
    return result.rowcount or 0


def claim(session: Session, trigger: str) -> TrainingRun:
    """Take the training lock: start the queued request, or a new run.

    Raises ``IntegrityError`` (at flush) when another run holds the lock; the caller commits
    right away so the lock is visible to others, and treats the error as "already training".
    """
    fail_stale(session)
    now = utcnow()
    run = queued(session)
    if run is not None:
        run.status, run.started_at, run.heartbeat_at = "running", now, now
    else:
        run = TrainingRun(status="running", trigger=trigger, started_at=now, heartbeat_at=now)
        session.add(run)
    session.flush()
    return run


def heartbeat(session: Session, run_id: int, progress: str) -> None:
    session.execute(
        update(TrainingRun)
        .where(TrainingRun.id == run_id)
        .values(heartbeat_at=utcnow(), progress=progress[:200])
    )


def finish(
    session: Session,
    run_id: int,
    *,
    failed: bool,
    outcome: str | None,
    message: str,
    version: str | None = None,
) -> None:
    session.execute(
        update(TrainingRun)
        .where(TrainingRun.id == run_id)
        .values(
            status="failed" if failed else "done",
            outcome=outcome,
            message=message,
            version=version,
            finished_at=utcnow(),
        )
    )
