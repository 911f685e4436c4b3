"""The review queue under load: PostgreSQL holding 1,000,000 requests, the admin API served for real.

    .venv/bin/python bench/admin_api.py [--database-url URL] [--requests N] [--pending P]
                                        [--rate R] [--seconds S] [--reload]

1. Loads (once; reused while --requests and --pending match) N requests into the database, bulk: one
   INSERT … SELECT FROM generate_series per chunk, with a progress bar. History in every status over
   two years, and P pending review over the last three days (some flagged, some overdue, some claimed),
   spread over the demo's counties. The default database is `jf_bench` on the local server, created if
   missing (never `test`, `postgres` or `root`).
2. Serves the real admin app (`create_admin_app`) from a subprocess on 127.0.0.1, and a bare aiohttp
   handler answering a fixed JSON body of the same size from another.
3. Open loop: requests the queue's first page and a filtered page (flagged, not overdue), alternately,
   at a fixed arrival rate (R/s for S s) as a county reviewer. Each request is sent at its scheduled
   time whatever the previous ones are doing, and its latency is measured from that scheduled time, so
   a slow server cannot slow the generator down and hide its own queueing. Prints p50/p99/max latency,
   errors, how late the generator itself was, the server's CPU per call and the load average (the
   machine's other work shows there). The load comes from a generator process of its own
   (bench/http_load.py: requests built once, kept-alive connections), cheap beside the server.
4. Saturation: closed loop, 32 connections, 5 s, against the app's first page and against the bare
   handler; prints both throughputs and the ratio (the same generator drives both).
5. Prints the key lines of EXPLAIN (ANALYZE, BUFFERS) of the queue's page query.

Goal: p99 < 50 ms at 300 requests/s, 0 errors. `--requests 20000` for a quick run while developing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.engine import make_url
from tqdm import tqdm
from yarl import URL

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from admin_api.app import create_admin_app
from admin_api.serve import run_server, settle_after_start_up
from admin_api.services import AdminServices
from bench.http_load import requests_for, run_load
from core import claims
from core.admin_tokens import create_token
from core.duty_hours import expected_review_at
from core.errors import Claimed
from core.review_queue import QueueFilter, review_queue
from core.scope import Staff
from core.seed.demo import seed_demo
from storage import migrate
from storage.engine import create_engine, create_session_factory
from storage.enums import AdminRole, RequestStatus
from storage.models import AdminUser, County, Farmer, ServiceObject, ServiceRequest
from storage.uow import UnitOfWork

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/jf_bench"
NOT_OURS = {"test", "postgres", "root"}  # shared databases: never loaded, never wiped
FARMERS = 2000
# 300 calls a second come from a desk of reviewers, not one: each call is one of theirs in turn (each
# call records its token's last use, which one token alone would serialise on one row).
REVIEWERS = 30
CHUNK = 50_000
HISTORY = [s for s in RequestStatus if s is not RequestStatus.pending_review]
SPECIALTIES = ["plant_protection", "crop_cultivation", "animal_husbandry", "veterinary", "horticulture"]
FIRST_PAGE = "/api/v1/review-queue"
FILTERED_PAGE = "/api/v1/review-queue?flagged=true&overdue=false&limit=20"
FLAGGED = {"description": {"verdict": "flag", "hits": [{"term": "农药", "category": "敏感"}]}}
CLEAN = {"description": {"verdict": "clean", "hits": []}}


@dataclass(frozen=True)
class Prepared:
    tokens: list[str]  # county reviewers of 临河区
    county_id: int
    reviewer_id: int


# ---------------------------------------------------------------- the data


async def ensure_database(url: str) -> None:
    """Create the bench's PostgreSQL database when it does not exist (connecting to the server's
    maintenance database only to issue CREATE DATABASE)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    if parsed.database in NOT_OURS:
        raise SystemExit(
            f"refusing to load the shared database {parsed.database!r}; name one of the bench's own"
        )
    import asyncpg

    connection = await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database="postgres",
    )
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", parsed.database)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await connection.close()


