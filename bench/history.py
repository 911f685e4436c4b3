"""Flat as history grows: each everyday operation timed at 10k, 100k and 1,000,000 requests.

    .venv/bin/python bench/history.py [--sizes 10k,100k,1M] [--database-url URL] [--results FILE]
                                      [--runs N]

For each size the database (default `jf_history` on the local PostgreSQL; never `test`, `postgres` or
`root`) is dropped, created, migrated to head (the project's own schema) and filled in bulk, one
`INSERT … SELECT FROM generate_series` per chunk, with a progress bar: 7 counties, 2,000 experts,
50,000 farmers, the same live requests at every size (300 waiting for review, 150 invitations
waiting for an answer, 100 in service, with their conversations), and N requests of history in every
final status with their events (about five a request), ratings and thread messages, and a voucher
account per service object and budget year whose ledger holds and captures each delivered fee.

History is generated year by year: this budget year holds the same 4,000 requests at every size, the
rest spreads over the five years before. So a query of "this year" sees the same rows at 10k as at
1M, and any growth it shows comes from reading history it does not need.

Each operation is run warm (3 runs discarded) and its median of --runs is printed, with the shared
buffers (hit + read) of each SELECT it issues, from EXPLAIN (ANALYZE, BUFFERS). Results are kept in
--results (JSON, by size), so sizes may be run one at a time; the table shows every size held there.
The last line is `worst growth 10k→1M: <factor> (<operation>)` (smallest to largest size held).

Besides the queries: intake, 32 bench farmers at once through the real Dispatcher (the drivers of
bench/bot_throughput.py; updates/s, median of the runs, run last since each writes drafts), whose
growth counts by the inverse (fewer updates/s is growth > 1); and a command's start-up alone, the
wall clock of `jingfu review --help` in a fresh process, median of 5.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bot_throughput import ErrorCount, Feeder, problem_texts, rate
from bot.factory import create_bot
from bot.offline_session import OfflineSession
from bot.wiring import bot_deps
from core import ledger, queries, requests, review_queue, team, threads
from core.budget import LOCAL_TZ
from core.matching import suggest_experts
from core.scope import Staff
from core.seed.reference import seed_reference
from jingfu.bot_app import create_dispatcher
from jingfu.settings import DatabaseSettings, NluSettings
from storage import migrate
from storage.engine import create_engine, create_session_factory
from storage.enums import ActorKind, AdminRole
from storage.models import County, Specialty
from storage.uow import UnitOfWork

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/jf_history"
NOT_OURS = {"test", "postgres", "root"}
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
EXPERTS = 2_000
FARMERS = 50_000
PER_COUNTY = EXPERTS // 7  # expert j serves county j % 7; a request's expert is one of its county's
THIS_YEAR = 4_000  # history requests of this budget year, the same at every size
PAST_YEARS = 5
PENDING, INVITED, IN_SERVICE = 300, 150, 100
LIVE = PENDING + INVITED + IN_SERVICE
CHUNK = 50_000
LOADED_AT = "0013"  # the schema the bulk statements below write
LIVE_TELEGRAM_BASE = 1_000_000_000  # telegram message ids of the live conversations
ISSUED_FEN = 1_000_000_000  # each service object's vouchers for a year: more than its services use
INTAKE_FARMERS = 32  # farmers sending at once
INTAKE_UPDATES = 640  # updates of one timed intake run (after one warm-up run of 320)
STARTUP_RUNS = 5
ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- the data

_EXPERTS = """
INSERT INTO experts (name, phone, title, senior_rank, organisation, team_id, county_id, is_leader,
                     keywords, term_start, term_end, status, language, forum_topics, created_at)
SELECT '专家' || j, '139' || lpad(j::text, 8, '0'), '高级农艺师', true, '巴彦淖尔市农牧业科学研究院',
       (CAST(:teams AS integer[]))[1 + j % 7], (CAST(:counties AS integer[]))[1 + j % 7], j < 7,
       CAST('["向日葵", "玉米", "番茄"]' AS json), DATE '2024-01-01', DATE '2028-12-31', 'active',
       'zh_CN', false, now()
