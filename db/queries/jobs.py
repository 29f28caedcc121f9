"""The ``jobs`` queue: enqueue, claim (safe with several workers), progress, finish, read back.

Claiming is one ``UPDATE ... WHERE id = (SELECT ... LIMIT 1) RETURNING``: on PostgreSQL the
sub-select takes ``FOR UPDATE SKIP LOCKED``, so two workers never claim the same row and never
wait on each other; SQLite serialises writers, so the single statement is atomic there too (a
second worker sees the row already running and takes the next one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import Job, as_utc, utcnow

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
ACTIVE = (QUEUED, RUNNING)
MAX_MESSAGE_LENGTH = 500


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    kind: str
    user_id: int | None
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class JobView:
    """What a page or the CLI shows about a job (never the upload itself)."""

    id: int
    kind: str
    status: str
    progress: float
    message: str
    result: dict[str, Any] | None
    payload: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


def _view(job: Job) -> JobView:
    return JobView(
        id=job.id,
        kind=job.kind,
        status=job.status,
        progress=float(job.progress),
        message=job.message,
        result=job.result,
        payload=dict(job.payload or {}),
        created_at=as_utc(job.created_at),
        finished_at=as_utc(job.finished_at) if job.finished_at else None,
    )


def enqueue(
    session: Session,
    *,
    kind: str,
    user_id: int | None,
    payload: dict[str, Any] | None = None,
    upload: bytes | None = None,
    message: str = "Waiting for the worker",
) -> int:
    job = Job(
        kind=kind,
        user_id=user_id,
        status=QUEUED,
        progress=0.0,
        message=message[:MAX_MESSAGE_LENGTH],
        payload=payload or {},
        upload=upload,
        upload_bytes=len(upload or b""),
        attempts=0,
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job.id


def claim_next(
    session: Session, kinds: tuple[str, ...], now: datetime | None = None
) -> ClaimedJob | None:
    """Mark the oldest queued job of these kinds running and return it; None when none is."""
    now = now or utcnow()
    oldest = (
        select(Job.id)
        .where(Job.status == QUEUED, Job.kind.in_(kinds))
        .order_by(Job.created_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = session.execute(
        update(Job)
        .where(Job.id == oldest, Job.status == QUEUED)
        .values(
            status=RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=Job.attempts + 1,
            message="Started",
        )
        .returning(Job.id, Job.kind, Job.user_id, Job.payload, Job.attempts)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        return None
    job_id, kind, user_id, payload, attempts = claimed
    return ClaimedJob(job_id, kind, user_id, dict(payload or {}), int(attempts))


def upload_of(session: Session, job_id: int) -> bytes | None:
    return session.scalar(select(Job.upload).where(Job.id == job_id))


def report_progress(
    session: Session, job_id: int, progress: float, message: str, now: datetime | None = None
) -> None:
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == RUNNING)
        .values(
            progress=min(max(float(progress), 0.0), 1.0),
            message=message[:MAX_MESSAGE_LENGTH],
            heartbeat_at=now or utcnow(),
        )
        .execution_options(synchronize_session=False)
    )


def finish(
    session: Session,
    job_id: int,
    *,
    succeeded: bool,
    message: str,
    result: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """End the job and drop its upload: the bytes were only ever needed to run it."""
    now = now or utcnow()
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(
            status=DONE if succeeded else FAILED,
            progress=1.0 if succeeded else Job.progress,
            message=message[:MAX_MESSAGE_LENGTH],
            result=result,
            upload=None,
            heartbeat_at=now,
            finished_at=now,
        )
        .execution_options(synchronize_session=False)
    )


def requeue_stale(
    session: Session, stale_after: timedelta, max_attempts: int, now: datetime | None = None
) -> int:
    """Running jobs whose worker stopped beating: run again, or fail after ``max_attempts``."""
    now = now or utcnow()
    cutoff = now - stale_after
    stale = (Job.status == RUNNING, Job.heartbeat_at < cutoff)
    failed = session.execute(
        update(Job)
        .where(*stale, Job.attempts >= max_attempts)
        .values(
            status=FAILED,
            message="The worker stopped during this job too often; upload the file again.",
            upload=None,
            finished_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    requeued = session.execute(
        update(Job)
        .where(*stale, Job.attempts < max_attempts)
        .values(status=QUEUED, message="Waiting for the worker (restarted)")
        .execution_options(synchronize_session=False)
    ).rowcount
    return int(failed or 0) + int(requeued or 0)


def view(session: Session, job_id: int, user_id: int | None) -> JobView | None:
    """The job if it belongs to ``user_id`` (None for system jobs); otherwise None."""
    job = session.get(Job, job_id)
    if job is None or job.user_id != user_id:
        return None
    return _view(job)


def latest_for_user(session: Session, user_id: int, kind: str) -> JobView | None:
    job = session.scalars(
        select(Job)
        .where(Job.user_id == user_id, Job.kind == kind)
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(1)
    ).first()
    return _view(job) if job else None


def active_count(session: Session, user_id: int, kind: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Job)
            .where(Job.user_id == user_id, Job.kind == kind, Job.status.in_(ACTIVE))
        )
        or 0
    )
