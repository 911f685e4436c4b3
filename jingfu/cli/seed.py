"""`jingfu seed demo`: reference data plus a demo county to try the whole story."""

from __future__ import annotations

import argparse
import asyncio

from core.seed.demo import seed_demo
from jingfu.runtime import run_with_uow


def _demo(_args: argparse.Namespace) -> int:
    counts = asyncio.run(run_with_uow(seed_demo))
    if counts.get("already_seeded"):
        print("demo data already present; reference data checked")
    else:
        print("seeded: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    seed = subparsers.add_parser("seed", help="load data")
    seed_sub = seed.add_subparsers(dest="seed_command", metavar="WHAT", required=True)
    seed_sub.add_parser(
        "demo", help="counties, specialties, demo teams, service objects, vouchers, fees"
    ).set_defaults(func=_demo)