FROM generate_series(0, :n - 1) AS j ORDER BY j
"""

_EXPERT_SPECIALTIES = """
INSERT INTO expert_specialties (expert_id, specialty_code)
SELECT e.id,
       (CAST(:specialties AS varchar[]))[1 + (e.id - :base) % cardinality(CAST(:specialties AS varchar[]))]
FROM experts e
"""

_FARMERS = """
INSERT INTO farmers (telegram_user_id, name, service_object_id, county_id, language,
                     advisories_enabled, created_at)
SELECT 900000000 + k, '农户' || k,
       (CAST(:objects AS integer[]))[1 + k % cardinality(CAST(:objects AS integer[]))],
       (CAST(:counties AS integer[]))[1 + k % 7], 'zh_CN', true, now()
FROM generate_series(0, :n - 1) AS k ORDER BY k
"""

# Request n: farmer n mod F (county c = farmer mod 7), expert c + 7·(n mod PER_COUNTY) of the same
# county. Status by n mod 20: 0 rejected, 1 cancelled, 2 completed (unrated), else settled.
_HISTORY = """
INSERT INTO service_requests (
    farmer_id, service_object_id, county_id, status, specialty_code, subject, description,
    photo_file_ids, screening, service_mode, delivered_mode, fee_fen, expert_id, submitted_at,
    review_expected_at, completed_at, created_at, updated_at)
SELECT :farmer0 + k, (CAST(:objects AS integer[]))[1 + k % cardinality(CAST(:objects AS integer[]))],
       (CAST(:counties AS integer[]))[1 + k % 7],
       CASE n % 20 WHEN 0 THEN 'rejected' WHEN 1 THEN 'cancelled' WHEN 2 THEN 'completed' ELSE 'settled' END,
       (CAST(:specialties AS varchar[]))[1 + n % cardinality(CAST(:specialties AS varchar[]))],
       '向日葵', '向日葵叶片发黄，有黑色斑点，大约二十亩 #' || n, '[]', '{}', 'online',
       CASE WHEN n % 20 >= 2 THEN 'online' END, 3000,
       :expert0 + k % 7 + 7 * (n % :per_county), t.at, t.at + interval '1 day',
       CASE WHEN n % 20 >= 2 THEN t.at + interval '2 days' END, t.at, t.at
FROM generate_series(CAST(:lo AS integer), CAST(:hi AS integer)) AS n
CROSS JOIN LATERAL (SELECT n % :farmers AS k) AS f
CROSS JOIN LATERAL (SELECT CASE WHEN n < :this_year
    THEN CAST(:year_start AS timestamptz)
         + (CAST(:this_span AS double precision) * n / :this_year) * interval '1 second'
    ELSE CAST(:past_start AS timestamptz)
         + (CAST(:past_span AS double precision) * (n - :this_year) / greatest(:total - :this_year, 1))
           * interval '1 second'
    END AS at) AS t
ORDER BY n
"""

# Each request's events, from its status: submit; then reject or cancel, or (approve, [decline or
# expire by another expert of the county, repick, approve], accept, complete, [settle]).
_EVENTS = """
INSERT INTO request_events (request_id, at, actor_kind, actor_id, action, from_status, to_status,
                            expert_id, reason)
SELECT r.id, r.submitted_at + s.after, s.actor_kind,
       CASE s.actor_kind WHEN 'farmer' THEN r.farmer_id WHEN 'expert' THEN r.expert_id ELSE NULL END,
       s.action, s.from_status, s.to_status,
       CASE WHEN s.other THEN :expert0 + (r.expert_id - :expert0 + 7) % :experts
            WHEN s.action = 'repick' THEN NULL ELSE r.expert_id END,
       s.reason
