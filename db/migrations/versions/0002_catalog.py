"""catalog: every credited artist of a track (track_artists); track titles up to 1000 characters

Revision ID: 0002_catalog
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_catalog"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "track_artists",
        sa.Column("track_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("artist_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["artists.id"],
            name=op.f("fk_track_artists_artist_id_artists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_track_artists_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", "position", name=op.f("pk_track_artists")),
        sa.UniqueConstraint(
            "track_id", "artist_id", name=op.f("uq_track_artists_track_id_artist_id")
        ),
    )
    with op.batch_alter_table("track_artists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_track_artists_artist_id"), ["artist_id"], unique=False)
    # Tracks imported before this revision credit their primary artist.
    op.execute(
        "INSERT INTO track_artists (track_id, position, artist_id) SELECT id, 0, artist_id FROM tracks"
    )
    _set_title_length(1000)


def downgrade() -> None:
    _set_title_length(500)
    with op.batch_alter_table("track_artists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_track_artists_artist_id"))
    op.drop_table("track_artists")


def _set_title_length(length: int) -> None:
    """tracks.name as VARCHAR(length).

    PostgreSQL alters the column in place (a downgrade fails if a longer title is stored, which
    is right: it would otherwise be cut). SQLite does not enforce VARCHAR lengths and cannot alter
    a column type; Alembic's batch mode would copy and DROP the tracks table, and with foreign keys
    on that drop cascades into interactions, playlist items and genres. So on SQLite only the
    declared type in the stored schema text changes, the procedure SQLite's ALTER TABLE
    documentation gives for changes that leave the stored rows' format alone
    (https://www.sqlite.org/lang_altertable.html#otheralter).
    """
    bind = op.get_bind()
    old = 500 if length == 1000 else 1000
    if bind.dialect.name != "sqlite":
        op.alter_column(
            "tracks",
            "name",
            existing_type=sa.String(length=old),
            type_=sa.String(length=length),
            existing_nullable=False,
        )
        return
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    # The tab before "name" keeps "album_name" out of the match.
    changed = bind.exec_driver_sql(
        f"UPDATE sqlite_master SET sql = replace(sql, char(9) || 'name VARCHAR({old}) NOT NULL', "
        f"char(9) || 'name VARCHAR({length}) NOT NULL') "
        "WHERE type = 'table' AND name = 'tracks'"
    ).rowcount
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    declared = bind.exec_driver_sql(
        "SELECT type FROM pragma_table_info('tracks') WHERE name = 'name'"
    ).scalar_one()
    if changed != 1 or declared != f"VARCHAR({length})":
        raise RuntimeError(f"tracks.name is declared {declared}, expected VARCHAR({length})")
