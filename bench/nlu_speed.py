"""Parses per second and p50/p99 latency of the embedded engine and the Rasa server, same texts.

    .venv/bin/python bench/nlu_speed.py [--texts FILE] [--rasa-url URL] [--limit N]

Texts default to the agri-eval dev questions beside the repository (read only, never stored).
The embedded engine runs in this one process, one text at a time (one core); Rasa is asked one
request at a time as well, so both latencies are per parse, not per batch.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jingfu.shared_data import shared_data
from nlu.embedded.engine import EmbeddedEngine
from nlu.rasa_client import NoFallback, RasaEngine
from nlu.rasa_server import base_url, loaded_model

DEFAULT_TEXTS = shared_data() / "agri-eval" / "dev.jsonl"


def read_texts(path: Path, limit: int) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] if path.suffix == ".jsonl" else line for line in lines if line.strip()]
    return texts[:limit]


def summary(name: str, latencies: list[float], wall: float) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"{name:<9} {len(latencies) / wall:>10.0f} parses/s   p50 {statistics.median(ordered) * 1e3:7.3f} ms"
        f"   p99 {p99 * 1e3:7.3f} ms   ({len(latencies)} texts)"
    )


def bench_embedded(texts: list[str]) -> str:
    engine = EmbeddedEngine()
    engine.parse_sync("预热")  # load the model before the clock starts
    latencies = []
    started = time.perf_counter()
    for text in texts:
        before = time.perf_counter()
        engine.parse_sync(text)
        latencies.append(time.perf_counter() - before)
    return summary("embedded", latencies, time.perf_counter() - started)


async def bench_rasa(texts: list[str], url: str) -> str:
    engine = RasaEngine(url, fallback=NoFallback(), timeout_s=30.0)
    try:
        await engine.parse("预热")
        latencies = []
        started = time.perf_counter()
        for text in texts:
            before = time.perf_counter()
            await engine.parse(text)
            latencies.append(time.perf_counter() - before)
        return summary("rasa", latencies, time.perf_counter() - started)
    finally:
        await engine.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS)
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_URL") or base_url())
    parser.add_argument("--limit", type=int, default=1300)
    args = parser.parse_args()
    texts = read_texts(args.texts, args.limit)
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the goal is stated
    print(bench_embedded(texts))
    if loaded_model(args.rasa_url) is None:
        print(f"rasa      not measured: no server answers at {args.rasa_url} (jingfu nlu serve --detach)")
        return 0
    print(asyncio.run(bench_rasa(texts, args.rasa_url)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
