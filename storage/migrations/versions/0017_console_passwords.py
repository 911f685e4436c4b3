"""console users log in with a password

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-07

County reviewers use the web console from an office PC or a phone, with a password rather than an
API token: admin_users keeps its argon2id hash (core.passwords). NULL for admins who use tokens only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("admin_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("admin_users", schema=None) as batch_op:
        batch_op.drop_column("password_hash")
