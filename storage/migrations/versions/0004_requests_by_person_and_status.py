"""service requests indexed by person and status

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

The bot counts the sender's requests in service on every update; indexed on the person alone, that
count read every request the person had ever made. (person, status) answers it, and everything the
single-column indexes answered.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.create_index("ix_service_requests_farmer_id_status", ["farmer_id", "status"], unique=False)
        batch_op.create_index("ix_service_requests_expert_id_status", ["expert_id", "status"], unique=False)
        batch_op.drop_index(batch_op.f("ix_service_requests_farmer_id"))
        batch_op.drop_index(batch_op.f("ix_service_requests_expert_id"))


def downgrade() -> None:
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_requests_expert_id"), ["expert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_requests_farmer_id"), ["farmer_id"], unique=False)
        batch_op.drop_index("ix_service_requests_expert_id_status")
        batch_op.drop_index("ix_service_requests_farmer_id_status")
