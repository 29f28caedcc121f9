"""Run queued background jobs (the worker's tick, ``flask jobs run-once``, tests).

Each job kind has one handler ``(job, progress) -> (message, result)``. A handler raising a
``ValueError`` subclass failed on the user's input: its message is shown to them. Anything else
is our fault: logged with the job id, and the user sees a generic message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from db.queries import jobs as job_queries
from db.queries.jobs import ClaimedJob
from db.session import session_scope

log = logging.getLogger(__name__)

Handler = Callable[[ClaimedJob, Callable[[float, str], None]], tuple[str, dict[str, Any]]]
# A running job whose worker has not reported for this long is taken to be orphaned.
STALE_AFTER = timedelta(minutes=15)
MAX_ATTEMPTS = 3
PROGRESS_EVERY_SECONDS = 1.0


def handlers() -> dict[str, Handler]:
    """The function that runs each kind of background job."""
    # Imported here so the worker loop importing this module stays cheap and cycle-free.
    from dashapp.services import history_import, lastfm_import, spotify_account

    return {
        history_import.JOB_KIND: history_import.run_import_job,
        spotify_account.JOB_KIND: spotify_account.run_import_job,
        lastfm_import.JOB_KIND: lastfm_import.run_import_job,
    }


def _progress_reporter(job_id: int) -> Callable[[float, str], None]:
    last = [0.0]

    def report(fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_SECONDS and fraction < 1.0:
            return
        last[0] = now
        with session_scope() as session:
            job_queries.report_progress(session, job_id, fraction, message)

    return report


def run_job(job: ClaimedJob, handler: Handler) -> bool:
    """Run one claimed job to its end; True when it succeeded."""
    try:
        message, result = handler(job, _progress_reporter(job.id))
    except ValueError as error:
        with session_scope() as session:
            job_queries.finish(session, job.id, succeeded=False, message=str(error))
        return False
    except Exception:
        log.exception("Job %s (%s) failed", job.id, job.kind)
        with session_scope() as session:
            job_queries.finish(
                session,
                job.id,
                succeeded=False,
                message="The job failed because of an error on our side; it has been logged.",
            )
        return False
    with session_scope() as session:
        job_queries.finish(session, job.id, succeeded=True, message=message, result=result)
    return True


def run_pending_jobs(max_jobs: int | None = None) -> int:
    """Claim and run queued jobs until none is left (or ``max_jobs`` ran); return how many ran."""
    known = handlers()
    with session_scope() as session:
        job_queries.requeue_stale(session, STALE_AFTER, MAX_ATTEMPTS)
    ran = 0
    while max_jobs is None or ran < max_jobs:
        with session_scope() as session:
            job = job_queries.claim_next(session, tuple(known))
        if job is None:
            break
        log.info("Running job %s (%s)", job.id, job.kind)
        run_job(job, known[job.kind])
        ran += 1
    return ran