FROM service_requests r
CROSS JOIN LATERAL (SELECT r.id - :request0 AS n) AS i
JOIN (VALUES
    (0, 'submit', 'farmer', 'draft', 'pending_review', interval '0', false, NULL, 'all'),
    (1, 'reject', 'admin', 'pending_review', 'rejected', interval '3 hours', false, '不属于范围', 'rejected'),
    (1, 'cancel', 'farmer', 'pending_review', 'cancelled', interval '1 hour', false, NULL, 'cancelled'),
    (1, 'approve', 'admin', 'pending_review', 'approved', interval '3 hours', true, NULL, 'passed'),
    (2, 'decline', 'expert', 'approved', 'repick', interval '5 hours', true, '外出', 'declined'),
    (2, 'expire', 'system', 'approved', 'repick', interval '27 hours', true, '24小时未答复', 'expired'),
    (3, 'repick', 'farmer', 'repick', 'pending_review', interval '28 hours', false, NULL, 'passed'),
    (4, 'approve', 'admin', 'pending_review', 'approved', interval '30 hours', false, NULL, 'passed'),
    (1, 'approve', 'admin', 'pending_review', 'approved', interval '3 hours', false, NULL, 'direct'),
    (5, 'accept', 'expert', 'approved', 'in_service', interval '32 hours', false, NULL, 'done'),
    (6, 'complete', 'expert', 'in_service', 'completed', interval '2 days', false, NULL, 'done'),
    (7, 'settle', 'farmer', 'completed', 'settled', interval '5 days', false, NULL, 'settled')
) AS s(step, action, actor_kind, from_status, to_status, after, other, reason, applies) ON CASE s.applies
    WHEN 'all' THEN true
    WHEN 'rejected' THEN r.status = 'rejected'
    WHEN 'cancelled' THEN r.status = 'cancelled'
    WHEN 'done' THEN r.status IN ('completed', 'settled')
    WHEN 'settled' THEN r.status = 'settled'
    WHEN 'passed' THEN r.status IN ('completed', 'settled') AND i.n % 7 IN (0, 1)
    WHEN 'declined' THEN r.status IN ('completed', 'settled') AND i.n % 7 = 0
    WHEN 'expired' THEN r.status IN ('completed', 'settled') AND i.n % 7 = 1
    WHEN 'direct' THEN r.status IN ('completed', 'settled') AND i.n % 7 NOT IN (0, 1)
    END
WHERE r.id BETWEEN :lo AND :hi
ORDER BY r.id, s.step
"""

_RATINGS = """
INSERT INTO ratings (request_id, farmer_id, expert_id, stars, comment, auto_confirmed, created_at)
SELECT r.id, r.farmer_id, r.expert_id, 3 + (r.id % 3), NULL, false, r.submitted_at + interval '5 days'
FROM service_requests r
WHERE r.id BETWEEN :lo AND :hi AND r.status = 'settled' AND r.id % 5 <> 0
"""

_MESSAGES = """
INSERT INTO thread_messages (request_id, sender_kind, sender_id, kind, text, screening_verdict,
                             telegram_message_id, relay_pending, created_at)
SELECT r.id, CASE WHEN m % 2 = 0 THEN 'farmer' ELSE 'expert' END,
       CASE WHEN m % 2 = 0 THEN r.farmer_id ELSE r.expert_id END, 'text',
       CASE WHEN m % 2 = 0 THEN '叶子背面有白粉' ELSE '每亩用50克，傍晚喷' END, 'clean',
       CASE WHEN r.status = 'in_service' THEN :live_base + (r.id - :request0) * 4 + m
            ELSE (r.id - :request0) * 4 + m END,
       false, r.submitted_at + interval '32 hours' + m * interval '1 hour'
FROM service_requests r CROSS JOIN generate_series(0, 3) AS m
WHERE r.id BETWEEN :lo AND :hi AND r.status IN ('completed', 'settled', 'in_service')
ORDER BY r.id, m
"""

# A voucher account per service object and budget year, issued once; each completed or settled
# request holds and then captures its fee from its object's account of its year; the running
# balances are then set from the ledger's sums.
_ACCOUNTS = """
INSERT INTO voucher_accounts (service_object_id, budget_year, available_fen, held_fen, created_at)
SELECT o, y, 0, 0, now()
FROM unnest(CAST(:objects AS integer[])) AS o
CROSS JOIN generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS y
ORDER BY y, o
"""

_ISSUES = """
INSERT INTO ledger_entries (account_id, budget_year, kind, amount_fen, available_delta_fen,
                            held_delta_fen, request_id, actor_kind, actor_id, note, created_at)
SELECT a.id, a.budget_year, 'issue', CAST(:issued AS integer), CAST(:issued AS integer), 0, NULL,
       'admin', NULL, '年度发放',
       make_timestamptz(a.budget_year, 1, 1, 0, 0, 0, CAST(:tz AS text))
