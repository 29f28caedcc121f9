"""The Profile's Spotify and Last.fm imports as worker jobs (SQLite and PostgreSQL, local fake):
the request only queues, the worker reads the encrypted token from the database, ingests through
the history import, and the job carries progress and the report."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashapp.services import history_import, jobs, lastfm_import, spotify_account
from db.models import Interaction, Job
from db.session import session_scope
from integrations.errors import AuthorizationError
from tests.fakes.music_services import scrobble
from tests.integration.integrations.builders import (
    TRACKS,
    add_user,
    fake_services_env,
    seed_catalogue,
)
from tests.integration.integrations.test_integration_services import connect

SONG2, PARKLIFE, CRAZY, HALO, DEMO = (row[0] for row in TRACKS)


@pytest.fixture
def fake(db, monkeypatch):
    with fake_services_env(monkeypatch) as services:
        yield services


def stored(user_id: int) -> int:
    with session_scope() as session:
        return session.scalar(
            select(func.count()).select_from(Interaction).where(Interaction.user_id == user_id)
        )


def test_spotify_import_is_queued_then_run_by_the_worker_once(fake):
    seed_catalogue()
    user = add_user()
    connect(fake, user)
    fake.state.saved = [{"added_at": "2026-01-02T10:00:00Z", "track": fake.add_track(SONG2, "b")}]
    fake.state.top = [fake.add_track(HALO, "bey")]

    queued = spotify_account.submit_import(user)
    assert (queued.status, queued.filename) == ("queued", spotify_account.JOB_LABEL)
    assert stored(user) == 0 and not fake.calls("/v1/me/tracks")  # nothing ran on the request

    assert jobs.run_pending_jobs() == 1
    done = spotify_account.import_job_status(user)
    assert done is not None and done.status == "done" and done.progress == 1.0
    assert (done.report.likes, done.report.favourites, done.report.stored) == (1, 1, 2)
    assert stored(user) == 2

    spotify_account.submit_import(user)
    assert jobs.run_pending_jobs() == 1
    again = spotify_account.import_job_status(user)
    assert (again.report.stored, again.report.already_stored) == (0, 2)
    assert stored(user) == 2


def test_spotify_import_needs_a_connection_and_a_revoked_one_fails_the_job(fake):
    user = add_user()
    with pytest.raises(AuthorizationError, match="Connect your Spotify account"):
        spotify_account.submit_import(user)
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0

    connect(fake, user)
    spotify_account.submit_import(user)
    fake.revoke_access()
    fake.state.refresh_tokens.clear()
    jobs.run_pending_jobs()
    failed = spotify_account.import_job_status(user)
    assert failed.status == "failed" and "connect again" in failed.message
    assert not spotify_account.status(user).connected


def test_lastfm_import_is_queued_then_run_by_the_worker(fake):
    seed_catalogue()
    user = add_user()
    fake.state.scrobbles["ada_l"] = [
        scrobble("Blur", "Song 2", 1_700_000_000),
        scrobble("Oasis", "Wonderwall", 1_700_000_100),
    ]
    queued = lastfm_import.submit_import(user, "ada_l")
    assert queued.status == "queued" and stored(user) == 0
    assert jobs.run_pending_jobs() == 1
    done = lastfm_import.import_job_status(user)
    assert done.status == "done"
    assert (done.report.matched, done.report.stored) == (1, 1)
    assert done.report.top_unmatched_artists == [("Oasis", 1)]
    assert lastfm_import.status(user).username == "ada_l"
    # The history upload's status is its own: the two kinds do not mix.
    assert history_import.import_status(user) is None


def test_lastfm_bad_names_are_refused_on_the_request_unknown_users_fail_the_job(fake):
    user = add_user()
    with pytest.raises(lastfm_import.LastfmImportError, match="2 to 15 characters"):
        lastfm_import.submit_import(user, "x; drop table")
    lastfm_import.submit_import(user, "nobody")
    jobs.run_pending_jobs()
    failed = lastfm_import.import_job_status(user)
    assert failed.status == "failed" and "no user called 'nobody'" in failed.message
    assert stored(user) == 0


def test_waiting_imports_are_bounded_per_user(fake):
    user = add_user()
    for _ in range(history_import.MAX_ACTIVE_IMPORTS):
        lastfm_import.submit_import(user, "ada_l")
    with pytest.raises(history_import.HistoryImportError, match="imports waiting"):
        lastfm_import.submit_import(user, "ada_l")
