"""the audit log by county; advisories keep their screening flags

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

County staff read the audit log of their own county only. An entry now carries the county of the
object it is about, written with the entry (core.audit.county_of), so a county's page is one indexed
condition, and an object that moves later does not move its history. Entries already written get it
from their object here. Advisories keep what screening flagged when the expert wrote them, for the
reviewer, as requests do.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# entity -> the SQL giving the county of the entry's object (entity_id)
_COUNTY_OF = {
    "service_request": "SELECT county_id FROM service_requests WHERE id = audit_log.entity_id",
    "advisory": "SELECT county_id FROM advisories WHERE id = audit_log.entity_id",
    "service_offer": "SELECT county_id FROM service_offers WHERE id = audit_log.entity_id",
    "expert": "SELECT county_id FROM experts WHERE id = audit_log.entity_id",
    "farmer": "SELECT county_id FROM farmers WHERE id = audit_log.entity_id",
    "service_object": "SELECT county_id FROM service_objects WHERE id = audit_log.entity_id",
    "admin_user": "SELECT county_id FROM admin_users WHERE id = audit_log.entity_id",
    "complaint": "SELECT r.county_id FROM complaints c JOIN service_requests r ON r.id = c.request_id"
    " WHERE c.id = audit_log.entity_id",
    "thread_message": "SELECT r.county_id FROM thread_messages m JOIN service_requests r"
    " ON r.id = m.request_id WHERE m.id = audit_log.entity_id",
}


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("county_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_log_county_id_counties"), "counties", ["county_id"], ["id"]
        )
        batch_op.create_index("ix_audit_log_county_id_id", ["county_id", "id"], unique=False)
    for entity, county in _COUNTY_OF.items():
        op.execute(
            sa.text(f"UPDATE audit_log SET county_id = ({county}) WHERE entity = :entity").bindparams(
                entity=entity
            )
        )
    with op.batch_alter_table("advisories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("screening", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("advisories", schema=None) as batch_op:
        batch_op.drop_column("screening")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_county_id_id")
        batch_op.drop_constraint(batch_op.f("fk_audit_log_county_id_counties"), type_="foreignkey")
        batch_op.drop_column("county_id")