FROM voucher_accounts a ORDER BY a.id
"""

_LEDGER = """
INSERT INTO ledger_entries (account_id, budget_year, kind, amount_fen, available_delta_fen,
                            held_delta_fen, request_id, actor_kind, actor_id, note, created_at)
SELECT a.id, a.budget_year, s.kind, r.fee_fen, s.available * r.fee_fen, s.held * r.fee_fen, r.id,
       s.actor_kind, CASE s.actor_kind WHEN 'farmer' THEN r.farmer_id ELSE r.expert_id END, NULL,
       r.submitted_at + s.after
FROM service_requests r
JOIN voucher_accounts a ON a.service_object_id = r.service_object_id
 AND a.budget_year = CAST(extract(year FROM r.submitted_at AT TIME ZONE CAST(:tz AS text)) AS integer)
JOIN (VALUES (0, 'hold', 'farmer', -1, 1, interval '0'),
             (1, 'capture', 'expert', 0, -1, interval '2 days')
) AS s(step, kind, actor_kind, available, held, after) ON true
WHERE r.id BETWEEN :lo AND :hi AND r.status IN ('completed', 'settled')
ORDER BY r.id, s.step
"""

_BALANCES = """
UPDATE voucher_accounts a SET available_fen = l.available, held_fen = l.held
FROM (SELECT account_id, sum(available_delta_fen) AS available, sum(held_delta_fen) AS held
      FROM ledger_entries GROUP BY account_id) AS l
WHERE l.account_id = a.id
"""

# The live requests, the same at every size: submitted in the last three days (pending), approved
# in the last 20 hours (invitations waiting, none yet due), accepted (in service).
_LIVE = """
INSERT INTO service_requests (
    farmer_id, service_object_id, county_id, status, specialty_code, subject, description,
    photo_file_ids, screening, service_mode, fee_fen, expert_id, submitted_at, review_expected_at,
    invitation_expires_at, created_at, updated_at)
SELECT :farmer0 + k, (CAST(:objects AS integer[]))[1 + k % cardinality(CAST(:objects AS integer[]))],
       (CAST(:counties AS integer[]))[1 + k % 7], l.status,
       (CAST(:specialties AS varchar[]))[1 + n % cardinality(CAST(:specialties AS varchar[]))],
       '向日葵', '向日葵叶片发黄 #live' || n, '[]', '{}', 'online', 3000,
       :expert0 + k % 7 + 7 * (n % :per_county), l.at, l.at + interval '1 day',
       CASE WHEN l.status = 'approved' THEN CAST(:now AS timestamptz) + interval '1 hour' * (2 + n % 20) END,
       l.at, l.at
FROM generate_series(0, :live - 1) AS n
CROSS JOIN LATERAL (SELECT (n * 7919) % :farmers AS k) AS f
CROSS JOIN LATERAL (SELECT
    CASE WHEN n < :pending THEN 'pending_review' WHEN n < :pending + :invited THEN 'approved'
         ELSE 'in_service' END AS status,
    CAST(:now AS timestamptz) - interval '3 days' * (1 - CAST(n AS double precision) / :live)
        - interval '2 hours' AS at) AS l
ORDER BY n
"""

_LIVE_EVENTS = """
INSERT INTO request_events (request_id, at, actor_kind, actor_id, action, from_status, to_status,
                            expert_id)
SELECT r.id, r.submitted_at + s.after, s.actor_kind,
       CASE s.actor_kind WHEN 'farmer' THEN r.farmer_id WHEN 'expert' THEN r.expert_id END,
       s.action, s.from_status, s.to_status, r.expert_id
FROM service_requests r
JOIN (VALUES
    (0, 'submit', 'farmer', 'draft', 'pending_review', interval '0', 0),
    (1, 'approve', 'admin', 'pending_review', 'approved', interval '2 hours', 1),
    (2, 'accept', 'expert', 'approved', 'in_service', interval '4 hours', 2)
) AS s(step, action, actor_kind, from_status, to_status, after, rank)
  ON s.rank <= CASE r.status WHEN 'pending_review' THEN 0 WHEN 'approved' THEN 1 ELSE 2 END
