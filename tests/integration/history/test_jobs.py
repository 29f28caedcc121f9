"""The jobs queue and upload jobs: the worker claims each job once, reports progress, stores the
report, deletes the upload, and a user only ever sees their own imports."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from dashapp.services import history_import, jobs
from dashapp.services.history_import import HistoryImportError
from db.models import Job, utcnow
from db.queries import jobs as job_queries
from db.session import session_scope
from tests.integration.history.history_catalogue import (
    add_user,
    interaction_count,
    seed_history_catalogue,
    stored_events,
)
from tests.unit.db.importers.history.history_files import Played, at, lastfm_csv, spotify_extended

PLAYS = [Played("Coldplay", "Yellow", at(3)), Played("Adele", "Hello", at(4))]


@pytest.fixture
def user_id(db) -> int:
    seed_history_catalogue()
    return add_user("listener@example.com")


def _upload(job_id: int) -> bytes | None:
    with session_scope() as session:
        return session.scalar(select(Job.upload).where(Job.id == job_id))


def test_uploaded_file_is_imported_by_the_worker_and_then_deleted(user_id: int) -> None:
    queued = history_import.submit_upload(user_id, "scrobbles.csv", lastfm_csv(PLAYS))
    assert (queued.status, queued.progress) == ("queued", 0.0)
    assert _upload(queued.id) == lastfm_csv(PLAYS)
    assert interaction_count() == 0  # nothing happens on the request

    assert jobs.run_pending_jobs() == 1

    done = history_import.latest_import(user_id)
    assert done is not None and (done.id, done.status, done.progress) == (queued.id, "done", 1.0)
    report = history_import.ImportReport.from_dict(done.result or {})
    assert (report.matched, report.stored) == (2, 2)
    assert "2 listens: 2 matched" in done.message
    assert _upload(queued.id) is None
    assert len(stored_events(user_id)) == 2
    assert jobs.run_pending_jobs() == 0


def test_bad_upload_fails_with_its_message_and_writes_nothing(user_id: int) -> None:
    broken = spotify_extended(PLAYS)[:-10]
    queued = history_import.submit_upload(user_id, "Streaming_History_Audio_2021.json", broken)
    jobs.run_pending_jobs()
    failed = history_import.latest_import(user_id)
    assert failed is not None and failed.status == "failed"
    assert "not valid JSON" in failed.message
    assert _upload(queued.id) is None
    assert interaction_count() == 0


def test_an_unexpected_error_is_logged_not_shown(user_id: int, monkeypatch, caplog) -> None:
    def explode(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(history_import, "import_files", explode)
    history_import.submit_upload(user_id, "scrobbles.csv", lastfm_csv(PLAYS))
    jobs.run_pending_jobs()
    failed = history_import.latest_import(user_id)
    assert failed is not None and failed.status == "failed"
    assert "database on fire" not in failed.message
    assert "database on fire" in caplog.text


def test_uploads_are_checked_before_they_are_queued(user_id: int, monkeypatch) -> None:
    with pytest.raises(HistoryImportError, match=r"\.zip"):
        history_import.submit_upload(user_id, "photo.png", b"\x89PNG")
    with pytest.raises(HistoryImportError, match="empty"):
        history_import.submit_upload(user_id, "scrobbles.csv", b"")
    monkeypatch.setenv(history_import.UPLOAD_LIMIT_ENV, "10")
    with pytest.raises(HistoryImportError, match="larger than"):
        history_import.submit_upload(user_id, "scrobbles.csv", lastfm_csv(PLAYS))
    monkeypatch.delenv(history_import.UPLOAD_LIMIT_ENV)
    for _ in range(history_import.MAX_ACTIVE_IMPORTS):
        history_import.submit_upload(user_id, "scrobbles.csv", lastfm_csv(PLAYS))
    with pytest.raises(HistoryImportError, match="waiting"):
        history_import.submit_upload(user_id, "scrobbles.csv", lastfm_csv(PLAYS))


def test_browser_upload_decoding_is_bounded() -> None:
    assert history_import.decode_upload("data:text/csv;base64,aGVsbG8=") == b"hello"
    with pytest.raises(HistoryImportError, match="larger than"):
        history_import.decode_upload("data:text/csv;base64," + "A" * 4000, limit=1000)
    with pytest.raises(HistoryImportError, match="damaged"):
        history_import.decode_upload("data:text/csv;base64,@@@@")
    with pytest.raises(HistoryImportError, match="empty"):
        history_import.decode_upload("")


def test_a_user_sees_only_their_own_jobs(user_id: int) -> None:
    other = add_user("other@example.com")
    mine = history_import.submit_upload(user_id, "scrobbles.csv", lastfm_csv(PLAYS))
    assert history_import.latest_import(other) is None
    with session_scope() as session:
        assert job_queries.view(session, mine.id, other) is None
        assert job_queries.view(session, mine.id, user_id) is not None


def test_two_workers_never_claim_the_same_job(user_id: int) -> None:
    with session_scope() as session:
        ids = {
            job_queries.enqueue(session, kind="test", user_id=user_id, payload={"n": n})
            for n in range(20)
        }
    claimed: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            while True:
                with session_scope() as session:
                    job = job_queries.claim_next(session, ("test",))
                if job is None:
                    return
                claimed.append(job.id)
        except BaseException as error:  # surfaced below; a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(claimed) == sorted(ids)  # every job once, none twice


def test_stale_running_jobs_are_retried_then_failed(user_id: int) -> None:
    with session_scope() as session:
        job_id = job_queries.enqueue(session, kind="test", user_id=user_id)
    later = utcnow() + timedelta(hours=1)
    for attempt in range(1, 3):
        with session_scope() as session:
            claimed = job_queries.claim_next(session, ("test",))
            assert claimed is not None and claimed.attempts == attempt
        with session_scope() as session:
            assert job_queries.requeue_stale(session, timedelta(minutes=15), 2, now=later) == 1
    with session_scope() as session:
        job = session.get(Job, job_id)
        assert job is not None and job.status == "failed"
        assert "stopped" in job.message