def _history_at(n: int, total: int, now: datetime) -> datetime:
    # History spread evenly over two years, ending three days ago.
    start, end = now - timedelta(days=730), now - timedelta(days=3)
    return start + (end - start) * n / max(total, 1)


async def _farmers(uow: UnitOfWork, count: int) -> list[tuple[int, int, int]]:
    """(farmer id, service object id, county id) of `count` farmers spread over the demo's objects."""
    objects = (await uow.session.execute(select(ServiceObject.id, ServiceObject.county_id))).all()
    existing = await uow.session.scalar(
        select(func.count()).select_from(Farmer).where(Farmer.telegram_user_id >= 900_000_000)
    )
    rows = [
        {
            "telegram_user_id": 900_000_000 + n,
            "name": f"农户{n}",
            "service_object_id": objects[n % len(objects)][0],
            "county_id": objects[n % len(objects)][1],
            "language": "zh_CN",
            "advisories_enabled": True,
            "created_at": datetime.now(UTC),
        }
        for n in range(existing or 0, count)
    ]
    if rows:
        await uow.session.execute(insert(Farmer), rows)
    found = await uow.session.execute(
        select(Farmer.id, Farmer.service_object_id, Farmer.county_id)
        .where(Farmer.telegram_user_id >= 900_000_000)
        .order_by(Farmer.id)
    )
    return [tuple(row) for row in found.all()]  # type: ignore[misc]


# On PostgreSQL the rows are made by the server: one statement per chunk, nothing crosses the wire
# but the chunk's bounds. Row n's farmer is the (n mod F)-th; its status cycles through the history.
_BULK = """
INSERT INTO service_requests (
    farmer_id, service_object_id, county_id, status, specialty_code, subject, description,
    photo_file_ids, screening, service_mode, fee_fen, submitted_at, review_expected_at, created_at,
    updated_at)
SELECT f.id, f.service_object_id, f.county_id,
       (CAST(:statuses AS varchar[]))[1 + n % cardinality(CAST(:statuses AS varchar[]))],
       (CAST(:specialties AS varchar[]))[1 + n % cardinality(CAST(:specialties AS varchar[]))],
       '向日葵', '向日葵叶片发黄，有黑色斑点，大约二十亩 #' || n, '[]', CAST(:clean AS json), 'online', 3000,
       t.at, t.at, now(), now()
FROM generate_series(CAST(:lo AS integer), CAST(:hi AS integer)) AS n
CROSS JOIN LATERAL (SELECT CAST(:start AS timestamptz)
    + (CAST(:span AS double precision) * n / CAST(:total AS integer)) * interval '1 second' AS at) AS t
JOIN (SELECT id, service_object_id, county_id, row_number() OVER (ORDER BY id) - 1 AS k
      FROM farmers WHERE telegram_user_id >= 900000000) AS f ON f.k = n % CAST(:farmers AS integer)
"""


async def _load_history(
    uow: UnitOfWork, farmers: list[tuple[int, int, int]], total: int, now: datetime
) -> None:
    dialect = uow.session.get_bind().dialect.name
    start = now - timedelta(days=730)
    span = (timedelta(days=727)).total_seconds()
    with tqdm(total=total, unit="rows", desc="history", disable=total < CHUNK) as bar:
        for lo in range(0, total, CHUNK):
            hi = min(lo + CHUNK, total) - 1
            if dialect == "postgresql":
                await uow.session.execute(
                    text(_BULK),
                    {
                        "statuses": [str(s) for s in HISTORY],
                        "specialties": SPECIALTIES,
                        "clean": json.dumps(CLEAN),
                        "start": start,
                        "span": span,
                        "total": total,
                        "lo": lo,
                        "hi": hi,
                        "farmers": len(farmers),
                    },
                )
            else:  # SQLite (the bench's own test): the same rows, made here
                rows = []
                for n in range(lo, hi + 1):
                    farmer, service_object, county = farmers[n % len(farmers)]
                    at = _history_at(n, total, now)
                    rows.append(
                        _request(farmer, service_object, county, HISTORY[n % len(HISTORY)], n, at, CLEAN)
                    )
                await uow.session.execute(insert(ServiceRequest), rows)
            await uow.commit()
            bar.update(hi - lo + 1)