WHERE r.id BETWEEN :lo AND :hi
ORDER BY r.id, s.step
"""


async def recreate_database(url: str) -> None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise SystemExit("bench/history.py measures PostgreSQL; give a postgresql+asyncpg URL")
    if parsed.database in NOT_OURS:
        raise SystemExit(f"refusing to use the shared database {parsed.database!r}")
    import asyncpg

    connection = await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database="postgres",
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await connection.close()


async def _scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.begin() as connection:
        return (await connection.execute(text(sql), params)).scalar()


async def _run(engine: AsyncEngine, sql: str, **params: Any) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(sql), params)


async def _chunked(engine: AsyncEngine, sql: str, lo: int, hi: int, desc: str, **params: Any) -> None:
    """`sql` over the inclusive range [lo, hi], a chunk per transaction, with a progress bar."""
    with tqdm(total=hi - lo + 1, unit="rows", desc=desc, leave=False) as bar:
        for start in range(lo, hi + 1, CHUNK):
            end = min(start + CHUNK - 1, hi)
            await _run(engine, sql, lo=start, hi=end, **params)
            bar.update(end - start + 1)


async def build(url: str, total: int, now: datetime, revision: str = "heads") -> None:
    """A fresh database at `revision` holding `total` history requests and the live ones. Loaded at
    LOADED_AT, then migrated: the migrations after it (0016's running figures) fill in from history
    as they would in a province's database."""
    await recreate_database(url)
    await migrate.upgrade(url, LOADED_AT)
    await _load(url, total, now)
    await migrate.upgrade(url, revision)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("VACUUM ANALYZE")
    finally:
        await engine.dispose()


async def _load(url: str, total: int, now: datetime) -> None:
    engine = create_engine(url)
    factory = create_session_factory(engine)
    try:
        async with UnitOfWork(factory) as uow:
            await seed_reference(uow)
            await uow.commit()
            counties = list(await uow.session.scalars(select(County.id).order_by(County.id)))[:7]
            specialties = list(await uow.session.scalars(select(Specialty.code).order_by(Specialty.code)))
        assert len(counties) == 7, counties
        teams = [
            await _scalar(
                engine,
                "INSERT INTO teams (county_id, name) VALUES (:c, :n) RETURNING id",
                c=c,
                n=f"专家服务团{c}",
            )
            for c in counties
        ]
        # 20 service objects a county; object i lies in county i mod 7, so farmer k's object (k mod 140)
        # lies in farmer k's county (k mod 7).
        objects = [
            await _scalar(
                engine,
                "INSERT INTO service_objects (kind, name, county_id, main_industries, certified, created_at)"
                " VALUES ('household', :n, :c, '[]', true, now()) RETURNING id",
                n=f"示范户{i}",
                c=counties[i % 7],
            )
            for i in range(140)
        ]
        await _run(engine, _EXPERTS, teams=teams, counties=counties, n=EXPERTS)
        expert0 = await _scalar(engine, "SELECT min(id) FROM experts")
        await _run(engine, _EXPERT_SPECIALTIES, specialties=specialties, base=expert0)
        await _run(engine, _FARMERS, objects=objects, counties=counties, n=FARMERS)
        farmer0 = await _scalar(engine, "SELECT min(id) FROM farmers")
        assert await _scalar(engine, "SELECT max(id) - min(id) + 1 FROM experts") == EXPERTS
        assert await _scalar(engine, "SELECT max(id) - min(id) + 1 FROM farmers") == FARMERS

        year_start = datetime(now.astimezone(LOCAL_TZ).year, 1, 1, tzinfo=LOCAL_TZ)
        past_start = year_start.replace(year=year_start.year - PAST_YEARS)
        common = {
            "objects": objects,
            "counties": counties,
            "specialties": specialties,
            "farmer0": farmer0,
            "expert0": expert0,
            "per_county": PER_COUNTY,
            "farmers": FARMERS,
        }
        history = total - LIVE
        await _chunked(
            engine,
            _HISTORY,
            0,
            history - 1,
            "requests",
            **common,
            total=history,
            this_year=THIS_YEAR,
            year_start=year_start,
            this_span=(now - timedelta(days=10) - year_start).total_seconds(),
            past_start=past_start,
            past_span=(year_start - past_start).total_seconds(),
        )
        await _run(engine, _LIVE, **common, live=LIVE, pending=PENDING, invited=INVITED, now=now)
        request0 = await _scalar(engine, "SELECT min(id) FROM service_requests")
        last = await _scalar(engine, "SELECT max(id) FROM service_requests")
        assert last - request0 + 1 == total
        history_end = request0 + history - 1
        await _chunked(
            engine,
            _EVENTS,
            request0,
            history_end,
            "events",
            expert0=expert0,
            experts=EXPERTS,
            request0=request0,
        )
        await _run(engine, _LIVE_EVENTS, lo=history_end + 1, hi=last)
        await _chunked(engine, _RATINGS, request0, last, "ratings")
        await _chunked(
            engine, _MESSAGES, request0, last, "messages", live_base=LIVE_TELEGRAM_BASE, request0=request0
        )
        await _run(engine, _ACCOUNTS, objects=objects, first=past_start.year, last=year_start.year)
        await _run(engine, _ISSUES, issued=ISSUED_FEN, tz=str(LOCAL_TZ))
        await _chunked(engine, _LEDGER, request0, last, "ledger", tz=str(LOCAL_TZ))
        await _run(engine, _BALANCES)
    finally:
        await engine.dispose()


# ---------------------------------------------------------------- the operations


Operation = Callable[[UnitOfWork], Awaitable[Any]]


async def operations(engine: AsyncEngine, now: datetime) -> dict[str, Operation]:
    """The operations of issue 21's table, each on the live part that is the same at every size."""
    county = await _scalar(engine, "SELECT min(id) FROM counties")
    county_name = await _scalar(engine, "SELECT name FROM counties WHERE id = :c", c=county)
    specialty = await _scalar(
        engine,
        "SELECT specialty_code FROM expert_specialties es JOIN experts e ON e.id = es.expert_id"
        " WHERE e.county_id = :c ORDER BY e.id LIMIT 1",
        c=county,
    )
    leader = await _scalar(engine, "SELECT id FROM experts WHERE is_leader AND county_id = :c", c=county)
    sender, message = await _row(
        engine,
        "SELECT m.sender_id, m.telegram_message_id FROM thread_messages m JOIN service_requests r"
        " ON r.id = m.request_id WHERE r.status = 'in_service' AND m.sender_kind = 'expert'"
        " ORDER BY m.id LIMIT 1",
    )
    farmer = await _scalar(
        engine, "SELECT farmer_id FROM service_requests WHERE status = 'in_service' ORDER BY id LIMIT 1"
    )
    account = await _scalar(
        engine,
        "SELECT a.id FROM voucher_accounts a JOIN farmers f ON f.service_object_id = a.service_object_id"
        " WHERE f.id = :f AND a.budget_year = :y",
        f=farmer,
        y=now.astimezone(LOCAL_TZ).year,
    )
    staff = Staff(None, county, AdminRole.county_reviewer)

    async def pending(uow: UnitOfWork) -> Any:
        return await review_queue.pending_review(uow, staff, county_name=county_name)

    async def suggest(uow: UnitOfWork) -> Any:
        return await suggest_experts(
            uow, farmer_county_id=county, specialty_code=specialty, subject="向日葵", limit=5, now=now
        )

    async def overview(uow: UnitOfWork) -> Any:
        return await team.team_overview(uow, leader, now=now)

    async def sweep(uow: UnitOfWork) -> Any:
        expired = await requests.expire_invitations(uow, now=now)
        assert not expired, "the bench's invitations are all still open"
        return expired

    async def revise(uow: UnitOfWork) -> Any:
        revised = await threads.revise(uow, ActorKind.expert, sender, message, "每亩用5克，傍晚喷")
        assert revised is not None
        return revised

    async def farmer_requests(uow: UnitOfWork) -> Any:
        return await queries.farmer_requests(uow, farmer)

    async def account_balance(uow: UnitOfWork) -> Any:
        balance = await queries.farmer_balance(uow, farmer, now)
        assert balance is not None, "the farmer's object holds vouchers this year"
        return balance

    async def reconcile(uow: UnitOfWork) -> Any:
        assert await ledger.reconcile(uow, account), "the running balance equals the ledger's sum"

    return {
        "review_queue.pending_review (one county)": pending,
        "matching.suggest_experts": suggest,
        "team.team_overview": overview,
        "invitation-expiry sweep": sweep,
        "threads.revise": revise,
        "queries.farmer_requests": farmer_requests,
        "queries.farmer_balance (ledger.account_balance)": account_balance,
        "ledger.reconcile (one account)": reconcile,
    }


INTAKE = f"intake, {INTAKE_FARMERS} farmers at once (updates/s)"
STARTUP = "jingfu review --help (start-up alone)"


async def intake_rates(url: str, runs: int) -> list[float]:
    """Updates/s of the real Dispatcher's intake (bench/bot_throughput.py's drivers), bench farmers
    bound by their Telegram ids, each run writing a fresh draft per update."""
    users = [
        int(u)
        for u in await _column(
            url, f"SELECT telegram_user_id FROM farmers ORDER BY id LIMIT {INTAKE_FARMERS}"
        )
    ]
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    texts = problem_texts(INTAKE_UPDATES * (runs + 1), seed=len(users))
    rates = []
    try:
        async with bot_deps(DatabaseSettings(database_url=url), NluSettings(rasa_url=None)) as deps:
            session = OfflineSession()
            bot = create_bot("42:BENCH-bench-bench-bench-bench-bench", session=session)
            dispatcher = create_dispatcher(deps)
            feeder = Feeder()

            async def intake(user_id: int, text: str) -> None:
                await dispatcher.fsm.get_context(bot, chat_id=user_id, user_id=user_id).clear()
                await dispatcher.feed_update(bot, feeder.update(user_id, text))

            for n in range(runs + 1):
                batch = texts[n * INTAKE_UPDATES : (n + 1) * INTAKE_UPDATES]
                if n == 0:
                    batch = batch[: INTAKE_UPDATES // 2]
                per_second = await rate("intake", batch, users, intake, session)
                if n:
                    rates.append(per_second)
            await dispatcher.emit_shutdown(bot=bot)
            await bot.session.close()
    finally:
        logging.getLogger().removeHandler(errors)
    if errors.records:
        raise SystemExit(f"intake logged {len(errors.records)} errors: {errors.records[0].getMessage()}")
    return rates


async def _column(url: str, sql: str) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text(sql))).scalars())
    finally:
        await engine.dispose()


