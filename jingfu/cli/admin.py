"""`jingfu admin create-token --role ROLE [--county NAME]`: a new back-office API token, printed once."""

from __future__ import annotations

import argparse
import asyncio

from core.admin_tokens import IssuedToken, create_token, parse_role
from jingfu.runtime import run_with_uow
from storage.enums import AdminRole
from storage.uow import UnitOfWork


def _create_token(args: argparse.Namespace) -> int:
    async def work(uow: UnitOfWork) -> IssuedToken:
        return await create_token(uow, role=parse_role(args.role), county_name=args.county, name=args.name)

    issued = asyncio.run(run_with_uow(work))
    print(issued.token)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    admin = subparsers.add_parser("admin", help="back-office administration")
    admin_sub = admin.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    token = admin_sub.add_parser("create-token", help="print a new API token (stored hashed)")
    token.add_argument("--role", required=True, help="one of: " + ", ".join(r.value for r in AdminRole))
    token.add_argument("--county", help="county name (for county roles), e.g. 临河区")
    token.add_argument("--name", help="who the token is for")
    token.set_defaults(func=_create_token)
