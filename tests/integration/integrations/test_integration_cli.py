"""`flask catalog enrich` and `flask lastfm import` against the fake, and without keys."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import TrackEnrichment
from db.session import database, session_scope
from tests.fakes.music_services import FakeMusicServices, Scripted, scrobble
from tests.integration.integrations.builders import (
    INTEGRATION_KEYS,
    TRACKS,
    add_user,
    build_app,
    seed_catalogue,
)


@pytest.fixture
def fake():
    with FakeMusicServices() as services:
        yield services


@pytest.fixture
def runner(sqlite_database_url, tmp_path, fake):
    server = build_app(sqlite_database_url, tmp_path, fake.env())
    yield server.test_cli_runner()
    database.engine.dispose()


def test_enrich_with_a_limit_then_the_rest(runner, fake):
    seed_catalogue()
    for track_id, *_ in TRACKS[:4]:
        fake.add_track(track_id, "a")
    result = runner.invoke(args=["catalog", "enrich", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "2 tracks enriched from Spotify" in result.output
    assert "2 artists' tags and similar artists from Last.fm" in result.output
    result = runner.invoke(args=["catalog", "enrich"])
    assert "2 tracks enriched from Spotify" in result.output  # only what was left
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(TrackEnrichment)) == 4


def test_enrich_reports_an_outage_with_exit_code_1(runner, fake):
    seed_catalogue()
    fake.fail_next("/accounts/api/token", *[Scripted(503, "down")] * 3)
    result = runner.invoke(args=["catalog", "enrich"])
    assert result.exit_code == 1
    assert "stopped early" in result.output and "Run again to continue" in result.output


def test_enrich_without_keys_exits_2_saying_what_to_set(sqlite_database_url, tmp_path, monkeypatch):
    for name in INTEGRATION_KEYS:
        monkeypatch.delenv(name, raising=False)
    server = build_app(sqlite_database_url, tmp_path, {})
    try:
        result = server.test_cli_runner().invoke(args=["catalog", "enrich"])
    finally:
        database.engine.dispose()
    assert result.exit_code == 2 and "LASTFM_API_KEY" in result.output


def test_lastfm_import_command(runner, fake):
    seed_catalogue()
    add_user("ada@example.com")
    fake.state.scrobbles["ada_l"] = [
        scrobble("Blur", "Song 2", 1_700_000_000 + i) for i in range(3)
    ] + [scrobble("Oasis", "Wonderwall", 1_600_000_000)]
    result = runner.invoke(args=["lastfm", "import", "ada@example.com", "ada_l"])
    assert result.exit_code == 0, result.output
    assert "4 listens: 3 matched" in result.output and "3 new, 0 already" in result.output
    assert "not in the catalogue: Oasis (1 plays)" in result.output
    result = runner.invoke(args=["lastfm", "import", "nobody@example.com", "ada_l"])
    assert result.exit_code == 2 and "no account" in result.output
