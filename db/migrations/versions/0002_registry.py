"""model registry: artifact blobs, status and activation in model_versions; training_runs

Revision ID: 0002_registry
Revises: 0002_history

Rows recorded before the registry have no artifact bytes, so they come in as ``retired``; the next
``flask setup`` / worker tick trains a model and activates it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_registry"
down_revision: str | None = "0002_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="retired")
        )
        batch_op.add_column(sa.Column("status_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("artifact", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("size_bytes", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("libraries", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("gate", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("diff", sa.JSON(), nullable=True))
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None)
        batch_op.create_check_constraint(
            "status_known", "status IN ('candidate', 'active', 'retired', 'rejected')"
        )
        batch_op.create_index(
            "uq_model_versions_one_active",
            ["status"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "training_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("progress", sa.String(length=200), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_training_runs_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["users.id"],
            name=op.f("fk_training_runs_requested_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_runs")),
    )
    with op.batch_alter_table("training_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_runs_requested_at"), ["requested_at"], unique=False
        )
        batch_op.create_index(
            "uq_training_runs_one_running",
            ["status"],
            unique=True,
            sqlite_where=sa.text("status = 'running'"),
            postgresql_where=sa.text("status = 'running'"),
        )
        batch_op.create_index(
            "uq_training_runs_one_queued",
            ["status"],
            unique=True,
            sqlite_where=sa.text("status = 'queued'"),
            postgresql_where=sa.text("status = 'queued'"),
        )


def downgrade() -> None:
    op.drop_table("training_runs")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_index("uq_model_versions_one_active")
        batch_op.drop_constraint(op.f("ck_model_versions_status_known"), type_="check")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        for column in (
            "diff",
            "gate",
            "libraries",
            "size_bytes",
            "sha256",
            "artifact",
            "activated_at",
            "status_reason",
            "status",
        ):
            batch_op.drop_column(column)