def _request(
    farmer: int,
    service_object: int,
    county: int,
    status: RequestStatus,
    n: int,
    at: datetime,
    screening: dict,
) -> dict[str, Any]:
    return {
        "farmer_id": farmer,
        "service_object_id": service_object,
        "county_id": county,
        "status": status,
        "specialty_code": SPECIALTIES[n % len(SPECIALTIES)],
        "subject": "向日葵",
        "description": f"向日葵叶片发黄，有黑色斑点，大约二十亩 #{n}",
        "photo_file_ids": [],
        "screening": screening,
        "service_mode": "online",
        "fee_fen": 3000,
        "submitted_at": at,
        "review_expected_at": expected_review_at(at),
        "created_at": at,
        "updated_at": at,
    }


async def _load_pending(
    uow: UnitOfWork, farmers: list[tuple[int, int, int]], pending: int, now: datetime
) -> None:
    """The queue itself: `pending` requests over the last three days, every 7th flagged."""
    rows = []
    for k in range(pending):
        farmer, service_object, county = farmers[(k * 7919) % len(farmers)]
        at = now - timedelta(days=3) + timedelta(days=3) * k / max(pending, 1)
        rows.append(
            _request(
                farmer,
                service_object,
                county,
                RequestStatus.pending_review,
                k,
                at,
                FLAGGED if k % 7 == 0 else CLEAN,
            )
        )
    if rows:
        await uow.session.execute(insert(ServiceRequest), rows)
    await uow.commit()


async def prepare(
    url: str,
    *,
    total: int,
    pending: int,
    reload: bool = False,
    farmers: int = FARMERS,
    reviewers: int = REVIEWERS,
) -> Prepared:
    """The database ready for the run (loaded unless already holding the same amounts) and a token."""
    await migrate.upgrade(url)
    engine = create_engine(url)
    factory = create_session_factory(engine)
    now = datetime.now(UTC)
    try:
        async with UnitOfWork(factory) as uow:
            if await uow.session.scalar(select(func.count()).select_from(County)) == 0:
                await seed_demo(uow)
        async with UnitOfWork(factory) as uow:
            held = await uow.session.scalar(select(func.count()).select_from(ServiceRequest))
            waiting = await uow.session.scalar(
                select(func.count()).where(ServiceRequest.status == RequestStatus.pending_review)
            )
        if reload or held != total + pending or waiting != pending:
            async with UnitOfWork(factory) as uow:
                if held:
                    if uow.session.get_bind().dialect.name != "postgresql":
                        raise SystemExit("the database already holds requests; give an empty one")
                    await uow.session.execute(text("TRUNCATE service_requests CASCADE"))
                    await uow.commit()
                made = await _farmers(uow, farmers)
                await uow.commit()
                await _load_history(uow, made, total, now)
                await _load_pending(uow, made, pending, now)
            if make_url(url).drivername.startswith("postgresql"):
                async with engine.connect() as connection:
                    await connection.execution_options(isolation_level="AUTOCOMMIT")
                    await connection.exec_driver_sql("VACUUM ANALYZE service_requests")
        issued_all = []
        for n in range(reviewers):
            async with UnitOfWork(factory) as uow:
                issued_all.append(
                    await create_token(
                        uow, role=AdminRole.county_reviewer, county_name="临河区", name=f"压测审核{n}"
                    )
                )
        issued = issued_all[0]
        async with UnitOfWork(factory) as uow:
            reviewer = await uow.session.get(AdminUser, issued.admin_user_id)
            assert reviewer is not None and reviewer.county_id is not None
            staff = Staff(reviewer.id, reviewer.county_id, reviewer.role)
            # A few of the county's waiting requests are claimed, so the claim join has work to do.
            some = await uow.session.scalars(
                select(ServiceRequest.id)
                .where(
                    ServiceRequest.status == RequestStatus.pending_review,
                    ServiceRequest.county_id == reviewer.county_id,
                )
                .order_by(ServiceRequest.submitted_at)
                .limit(3)
            )
            ids = list(some.all())
        for request_id in ids:
            async with UnitOfWork(factory) as uow:
                with contextlib.suppress(Claimed):  # still held from a run minutes ago
                    await claims.claim(uow, request_id, staff, now=datetime.now(UTC), via="bench")
        return Prepared([i.token for i in issued_all], reviewer.county_id, reviewer.id)
    finally:
        await engine.dispose()


