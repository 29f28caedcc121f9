"""Owned tables are found from foreign keys, so a table added later is counted and exported."""

from __future__ import annotations

import io

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, create_engine
from sqlalchemy.orm import Session

from dashapp.services.user_data import _table_section
from db.models import Base
from db.queries.user_data import owned_row_counts, owned_tables


def _schema() -> MetaData:
    metadata = MetaData()
    Table("users", metadata, Column("id", Integer, primary_key=True))
    Table("tracks", metadata, Column("id", String, primary_key=True))
    Table(
        "history_imports",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("user_id", ForeignKey("users.id")),
        Column("access_token_encrypted", String),
        Column("source", String),
    )
    Table(
        "history_listens",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("import_id", ForeignKey("history_imports.id")),
        Column("track_id", ForeignKey("tracks.id")),
    )
    return metadata


def test_direct_and_nested_tables_are_found_and_the_catalogue_is_not():
    found = {t.name: t for t in owned_tables(_schema())}
    assert set(found) == {"history_imports", "history_listens"}
    assert found["history_listens"].parent is found["history_imports"]


def _filled(metadata: MetaData):
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(metadata.tables["users"].insert(), [{"id": 1}, {"id": 2}])
        connection.execute(
            metadata.tables["history_imports"].insert(),
            [
                {"id": 10, "user_id": 1, "access_token_encrypted": "s3cr3t", "source": "lastfm"},
                {"id": 11, "user_id": 2, "access_token_encrypted": None, "source": "spotify"},
                {"id": 12, "user_id": 1, "access_token_encrypted": "x", "source": "listenbrainz"},
            ],
        )
        connection.execute(
            metadata.tables["history_listens"].insert(),
            [{"import_id": 10}, {"import_id": 10}, {"import_id": 11}, {"import_id": 12}],
        )
    return engine


def test_counts_follow_the_chain_to_the_user():
    metadata = _schema()
    with Session(_filled(metadata)) as session:
        assert owned_row_counts(session, metadata, 1) == {
            "users": 1,
            "history_imports": 2,
            "history_listens": 3,
        }


def test_a_table_no_section_knows_is_exported_without_its_credentials():
    metadata = _schema()
    table = next(t for t in owned_tables(metadata) if t.name == "history_imports")
    section = _table_section(table)
    assert section.path == "tables/history_imports.csv"
    out = io.StringIO()
    with Session(_filled(metadata)) as session:
        section.write(session, 1, out)
    assert out.getvalue().splitlines() == ["id,user_id,source", "10,1,lastfm", "12,1,listenbrainz"]


def test_the_real_schema_owns_what_the_app_stores_per_user():
    names = {t.name for t in owned_tables(Base.metadata)}
    assert {"user_preferences", "interactions", "bans", "playlists", "playlist_items"} <= names
    assert not names & {"tracks", "artists", "genres", "track_artists"}
