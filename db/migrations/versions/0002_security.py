"""security: session generation per user, client event ids on feedback

Revision ID: 0002_security
Revises: 0002_catalog
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_security"
down_revision: str | None = "0002_catalog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Bumped on logout (and password change): every session and remember-me cookie issued
    # before carries the old number and is refused.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
    # A client-chosen id per feedback event: a replayed request finds its event and stores
    # nothing twice. NULLs are distinct in a unique index on both backends, so old rows and
    # clients that send no id are unaffected.
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "uq_interactions_user_id_event_id", ["user_id", "event_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("uq_interactions_user_id_event_id")
        batch_op.drop_column("event_id")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