# ---------------------------------------------------------------- the servers


async def serve_app(url: str, port: int) -> web.AppRunner:
    engine = create_engine(url)
    app = create_admin_app(AdminServices(session_factory=create_session_factory(engine)))
    app.on_cleanup.append(lambda _app: engine.dispose())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, reuse_port=True).start()
    return runner


async def serve_bare(body: dict[str, Any], port: int) -> web.AppRunner:
    """aiohttp alone: a JSON handler returning a fixed body the size of a real page, so the ratio
    shows what the queue's own work (token, SQL, rules, models) costs over the framework."""

    async def handler(_request: web.Request) -> web.Response:
        return web.json_response(body)

    app = web.Application()
    app.router.add_get("/bare", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, reuse_port=True).start()
    return runner


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """A server in subprocesses of its own (so the load generator does not share their event loop):
    `workers` processes accepting on one port (SO_REUSEPORT). Their log goes to a file."""

    def __init__(self, *arguments: str, workers: int = 1) -> None:
        self.port = _free_port()
        # Open for the servers' lifetime, closed in stop().
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            "w", prefix="jf-bench-server-", suffix=".log", delete=False
        )
        self.processes = []
        for _ in range(workers):
            process = subprocess.Popen(
                [sys.executable, __file__, *arguments, "--port", str(self.port)],
                stdout=subprocess.PIPE,
                stderr=self.log,
                text=True,
            )
            self.processes.append(process)
            assert process.stdout is not None
            line = process.stdout.readline()
            if line.strip() != "ready":
                self.stop()
                raise SystemExit(f"the server did not start: {line!r}; see {self.log.name}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """CPU time the server processes have used (user + system), from /proc."""
        total = 0.0
        for process in self.processes:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=10)
        self.log.close()
        logged = Path(self.log.name).read_text().count("Traceback")
        if logged:
            print(f"    the server logged {logged} failures: {self.log.name}")
        else:
            os.unlink(self.log.name)


async def _serve_forever(arguments: argparse.Namespace) -> None:
    if arguments.serve == "app":
        runner = await serve_app(arguments.database_url, arguments.port)
    else:
        runner = await serve_bare(arguments.body, arguments.port)
    settle_after_start_up()  # as `jingfu admin serve` does
    print("ready", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


# ---------------------------------------------------------------- the load


@dataclass(frozen=True)
class OpenLoopResult:
    sent: int
    latencies_ms: list[float]
    errors: int
    statuses: dict[int, int]
    generator_late_ms: float  # the latest a request was sent after its scheduled time

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _bearer(tokens: Sequence[str], i: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[i % len(tokens)]}"} if tokens else {}


async def open_loop(
    base: str, paths: Sequence[str], tokens: Sequence[str], rate: float, seconds: float
) -> OpenLoopResult:
    """Send `rate` requests a second for `seconds`, each at its scheduled time, never waiting for
    answers; latency counts from the scheduled time. From a generator process of its own
    (bench/http_load.py); request i sends path i and token i, each list cycling."""
    url = URL(base)
    assert url.host is not None and url.port is not None
    result = await run_load(
        {
            "mode": "open",
            "host": url.host,
            "port": url.port,
            "requests": requests_for(url.host, url.port, paths, tokens),
            "rate": rate,
            "seconds": seconds,
        }
    )
    statuses: dict[int, int] = result["statuses"]
    errors = sum(n for status, n in statuses.items() if status != 200)
    return OpenLoopResult(result["sent"], result["latencies_ms"], errors, statuses, result["late_ms"])


async def saturate(
    url: str, tokens: Sequence[str], *, connections: int, seconds: float
) -> tuple[float, int, int]:
    """(requests per second, errors, requests) with `connections` clients each sending as soon as it
    has an answer (bench/http_load.py's closed loop, in a process of its own)."""
    parsed = URL(url)
    assert parsed.host is not None and parsed.port is not None
    result = await run_load(
        {
            "mode": "closed",
            "host": parsed.host,
            "port": parsed.port,
            "requests": requests_for(parsed.host, parsed.port, [parsed.raw_path_qs], tokens),
            "connections": connections,
            "seconds": seconds,
        }
    )
    statuses: dict[int, int] = result["statuses"]
    done = sum(statuses.values())
    errors = done - statuses.get(200, 0)
    return done / result["seconds"], errors, done


async def round_trip_ms(url: str, times: int = 50) -> float:
    """The median time of a unit of work holding one `SELECT 1` from this process: what any call
    costs in round trips to the database on this machine now, whatever the API does."""
    engine = create_engine(url)
    factory = create_session_factory(engine)
    spent = []
    try:
        for _ in range(times):
            started = time.perf_counter()
            async with UnitOfWork(factory) as uow:
                await uow.session.scalar(select(1))
            spent.append((time.perf_counter() - started) * 1000)
    finally:
        await engine.dispose()
    return sorted(spent)[len(spent) // 2]


# ---------------------------------------------------------------- the plan


async def queue_plan(url: str, county_id: int, reviewer_id: int) -> list[str]:
    """The plan of the page statement a county reviewer's first page runs, as the database runs it."""
    engine = create_engine(url)
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with UnitOfWork(create_session_factory(engine)) as uow:
            staff = Staff(reviewer_id, county_id, AdminRole.county_reviewer)
            await review_queue(uow, staff, QueueFilter(), now=datetime.now(UTC), limit=20)
        statement, parameters = next((s, p) for s, p in seen if "ORDER BY" in s and "LIMIT" in s)
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
        async with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                raw = await connection.get_raw_connection()
                driver = raw.driver_connection
                assert driver is not None
                rows = await driver.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *parameters)
                return [row[0] for row in rows]
            result = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, tuple(parameters))
            return [str(row[-1]) for row in result.all()]
    finally:
        await engine.dispose()


def key_lines(plan: list[str]) -> list[str]:
    wanted = ("ix_service_requests_pending_review", "Execution Time", "Seq Scan on service_requests")
    return [line.strip() for line in plan if any(word in line for word in wanted)]


# ---------------------------------------------------------------- the run


async def run(arguments: argparse.Namespace) -> int:
    url = arguments.database_url
    await ensure_database(url)
    started = time.perf_counter()
    prepared = await prepare(
        url, total=arguments.requests, pending=arguments.pending, reload=arguments.reload
    )
    print(
        f"database ready in {time.perf_counter() - started:.0f} s: {arguments.requests:,} history + "
        f"{arguments.pending} pending ({make_url(url).render_as_string(hide_password=True)})"
    )
    tokens = prepared.tokens
    headers = _bearer(tokens, 0)
    print(f"baseline: a unit of work with SELECT 1 takes {await round_trip_ms(url):.1f} ms (median)")
    app = Served("--serve", "app", "--database-url", url, workers=arguments.workers)
    try:
        async with (
            aiohttp.ClientSession(app.base, headers=headers) as session,
            session.get(FIRST_PAGE) as response,
        ):
            page = await response.json()
            assert response.status == 200, page
        print(f"first page: {len(page['items'])} items, counts {page['counts']}")
        # Warm-up (connections, prepared statements), light enough to leave no backlog behind.
        await open_loop(
            app.base, [FIRST_PAGE, FILTERED_PAGE], tokens, rate=min(arguments.rate, 50), seconds=1
        )
        cpu = app.cpu_seconds()
        result = await open_loop(
            app.base, [FIRST_PAGE, FILTERED_PAGE], tokens, arguments.rate, arguments.seconds
        )
        open_cpu_ms = (app.cpu_seconds() - cpu) * 1000 / max(result.sent, 1)
        print(
            f"open loop {arguments.rate:g}/s for {arguments.seconds:g} s ({result.sent} requests, first and "
            f"filtered page alternately): p50 {result.percentile(0.50):.1f} ms, "
            f"p99 {result.percentile(0.99):.1f} ms, "
            f"max {max(result.latencies_ms):.1f} ms, errors {result.errors}, statuses {result.statuses}, "
            f"generator at most {result.generator_late_ms:.1f} ms late; server CPU {open_cpu_ms:.2f} ms a "
            f"call; load average {_load()}"
        )
        cpu = app.cpu_seconds()
        app_rps, app_errors, app_done = await saturate(
            app.base + FIRST_PAGE, tokens, connections=32, seconds=5
        )
        app_cpu_ms = (app.cpu_seconds() - cpu) * 1000 / max(app_done, 1)
    finally:
        app.stop()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as body:
        json.dump(page, body, ensure_ascii=False)
    bare = Served("--serve", "bare", "--body", body.name, workers=arguments.workers)
    try:
        cpu = bare.cpu_seconds()
        bare_rps, bare_errors, bare_done = await saturate(bare.base + "/bare", [], connections=32, seconds=5)
        bare_cpu_ms = (bare.cpu_seconds() - cpu) * 1000 / max(bare_done, 1)
    finally:
        bare.stop()
        os.unlink(body.name)
    print(
        f"saturation (32 connections, 5 s, first page, {arguments.workers} server process(es) each): "
        f"app {app_rps:,.0f} req/s ({app_errors} errors), "
        f"bare aiohttp JSON handler {bare_rps:,.0f} req/s ({bare_errors} errors), "
        f"ratio {app_rps / bare_rps:.2f}; server CPU per request: app {app_cpu_ms:.1f} ms, "
        f"bare {bare_cpu_ms:.2f} ms"
    )
    print(f"load average now {_load()} (other work on the machine shares its {os.cpu_count()} cores)")
    print("queue page plan (EXPLAIN ANALYZE, BUFFERS):")
    for line in key_lines(await queue_plan(url, prepared.county_id, prepared.reviewer_id)):
        print(f"    {line}")
    goal = result.percentile(0.99) < 50 and result.errors == 0
    print(f"goal p99 < 50 ms, 0 errors: {'met' if goal else 'NOT met'}")
    return 0 if goal else 1


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=1_000_000, help="decided requests (the history)")
    parser.add_argument("--pending", type=int, default=400, help="requests waiting for review")
    parser.add_argument("--rate", type=float, default=300.0, help="arrivals per second (open loop)")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--reload", action="store_true", help="load the rows again even if present")
    parser.add_argument("--workers", type=int, default=1, help="server processes sharing the port")
    parser.add_argument("--serve", choices=("app", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--body", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.serve:
        if arguments.body:
            arguments.body = json.loads(Path(arguments.body).read_text())
        run_server(_serve_forever(arguments))  # on uvloop, as `jingfu admin serve`
        return 0
    return asyncio.run(run(arguments))


if __name__ == "__main__":
    raise SystemExit(main())
