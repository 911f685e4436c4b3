"""A cheap HTTP/1.1 load generator for bench/admin_api.py, run in a process of its own.

On a 2-core machine the generator shares the cores with the server it measures: aiohttp's client
spent about as much CPU per request as the server's whole answer, and its event loop was the one
timing the answers. Here each request is a few bytes built once before the run (method, path, one
reviewer's token), sent on a kept-alive connection from a pool, and an answer is read only as far as
its status line and Content-Length; on uvloop where installed.

    open loop:   {"mode": "open", "host", "port", "requests": [str, ...], "rate", "seconds"}
    closed loop: {"mode": "closed", "host", "port", "requests": [...], "connections", "seconds"}

Status 0 in the result: no answer (the connection could not be made, or was lost before the answer).

The job comes as JSON on stdin (the tokens stay out of the process list); the result goes out as
JSON on stdout. `run_load` is the side the bench calls.
"""

from __future__ import annotations

import asyncio
import json
import math
import resource
import sys
import time
from collections import deque
from collections.abc import Sequence
from typing import Any, cast

PRE_OPENED = 16  # connections opened before an open-loop run; more are opened when all are busy


def request_bytes(host: str, port: int, path: str, token: str | None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class _Connection(asyncio.Protocol):
    """One kept-alive connection: one request at a time; `done(status)` called with each answer, or
    with 0 when the connection failed or the answer could not be read."""

    def __init__(self, on_closed: Any) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.done: Any = None  # callback for the request in flight
        self.on_closed = on_closed

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass, but alike

    @property
    def usable(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def send(self, request: bytes, done: Any) -> None:
        assert self.transport is not None
        self.done = done
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        length = None
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:  # every answer of the app carries one; without it the end is unknowable
            self._finish(0)
            assert self.transport is not None
            self.transport.close()
            return
        if len(self.buffer) < end + 4 + length:
            return
        del self.buffer[: end + 4 + length]
        self._finish(int(head[0].split(" ", 2)[1]))

    def _finish(self, status: int) -> None:
        done, self.done = self.done, None
        if done is not None:
            done(self, status)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._finish(0)
        self.on_closed(self)


class _Pool:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: deque[_Connection] = deque()
        self.open: set[_Connection] = set()

    async def connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(
            lambda: _Connection(self.open.discard), self.host, self.port
        )
        self.open.add(connection)
        return connection

    def close(self) -> None:
        for connection in list(self.open):
            if connection.transport is not None:
                connection.transport.close()


async def open_loop(job: dict[str, Any]) -> dict[str, Any]:
    """Send `rate` requests a second for `seconds`, each at its scheduled time whatever the earlier
    ones are doing; a latency counts from the scheduled time, so the server's queueing shows."""
    loop = asyncio.get_running_loop()
    clock = time.perf_counter  # uvloop's loop.time() counts whole milliseconds
    pool = _Pool(job["host"], job["port"])
    requests = [request.encode("latin-1") for request in job["requests"]]
    rate, count = job["rate"], int(job["rate"] * job["seconds"])
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    late = 0.0
    finished = loop.create_future()
    for _ in range(min(PRE_OPENED, count)):
        pool.idle.append(await pool.connect())

    def answered(scheduled: float) -> Any:
        def done(connection: _Connection, status: int) -> None:
            latencies.append((clock() - scheduled) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            if status and connection.transport is not None:
                pool.idle.append(connection)
            if len(latencies) == count and not finished.done():
                finished.set_result(None)

        return done

    async def send_on_new(request: bytes, scheduled: float) -> None:
        try:
            connection = await pool.connect()
        except OSError:
            answered(scheduled)(_Connection(lambda _c: None), 0)
            return
        connection.send(request, answered(scheduled))

    connecting: set[asyncio.Task[None]] = set()
    start = clock() + 0.05
    for i in range(count):
        scheduled = start + i / rate
        delay = scheduled - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        late = max(late, (clock() - scheduled) * 1000)
        request = requests[i % len(requests)]
        while pool.idle and not pool.idle[0].usable:  # closed by the server while idle
            pool.idle.popleft()
        if pool.idle:
            pool.idle.popleft().send(request, answered(scheduled))
        else:
            connecting.add(task := loop.create_task(send_on_new(request, scheduled)))
            task.add_done_callback(connecting.discard)
    if count:
        await finished
    pool.close()
    return {"sent": count, "latencies_ms": latencies, "statuses": statuses, "late_ms": late}


async def closed_loop(job: dict[str, Any]) -> dict[str, Any]:
    """`connections` clients, each sending its next request as soon as it has an answer."""
    loop = asyncio.get_running_loop()
    pool = _Pool(job["host"], job["port"])
    requests = [request.encode("latin-1") for request in job["requests"]]
    statuses: dict[int, int] = {}
    connections = [await pool.connect() for _ in range(job["connections"])]
    deadline = loop.time() + job["seconds"]
    finished = loop.create_future()
    busy = len(connections)
    sent = 0

    def next_one(connection: _Connection, status: int | None) -> None:
        nonlocal busy, sent
        if status is not None:
            statuses[status] = statuses.get(status, 0) + 1
        if loop.time() >= deadline or connection.transport is None:
            busy -= 1
            if busy == 0 and not finished.done():
                finished.set_result(None)
            return
        connection.send(requests[sent % len(requests)], next_one)
        sent += 1

    started = loop.time()
    for connection in connections:
        next_one(connection, None)
    await finished
    elapsed = loop.time() - started
    pool.close()
    return {"statuses": statuses, "seconds": elapsed}


def main() -> None:
    # An open loop against a server that falls behind holds a connection per request in flight:
    # beyond the default 1,024 descriptors they would fail here, as the generator's error, not the server's.
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    job = json.load(sys.stdin)
    run = open_loop if job["mode"] == "open" else closed_loop
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        result = asyncio.run(run(job))
    else:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            result = runner.run(run(job))
    json.dump(result, sys.stdout)


async def run_load(job: dict[str, Any]) -> dict[str, Any]:
    """Run `job` in a generator process of its own; its result (statuses' keys back to ints)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate(json.dumps(job).encode())
    if process.returncode != 0:
        raise RuntimeError(f"the load generator failed (exit {process.returncode})")
    result: dict[str, Any] = json.loads(out)
    result["statuses"] = {int(status): n for status, n in result["statuses"].items()}
    return result


def requests_for(host: str, port: int, paths: Sequence[str], tokens: Sequence[str]) -> list[str]:
    """The requests a run cycles through: the i-th sends path i and token i (each list cycling)."""
    many = math.lcm(len(paths), len(tokens) or 1)
    return [
        request_bytes(host, port, paths[i % len(paths)], tokens[i % len(tokens)] if tokens else None).decode(
            "latin-1"
        )
        for i in range(many)
    ]


if __name__ == "__main__":
    main()
