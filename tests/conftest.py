"""Shared fixtures: fresh migrated databases (SQLite, and PostgreSQL when reachable) and apps."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db import migrate
from db.session import Database, create_db_engine, database
from tests.web_client import CsrfClient

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("MIXMAP_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
TIDYTUESDAY_CSV = SHARED_DATA / "tidytuesday" / "spotify_songs.csv"
HETREC_DIR = SHARED_DATA / "hetrec2011-lastfm-2k"


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    try:
        engine = create_db_engine(url, pool_pre_ping=False)
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception:
        return None
    return url


POSTGRES_URL = _postgres_url()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test gets a copy (faster than migrating again)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


def fresh_sqlite_url(template: Path, directory: Path) -> str:
    target = directory / f"mixmap-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def fresh_postgres_url() -> Iterator[str]:
    """A new empty schema in the test database, migrated to head, dropped afterwards."""
    assert POSTGRES_URL is not None
    schema = f"mixmap_test_{uuid.uuid4().hex[:10]}"
    admin = create_db_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    url_string = url.render_as_string(hide_password=False)
    engine = create_db_engine(url_string)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield url_string
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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


def require_shared_data(path: Path) -> Path:
    # CI has ../shared/data; its absence is a broken checkout layout, not a reason to pass quietly.
    if not path.exists():
        pytest.fail(f"shared data not found at {path} (set MIXMAP_SHARED_DATA to its folder)")
    return path
