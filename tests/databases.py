"""Fresh migrated test databases: a copy of a migrated SQLite file, or a new PostgreSQL schema.

``POSTGRES_URL`` is ``TEST_DATABASE_URL`` when that database answers, else None (the PostgreSQL
variants of the database tests then skip).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from db import migrate
from db.session import create_db_engine


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
