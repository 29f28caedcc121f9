"""history import: jobs table, unique imported listens

Revision ID: 0002_history
Revises: 0002_security
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002_history'
down_revision: str | None = '0002_security'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMPORTED_LISTEN_PREDICATE = "context LIKE 'import:%'"


def upgrade() -> None:
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('upload', sa.LargeBinary(), nullable=True),
    sa.Column('upload_bytes', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_jobs_known_status')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_jobs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_status_created_at', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_user_id'), ['user_id'], unique=False)

    op.create_index(
        'uq_interactions_imported_listen',
        'interactions',
        ['user_id', 'track_id', 'at'],
        unique=True,
        sqlite_where=sa.text(IMPORTED_LISTEN_PREDICATE),
        postgresql_where=sa.text(IMPORTED_LISTEN_PREDICATE),
    )


def downgrade() -> None:
    op.drop_index('uq_interactions_imported_listen', table_name='interactions')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_user_id'))
        batch_op.drop_index('ix_jobs_status_created_at')
    op.drop_table('jobs')
