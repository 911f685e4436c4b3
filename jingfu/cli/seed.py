"""`jingfu seed demo`: reference data plus a demo county to try the whole story, and requests waiting
for review in two counties (core.seed.demo_queue)."""

from __future__ import annotations

import argparse
import asyncio

from core.seed.demo import seed_demo
from core.seed.demo_queue import seed_demo_queue
from jingfu.cli.runtime import run_with_uow
from storage.uow import UnitOfWork


async def _seed(uow: UnitOfWork) -> dict[str, int]:
    counts = await seed_demo(uow)
    if not counts.get("already_seeded"):  # a queue for the reviewer, once: never more on a re-run
        counts["pending_requests"] = await seed_demo_queue(uow)
    return counts


def _demo(_args: argparse.Namespace) -> int:
    counts = asyncio.run(run_with_uow(_seed))
    if counts.get("already_seeded"):
        print("demo data already present; reference data checked")
    else:
        print("seeded: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    seed = subparsers.add_parser("seed", help="load data")
    seed_sub = seed.add_subparsers(dest="seed_command", metavar="WHAT", required=True)
    seed_sub.add_parser(
        "demo",
        help="counties, specialties, demo teams, service objects, vouchers, fees, a review queue",
    ).set_defaults(func=_demo)
