"""Shared fixtures: fresh migrated databases (SQLite, and PostgreSQL when reachable) and apps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db import migrate
from db.session import Database, create_db_engine, database
from tests.databases import POSTGRES_URL, fresh_postgres_url, fresh_sqlite_url
from tests.web_client import AuthActions, CsrfClient


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test gets a copy (faster than migrating again)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def any_database_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path):
    """A migrated database on each backend: tests using it run on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield fresh_sqlite_url(sqlite_template, tmp_path)
        return
    if POSTGRES_URL is None:
        pytest.skip("TEST_DATABASE_URL is not set or not reachable")
    yield from fresh_postgres_url()


@pytest.fixture
def sqlite_database_url(sqlite_template: Path, tmp_path: Path) -> str:
    return fresh_sqlite_url(sqlite_template, tmp_path)


@pytest.fixture
def db(any_database_url: str) -> Iterator[Database]:
    """The process-wide ``database`` bound to a fresh migrated database on each backend."""
    database.configure(any_database_url)
    yield database
    database.engine.dispose()


@pytest.fixture
def sqlite_db(sqlite_database_url: str) -> Iterator[Database]:
    database.configure(sqlite_database_url)
    yield database
    database.engine.dispose()


@pytest.fixture
def app(sqlite_database_url: str, tmp_path: Path):
    """A Mixmap server on a fresh SQLite database with an empty model folder."""
    from app import create_app
    from dashapp.config import Config

    server = create_app(Config.for_testing(sqlite_database_url, tmp_path / "models"))
    # Sends the _csrf_token cookie back as X-CSRFToken, like Dash's renderer (tests/web_client.py).
    server.test_client_class = CsrfClient
    yield server
    database.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """The app's ``flask`` command line, invoked in-process."""
    return app.test_cli_runner()


@pytest.fixture
def auth(client) -> AuthActions:
    """``auth.register()``, ``auth.login()``, ``auth.logout()`` on ``client``."""
    return AuthActions(client)