def startup_ms() -> list[float]:
    """Wall clock of `jingfu review --help` in a fresh process: the start-up every command pays."""
    command = [str(ROOT / ".venv" / "bin" / "jingfu"), "review", "--help"]
    spent = []
    for _ in range(STARTUP_RUNS):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


async def _row(engine: AsyncEngine, sql: str) -> tuple[Any, ...]:
    async with engine.connect() as connection:
        row = (await connection.execute(text(sql))).one()
        return tuple(row)


_BUFFERS = re.compile(r"Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?")


async def plans(engine: AsyncEngine, operation: Operation) -> list[tuple[str, int]]:
    """Each SELECT `operation` issues: the top node of its plan and its shared buffers (hit + read)."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with UnitOfWork(create_session_factory(engine)) as uow:
            await operation(uow)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    found = []
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        for statement, parameters in seen:
            rows = await driver.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *parameters)
            lines = [row[0] for row in rows]
            buffers = next((_BUFFERS.search(line) for line in lines if _BUFFERS.search(line)), None)
            total = sum(int(g or 0) for g in buffers.groups()) if buffers else 0
            found.append((lines[0].split("  (cost")[0].strip()[:70], total))
        await connection.rollback()
    return found


async def measure(url: str, runs: int, now: datetime) -> dict[str, dict[str, Any]]:
    engine = create_engine(url)
    factory = create_session_factory(engine)
    results: dict[str, dict[str, Any]] = {}
    try:
        for name, operation in (await operations(engine, now)).items():
            spent = []
            for n in range(3 + runs):
                started = time.perf_counter()
                async with UnitOfWork(factory) as uow:
                    await operation(uow)
                if n >= 3:
                    spent.append((time.perf_counter() - started) * 1000)
            results[name] = {
                "ms": statistics.median(spent),
                "best": min(spent),
                "plans": await plans(engine, operation),
            }
    finally:
        await engine.dispose()
    # Last: each intake writes a draft (out of every other operation's sight, but still).
    rates = await intake_rates(url, max(3, runs // 5))
    results[INTAKE] = {"rate": statistics.median(rates), "best_rate": max(rates), "plans": []}
    spent = startup_ms()
    results[STARTUP] = {"ms": statistics.median(spent), "best": min(spent), "plans": []}
    return results


# ---------------------------------------------------------------- the report


def table(held: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    sizes = [s for s in SIZES if s in held]
    names = list(next(iter(held.values())))
    lines = [
        "| operation | " + " | ".join(sizes) + " | growth |",
        "|---|" + "---|" * (len(sizes) + 1),
    ]
    growth: dict[str, float] = {}
    best: dict[str, float] = {}
    for name in names:
        if "rate" in held[sizes[0]][name]:  # a throughput: slower is growth, so by the inverse
            rates = [held[s][name]["rate"] for s in sizes]
            most = [held[s][name]["best_rate"] for s in sizes]
            growth[name], best[name] = rates[0] / rates[-1], most[0] / most[-1]
            cells = " | ".join(f"{r:.0f} /s ({m:.0f})" for r, m in zip(rates, most, strict=True))
            lines.append(f"| {name} | {cells} | {growth[name]:.2f} × ({best[name]:.2f} ×) |")
            continue
        ms = [held[s][name]["ms"] for s in sizes]
        fastest = [held[s][name].get("best", m) for s, m in zip(sizes, ms, strict=True)]
        growth[name], best[name] = ms[-1] / ms[0], fastest[-1] / fastest[0]
        cells = " | ".join(f"{m:.1f} ms ({f:.1f})" for m, f in zip(ms, fastest, strict=True))
        lines.append(f"| {name} | {cells} | {growth[name]:.2f} × ({best[name]:.2f} ×) |")
    lines.append("")
    lines.append("median of the warm runs (fastest run); the host's other work moves the medians;")
    lines.append("a throughput's growth is its inverse (fewer updates/s at 1M is growth > 1)")
    lines.append("")
    lines.append("shared buffers (hit + read) of each SELECT, by size:")
    for name in names:
        if not held[sizes[0]][name]["plans"]:
            continue
        lines.append(f"  {name}")
        for k, (node, _) in enumerate(held[sizes[0]][name]["plans"]):
            counts = " → ".join(
                str(held[s][name]["plans"][k][1]) if k < len(held[s][name]["plans"]) else "-" for s in sizes
            )
            lines.append(f"    {counts:<28} {node}")
    worst = max(growth, key=lambda n: growth[n])
    fastest_worst = max(best, key=lambda n: best[n])
    lines.append("")
    lines.append(f"worst growth of the fastest runs: {best[fastest_worst]:.2f} ({fastest_worst})")
    lines.append(f"worst growth {sizes[0]}→{sizes[-1]}: {growth[worst]:.2f} ({worst})")
    return lines


async def run(arguments: argparse.Namespace, held: dict[str, Any], save: Callable[[], object]) -> None:
    now = datetime.now(UTC)
    for size in arguments.sizes.split(","):
        total = SIZES[size]
        started = time.perf_counter()
        await build(arguments.database_url, total, now, arguments.revision)
        print(f"{size}: built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        held[size] = await measure(arguments.database_url, arguments.runs, now)
        save()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated, of 10k, 100k, 1M")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--results", default="/tmp/jf_history.json", help="figures kept by size (JSON)")
    parser.add_argument("--revision", default="heads", help="migrate to this revision (default: heads)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per operation (after 3 warm)")
    arguments = parser.parse_args(argv)
    if any(size not in SIZES for size in arguments.sizes.split(",")):
        parser.error(f"--sizes: each of {', '.join(SIZES)}")
    path = Path(arguments.results)
    held: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    asyncio.run(run(arguments, held, lambda: path.write_text(json.dumps(held, ensure_ascii=False, indent=1))))
    print("\n".join(table(held)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
