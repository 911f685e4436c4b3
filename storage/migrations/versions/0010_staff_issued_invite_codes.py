"""staff-issued invite codes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

Each expert and service object had one invite code for good, and the demo's were the first seven
hex characters of sha256 of the phone or the name: anyone could work one out, use it again and
again, and it moved an expert's account to whoever sent it. Codes are now issued by staff, random,
single-use and expiring, and stored only as a hash; the old columns go.
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_CODE_COLUMNS = (("experts", "E"), ("service_objects", "F"))


def upgrade() -> None:
    op.create_table(
        "invite_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=True),
        sa.Column("service_object_id", sa.Integer(), nullable=True),
        sa.Column("rebind", sa.Boolean(), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("expires_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.BigInteger(), nullable=True),
        sa.Column("revoked_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(expert_id IS NULL) <> (service_object_id IS NULL)", name=op.f("ck_invite_codes_one_holder")
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_invite_codes_expert_id_experts")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["admin_users.id"], name=op.f("fk_invite_codes_issued_by_admin_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_object_id"],
            ["service_objects.id"],
            name=op.f("fk_invite_codes_service_object_id_service_objects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invite_codes_code_hash")),
    )
    with op.batch_alter_table("invite_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invite_codes_expert_id"), ["expert_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_invite_codes_service_object_id"), ["service_object_id"], unique=False
        )
    for table, _prefix in OLD_CODE_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_invite_code", type_="unique")
            batch_op.drop_column("invite_code")


def downgrade() -> None:
    # The old columns come back filled with random codes: the derived ones must not return.
    connection = op.get_bind()
    for table, prefix in OLD_CODE_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("invite_code", sa.String(length=16), nullable=True))
        rows = sa.table(table, sa.column("id", sa.Integer()), sa.column("invite_code", sa.String()))
        for (row_id,) in connection.execute(sa.select(rows.c.id)).all():
            code = prefix + secrets.token_hex(7).upper()
            connection.execute(sa.update(rows).where(rows.c.id == row_id).values(invite_code=code))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("invite_code", existing_type=sa.String(length=16), nullable=False)
            batch_op.create_unique_constraint(f"uq_{table}_invite_code", ["invite_code"])
    with op.batch_alter_table("invite_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invite_codes_service_object_id"))
        batch_op.drop_index(batch_op.f("ix_invite_codes_expert_id"))
    op.drop_table("invite_codes")
