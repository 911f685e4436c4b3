"""bench/admin_api.py's own path on a few hundred rows, so the bench cannot rot between its runs: the
load (generate_series on PostgreSQL, rows made in Python on SQLite), the real app served on loopback,
the open-loop generator, saturation against the bare handler, and the queue's plan using its index."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench import admin_api as bench
from storage.enums import RequestStatus
from storage.models import ServiceRequest


async def test_the_bench_runs_on_a_few_hundred_rows(database_url: str, engine: AsyncEngine) -> None:
    prepared = await bench.prepare(database_url, total=300, pending=40, farmers=25, reviewers=3)
    async with engine.connect() as connection:
        by_status = dict(
            (
                await connection.execute(
                    select(ServiceRequest.status, func.count()).group_by(ServiceRequest.status)
                )
            ).all()
        )
    assert by_status.pop(RequestStatus.pending_review) == 40
    assert sum(by_status.values()) == 300 and len(by_status) == len(bench.HISTORY)  # history in every status

    app = await bench.serve_app(database_url, port := bench._free_port())
    try:
        base = f"http://127.0.0.1:{port}"
        result = await bench.open_loop(
            base, [bench.FIRST_PAGE, bench.FILTERED_PAGE], prepared.tokens, rate=40, seconds=0.5
        )
        assert result.errors == 0 and result.statuses == {200: 20}
        assert len(result.latencies_ms) == 20 and result.percentile(0.99) > 0
        app_rps, app_errors, _ = await bench.saturate(
            base + bench.FIRST_PAGE, prepared.tokens, connections=2, seconds=0.3
        )
        assert app_rps > 0 and app_errors == 0
    finally:
        await app.cleanup()
    bare = await bench.serve_bare({"items": []}, port := bench._free_port())
    try:
        bare_rps, bare_errors, _ = await bench.saturate(
            f"http://127.0.0.1:{port}/bare", [], connections=2, seconds=0.3
        )
        assert bare_rps > 0 and bare_errors == 0
    finally:
        await bare.cleanup()

    assert await bench.round_trip_ms(database_url, times=3) > 0
    plan = await bench.queue_plan(database_url, prepared.county_id, prepared.reviewer_id)
    assert any("ix_service_requests_pending_review" in line for line in bench.key_lines(plan)), plan
