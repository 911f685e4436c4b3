"""thread messages waiting for Telegram

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

A message between a farmer and an expert is stored before it is relayed. When Telegram cannot be
reached it used to stay stored but undelivered, for good; now it is marked and relayed again, in
order, once Telegram answers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("thread_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("relay_pending", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index("ix_thread_messages_relay_pending", ["relay_pending"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("thread_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_thread_messages_relay_pending")
        batch_op.drop_column("relay_pending")
