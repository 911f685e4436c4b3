"""`jingfu vouchers expire --year Y`: close an ended budget year on the server (Art. 6(6)).

Run by the local operator (city-wide): every account's unspent balance of that year expires, held
amounts stay with their requests, and the year takes no more issues. Once per year: run again, it
prints the first run's report. The same act is `POST /api/v1/vouchers/expire` for county and city staff.
"""

from __future__ import annotations

import argparse
import asyncio

from core.scope import CITY_SYSTEM
from core.voucher_desk import expire_year
from jingfu.cli.runtime import run_with_uow
from storage.types import utcnow
from storage.uow import UnitOfWork


def _year(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"a budget year from 2000 to 2100, not {text!r}")
    return int(text)


def _expire(args: argparse.Namespace) -> int:
    async def work(uow: UnitOfWork) -> str:
        report = await expire_year(uow, CITY_SYSTEM, args.year, now=utcnow())
        again = " (already closed: the first run's report)" if report.repeated else ""
        return (
            f"budget year {report.budget_year}: {report.accounts} accounts, "
            f"¥{report.total_fen // 100}.{report.total_fen % 100:02d} expired{again}"
        )

    print(asyncio.run(run_with_uow(work)))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "vouchers",
        help="vouchers: close an ended budget year",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="vouchers_command", metavar="ACTION", required=True)
    expire = actions.add_parser("expire", help="expire a budget year's unspent vouchers, once")
    expire.add_argument("--year", type=_year, required=True)
    expire.set_defaults(func=_expire)
