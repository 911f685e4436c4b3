"""voucher batches under a key; experts' reimbursement statements

Revision ID: 0014
Revises: 0017
Create Date: 2026-12-07

Counties issue vouchers in batches over the API: a batch is kept under the key its caller chose, so
sending it again moves no money twice; a year's expiry is kept the same way. Experts are reimbursed
by statement per period (draft, confirmed, paid); a confirmed statement's lines are frozen, and a
captured service is on one statement at most.

It follows 0017 (the console's passwords), the head when it was written: numbers name migrations,
the chain of down_revisions orders them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0014"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MODES = ("online", "video", "onsite_consult", "onsite_training")


def upgrade() -> None:
    op.create_table(
        "voucher_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("county_id", sa.Integer(), nullable=True),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["counties.id"], name=op.f("fk_voucher_batches_county_id_counties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_batches")),
        sa.UniqueConstraint("batch_key", name=op.f("uq_voucher_batches_batch_key")),
    )
    op.create_table(
        "reimbursement_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("county_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total_fen", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("paid_at", storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["counties.id"], name=op.f("fk_reimbursement_statements_county_id_counties")
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_reimbursement_statements_expert_id_experts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reimbursement_statements")),
        sa.UniqueConstraint("expert_id", "period", name=op.f("uq_reimbursement_statements_expert_id_period")),
    )
    with op.batch_alter_table("reimbursement_statements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reimbursement_statements_county_id"), ["county_id"], unique=False
        )
    op.create_table(
        "reimbursement_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("reimbursement_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "service_mode",
            sa.Enum(*_MODES, name="servicemode", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("fee_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reimbursement_id"],
            ["reimbursements.id"],
            name=op.f("fk_reimbursement_lines_reimbursement_id_reimbursements"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_requests.id"],
            name=op.f("fk_reimbursement_lines_request_id_service_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["reimbursement_statements.id"],
            name=op.f("fk_reimbursement_lines_statement_id_reimbursement_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reimbursement_lines")),
        sa.UniqueConstraint("reimbursement_id", name=op.f("uq_reimbursement_lines_reimbursement_id")),
    )
    with op.batch_alter_table("reimbursement_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reimbursement_lines_statement_id"), ["statement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reimbursement_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reimbursement_lines_statement_id"))
    op.drop_table("reimbursement_lines")
    with op.batch_alter_table("reimbursement_statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reimbursement_statements_county_id"))
    op.drop_table("reimbursement_statements")
    op.drop_table("voucher_batches")
