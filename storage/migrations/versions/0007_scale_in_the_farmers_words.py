"""the scale of a problem in the farmer's own words

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

Farmers give the scale as estimates ("十几只", "二十多亩", "三四头"). The number kept for counting is
the lower bound of such an estimate; what people read is the farmer's words, kept beside it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scale_words", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.drop_column("scale_words")
