"""Engine and session factory from DATABASE_URL.

SQLite is the embedded default: it runs with WAL (readers never block the writer), a busy timeout
(a second writer waits instead of failing) and foreign keys on. A unit of work that writes
(``session_scope(write=True)``) takes SQLite's write lock up front with ``BEGIN IMMEDIATE``: it
waits its turn behind the busy timeout before reading, so what it read is still true when it writes
(no lost update, no "database is locked" from upgrading a stale read transaction). Reads keep
pysqlite's default and never queue behind writers. On PostgreSQL the same flag costs nothing; the
pool pings connections before use and is dropped in any forked child (gunicorn workers,
multiprocessing) so two processes never share one socket.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event, insert
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Rows per INSERT statement in a bulk write: keeps each statement (and the lock it holds) short and
# under SQLite's bound-parameter limit.
WRITE_BATCH_ROWS = 500
# Execution option a write unit of work sets; the SQLite "begin" hook reads it.
WRITE_LOCK_OPTION = "mixmap_write_lock"


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


def _begin_sqlite(connection: Connection) -> None:
    # pysqlite starts a transaction only at the first INSERT/UPDATE/DELETE, so a unit of work that
    # reads first would decide on data another writer may change before it writes. A write unit
    # takes the lock before its first read instead (SQLAlchemy's "pysqlite transactions" recipe).
    if connection.get_execution_options().get(WRITE_LOCK_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the settings each backend needs."""
    url = normalise_database_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite)
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
    def session_scope(self, *, write: bool = False) -> Iterator[Session]:
        """One unit of work: commit once at the end, roll back everything on any error.

        ``write=True`` for a unit that changes data: on SQLite it holds the write lock from its
        first statement (see the module docstring), so concurrent writers queue instead of racing.
        """
        session = self.session()
        if write:
            session.connection(execution_options={WRITE_LOCK_OPTION: True})
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
# Any fork (gunicorn's post_fork hook does it too, and so do multiprocessing and the worker's
# children) drops the parent's pooled connections in the child without closing them, as
# SQLAlchemy's "Using Connection Pools with Multiprocessing" section recommends.
os.register_at_fork(after_in_child=database.dispose_after_fork)


def session_scope(*, write: bool = False) -> Any:
    """Shorthand for ``database.session_scope()``, the way services open a unit of work."""
    return database.session_scope(write=write)


def insert_in_batches(
    session: Session,
    table: Table,
    rows: Iterable[Mapping[str, Any]],
    batch_rows: int = WRITE_BATCH_ROWS,
) -> int:
    """Insert ``rows`` with one executemany per ``batch_rows``; returns how many were written.

    Used for the big writes (playlist items): each statement stays small, and the unit of work
    still commits or rolls back as one.
    """
    written = 0
    remaining = iter(rows)
    while batch := list(islice(remaining, batch_rows)):
        session.execute(insert(table), batch)
        written += len(batch)
    return written
