"""Migration 0002_registry on a database that already recorded training runs (files on disk)."""

from __future__ import annotations

from sqlalchemy import text

from db import migrate
from db.session import create_db_engine


def test_runs_recorded_before_the_registry_come_in_retired_without_bytes(sqlite_database_url):
    engine = create_db_engine(sqlite_database_url)
    migrate.downgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO model_versions (version, created_at, artifact_path, data_hash, "
                "track_count, interactions_until_id, metrics, params) VALUES ('old', "
                "'2026-11-01 00:00:00', 'old.joblib', 'abc', 10, 0, '{}', '{}')"
            )
        )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT status, artifact, sha256 FROM model_versions WHERE version = 'old'")
        ).one()
        assert tuple(row) == ("retired", None, None)
    engine.dispose()
