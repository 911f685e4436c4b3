"""the review queue's index: pending requests by county, oldest first

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

The review queue (core.review_queue) asks, on every page a reviewer opens, for the pending requests of
one county in (submitted_at, id) order, after a cursor, a page at a time. Pending requests are a few
hundred; decided ones grow by the thousand each month. A partial index on exactly the waiting rows
answers the page by reading the index in order and stopping after the page, and stays small whatever
the history holds.

Measured on PostgreSQL 15 holding 1,000,400 requests, 400 of them pending (bench/admin_api.py), for
a county's first page, `SELECT id FROM service_requests WHERE status = 'pending_review' AND
county_id = 1 ORDER BY submitted_at, id LIMIT 21`, with EXPLAIN (ANALYZE, BUFFERS):

    with this index (40 kB; ix_service_requests_county_id is 6.3 MB):
      Limit (actual time=0.044..0.048 rows=21)
        -> Index Only Scan using ix_service_requests_pending_review on service_requests
             Index Cond: (county_id = 1)  Heap Fetches: 0  Buffers: shared hit=3
      Execution Time: 0.077 ms

    without it (the planner's best is an expert's index, then a sort of the county's pending rows):
      Limit (actual time=9.671..9.676 rows=21)
        -> Sort (Sort Key: submitted_at, id; top-N heapsort)
          -> Index Scan using ix_service_requests_expert_id_status on service_requests
               Index Cond: status = 'pending_review'  Filter: (county_id = 1)
               Rows Removed by Filter: 135  Buffers: shared hit=256 read=559
      Execution Time: 9.694 ms

The queue's real page statement (core.review_queue) starts with the same index scan, `Index Cond:
(county_id = 1)`, and stops after 21 rows (0.26 ms in all, with the claim join and the names).
City-wide roles read the whole (small) index and sort the few hundred pending rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending_review'")


def upgrade() -> None:
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_requests_pending_review",
            ["county_id", "submitted_at", "id"],
            unique=False,
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        )


def downgrade() -> None:
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_service_requests_pending_review")
