"""flat as history grows: indexes on the live queries, experts' running figures

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-07

What a person does at any moment stays the same size while the history grows; these make its cost
stay the same too (issue 21). Plans from bench/history.py on PostgreSQL 15 (EXPLAIN (ANALYZE,
BUFFERS); shared buffers hit + read at 10k → 100k → 1M requests; 1M holds 5.2 M events, 0.68 M
ratings, 3.6 M thread messages), the same 550 live requests at every size.

ix_service_requests_invitations_due (invitation_expires_at) WHERE status = 'approved': the expiry
sweep (core.requests.expire_invitations, every 30 s) asks for the open invitations past their
deadline. Without it the planner read the whole table:

    before: Seq Scan on service_requests                              268 → 135 → 1,148 buffers
    after:  Index Scan using ix_service_requests_invitations_due        1 →   1 →     1

ix_service_requests_live_by_expert (expert_id, status, invitation_expires_at) WHERE status IN
('approved', 'in_service'): an expert's live load, counted for every suggested expert and every team
member; (expert_id, status) answered it with one probe per expert into an index of every request,
whose depth grows with history:

    before: GroupAggregate over ix_service_requests_expert_id_status  573 → 1,145 → 1,717 buffers
    after:  GroupAggregate over Index Only Scan using this index      573 →   573 →   573

ix_service_requests_expert_id_completed_at (expert_id, completed_at): an expert's services of one
year (the reconciliation, reports) as a range of the index, not all his requests filtered by date.

ix_thread_messages_sender (sender_kind, sender_id, telegram_message_id): an edited Telegram message
(core.threads.revise) is found by its sender and message id:

    before: Limit -> Nested Loop over the sender's requests' messages  510 → 5,274 → 52,922 buffers
    after:  Limit -> Index Scan using ix_thread_messages_sender          6 →     7 →      8

expert_years: an expert's running figures per budget year (services, declines, expiries, answers and
their waiting time, ratings and stars), kept by core.expert_figures in the unit of work of each event
and filled here from history. Suggestions and the team leader's view read one row per expert and
year instead of the expert's requests, events and ratings of all time:

    suggest_experts before, ratings + the year's services:
        46 + 268 → 1,048 + 3,340 → 5,635 + 28,669 buffers
    team_overview before, the year's events (sorted, paired in Python) + services + ratings:
        644 + 268 + 46 → 6,746 + 3,340 + 1,048 → 66,984 + 28,669 + 5,635 buffers
    both after: HashAggregate over expert_years  68 → 100 → 100 buffers
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPROVED = sa.text("status = 'approved'")
LIVE = sa.text("status IN ('approved', 'in_service')")
# Budget years follow Bayannur's calendar (core.budget), frozen here as the migration was written.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
FIGURES = ("services", "declines", "expiries", "answers", "answer_seconds", "ratings", "stars")


def upgrade() -> None:
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_requests_invitations_due",
            ["invitation_expires_at"],
            unique=False,
            postgresql_where=APPROVED,
            sqlite_where=APPROVED,
        )
        batch_op.create_index(
            "ix_service_requests_live_by_expert",
            ["expert_id", "status", "invitation_expires_at"],
            unique=False,
            postgresql_where=LIVE,
            sqlite_where=LIVE,
        )
        batch_op.create_index(
            "ix_service_requests_expert_id_completed_at", ["expert_id", "completed_at"], unique=False
        )
    with op.batch_alter_table("thread_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_thread_messages_sender", ["sender_kind", "sender_id", "telegram_message_id"], unique=False
        )
    years = op.create_table(
        "expert_years",
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in FIGURES[:4]),
        sa.Column("answer_seconds", sa.Float(), server_default="0", nullable=False),
        *(sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in FIGURES[5:]),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_expert_years_expert_id_experts")
        ),
        sa.PrimaryKeyConstraint("expert_id", "budget_year", name=op.f("pk_expert_years")),
    )
    rows = [
        {"expert_id": expert, "budget_year": year, **counts} for (expert, year), counts in _recount().items()
    ]
    if rows:
        op.bulk_insert(years, rows)


def _year(at: datetime) -> int:
    return at.astimezone(LOCAL_TZ).year


def _recount() -> dict[tuple[int, int], dict[str, float]]:
    """The figures of history, as core.expert_figures.recount counts them."""
    bind = op.get_bind()
    at = storage.types.UtcDateTime()
    requests = sa.table(
        "service_requests", sa.column("expert_id"), sa.column("status"), sa.column("completed_at", at)
    )
    ratings = sa.table("ratings", sa.column("expert_id"), sa.column("stars"), sa.column("created_at", at))
    events = sa.table(
        "request_events",
        sa.column("id"),
        sa.column("request_id"),
        sa.column("action"),
        sa.column("at", at),
        sa.column("expert_id"),
    )
    counted: dict[tuple[int, int], dict[str, float]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    done = sa.select(requests.c.expert_id, requests.c.completed_at).where(
        requests.c.status.in_(("completed", "settled")),
        requests.c.expert_id.is_not(None),
        requests.c.completed_at.is_not(None),
    )
    for expert, completed_at in bind.execute(done):
        counted[(expert, _year(completed_at))]["services"] += 1
    for expert, stars, created_at in bind.execute(
        sa.select(ratings.c.expert_id, ratings.c.stars, ratings.c.created_at)
    ):
        counted[(expert, _year(created_at))]["ratings"] += 1
        counted[(expert, _year(created_at))]["stars"] += stars
    invitations = (
        sa.select(events.c.request_id, events.c.action, events.c.at, events.c.expert_id)
        .where(
            events.c.action.in_(("approve", "accept", "decline", "expire")), events.c.expert_id.is_not(None)
        )
        .order_by(events.c.request_id, events.c.id)
    )
    invited_at: dict[tuple[int, int], datetime] = {}
    for request, action, when, expert in bind.execute(invitations):
        if action == "approve":
            invited_at[(request, expert)] = when
            continue
        year = _year(when)
        figures = counted[(expert, year)]
        if action in ("decline", "expire"):
            figures["declines" if action == "decline" else "expiries"] += 1
        sent = invited_at.pop((request, expert), None)
        if sent is not None and action != "expire" and _year(sent) == year:
            figures["answers"] += 1
            figures["answer_seconds"] += (when - sent).total_seconds()
    return counted


def downgrade() -> None:
    op.drop_table("expert_years")
    with op.batch_alter_table("thread_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_thread_messages_sender")
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_service_requests_expert_id_completed_at")
        batch_op.drop_index("ix_service_requests_live_by_expert")
        batch_op.drop_index("ix_service_requests_invitations_due")
