"""the review desk: claims, reviewers' notes, idempotent calls, expiring API tokens

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

The back office's HTTP API needs what the shell command never did: two reviewers must not work the
same request (a claim that lapses), reviewers keep notes the farmer never sees, a POST retried after
a lost answer must not act twice (the first answer is kept by key), and a token must stop working by
itself some day.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", storage.types.UtcDateTime(timezone=True), nullable=True))
    op.create_table(
        "request_claims",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("admin_user_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["admin_user_id"], ["admin_users.id"], name=op.f("fk_request_claims_admin_user_id_admin_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["service_requests.id"], name=op.f("fk_request_claims_request_id_service_requests")
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_request_claims")),
    )
    with op.batch_alter_table("request_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_claims_admin_user_id"), ["admin_user_id"], unique=False)
    op.create_table(
        "review_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("admin_user_id", sa.Integer(), nullable=True),
        sa.Column("at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["admin_user_id"], ["admin_users.id"], name=op.f("fk_review_notes_admin_user_id_admin_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["service_requests.id"], name=op.f("fk_review_notes_request_id_service_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_notes")),
    )
    with op.batch_alter_table("review_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_notes_request_id"), ["request_id"], unique=False)
    op.create_table(
        "idempotent_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("admin_user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=256), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("at", storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["admin_user_id"], ["admin_users.id"], name=op.f("fk_idempotent_calls_admin_user_id_admin_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_calls")),
        sa.UniqueConstraint("admin_user_id", "key", name=op.f("uq_idempotent_calls_admin_user_id_key")),
    )
    with op.batch_alter_table("idempotent_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotent_calls_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("idempotent_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotent_calls_at"))
    op.drop_table("idempotent_calls")
    with op.batch_alter_table("review_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_notes_request_id"))
    op.drop_table("review_notes")
    with op.batch_alter_table("request_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_claims_admin_user_id"))
    op.drop_table("request_claims")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
