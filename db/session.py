"""Engine and session factory from DATABASE_URL.

SQLite is the embedded default: it runs with WAL (readers never block the writer), a busy timeout
(a second writer waits instead of failing) and foreign keys on. PostgreSQL gets a checked pool.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000


def normalise_database_url(url: str) -> str:
    """Accept Heroku's ``postgres://`` form and pick the psycopg 3 driver for PostgreSQL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL + NORMAL is durable across application crashes; only an OS crash can lose the last commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the settings each backend needs."""
    url = normalise_database_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    pool_options = {
        "pool_pre_ping": True,
        "pool_size": int(os.environ.get("DB_POOL_SIZE", "5")),
        "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "5")),
        "pool_recycle": 1800,
    }
    return create_engine(url, **(pool_options | kwargs))


class Database:
    """The process's engine and session factory, configured once by the app factory or a CLI."""

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._sessions = sessionmaker(expire_on_commit=False)

    def configure(self, url: str, **engine_options: Any) -> Engine:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = create_db_engine(url, **engine_options)
        self._sessions.configure(bind=self._engine)
        return self._engine

    def init_app(self, server: Any) -> None:
        self.configure(server.config["DATABASE_URL"])
        server.extensions["mixmap_db"] = self

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError(
                "The database is not configured: call database.configure(url) first."
            )
        return self._engine

    def session(self) -> Session:
        self.engine  # noqa: B018 - raises a clear error when unconfigured
        return self._sessions()

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """One unit of work: commit once at the end, roll back everything on any error."""
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose_after_fork(self) -> None:
        if self._engine is not None:
            self._engine.dispose(close=False)


database = Database()


def session_scope() -> Any:
    """Shorthand for ``database.session_scope()``, the way services open a unit of work."""
    return database.session_scope()
