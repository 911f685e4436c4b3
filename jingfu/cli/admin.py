"""`jingfu admin create-token --role ROLE [--county NAME] [--days N]`: a new back-office API token,
printed once, valid for N days; `jingfu admin revoke-token PREFIX_OR_TOKEN` stops one working.

`jingfu admin create-user --name N --role ROLE [--county NAME] [--password-stdin]`: a web console
user; the password is asked for (twice, not echoed) or read from stdin's first line, stored as an
argon2id hash.

`jingfu admin issue-code --expert ID | --service-object ID [--days N] [--rebind]`: an invite code,
printed once with its /start deep-link form; `jingfu admin revoke-code CODE` withdraws one. Both act
as the local operator (city-wide), recorded in the audit log.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from zoneinfo import ZoneInfo

from core import console_users, invite_codes
from core.admin_tokens import DEFAULT_DAYS, MAX_DAYS, IssuedToken, create_token, parse_role, revoke_token
from core.scope import CITY_SYSTEM
from jingfu.cli.admin_serve import register_serve
from jingfu.cli.arguments import row_id, whole_number
from jingfu.cli.errors import CliError
from jingfu.cli.runtime import run_with_uow
from storage.enums import AdminRole
from storage.uow import UnitOfWork

BEIJING = ZoneInfo("Asia/Shanghai")


def _create_token(args: argparse.Namespace) -> int:
    async def work(uow: UnitOfWork) -> IssuedToken:
        return await create_token(
            uow, role=parse_role(args.role), county_name=args.county, name=args.name, days=args.days
        )

    issued = asyncio.run(run_with_uow(work))
    print(issued.token)
    print(
        f"prefix {issued.token[:10]} (to revoke it), valid until"
        f" {issued.expires_at.astimezone(BEIJING):%Y-%m-%d %H:%M} Beijing time; shown only now",
        file=sys.stderr,
    )
    return 0


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("password: ")
    if getpass.getpass("again: ") != password:
        raise CliError("the two passwords differ; nothing was created")
    return password


def _create_user(args: argparse.Namespace) -> int:
    password = _password(args.password_stdin)

    async def work(uow: UnitOfWork) -> int:
        user = await console_users.create_user(
            uow, name=args.name, role=parse_role(args.role), county_name=args.county, password=password
        )
        return user.id

    admin_id = asyncio.run(run_with_uow(work))
    print(f"console user {args.name!r} (admin #{admin_id}) can now log in at /console/")
    return 0


def _revoke_token(args: argparse.Namespace) -> int:
    async def work(uow: UnitOfWork) -> int:
        return await revoke_token(uow, args.token)

    print(f"the token of admin #{asyncio.run(run_with_uow(work))} is revoked")
    return 0


def _issue_code(args: argparse.Namespace) -> int:
    async def work(uow: UnitOfWork) -> invite_codes.IssuedCode:
        return await invite_codes.issue_code(
            uow,
            CITY_SYSTEM,
            expert_id=args.expert,
            service_object_id=args.service_object,
            days=args.days,
            rebind=args.rebind,
        )

    issued = asyncio.run(run_with_uow(work))
    holder = f"expert {args.expert}" if args.expert is not None else f"service object {args.service_object}"
    print(issued.code)
    print(f"/start {issued.code}")
    print(
        f"for {holder}{' (re-binding)' if issued.rebind else ''}, single use, valid until"
        f" {issued.expires_at.astimezone(BEIJING):%Y-%m-%d %H:%M} Beijing time; shown only now"
    )
    return 0


def _revoke_code(args: argparse.Namespace) -> int:
    async def work(uow: UnitOfWork) -> int:
        return (await invite_codes.revoke_code(uow, CITY_SYSTEM, args.code)).id

    print(f"invite code #{asyncio.run(run_with_uow(work))} revoked")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    admin = subparsers.add_parser("admin", help="back-office administration")
    admin_sub = admin.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    token = admin_sub.add_parser("create-token", help="print a new API token (stored hashed)")
    token.add_argument("--role", required=True, help="one of: " + ", ".join(r.value for r in AdminRole))
    token.add_argument("--county", help="county name (for county roles), e.g. 临河区")
    token.add_argument("--name", help="who the token is for")
    token.add_argument(
        "--days",
        type=whole_number(1, MAX_DAYS),
        default=DEFAULT_DAYS,
        help=f"valid for N days, 1 to {MAX_DAYS} (default %(default)s)",
    )
    token.set_defaults(func=_create_token)
    user = admin_sub.add_parser("create-user", help="a web console user who logs in with a password")
    user.add_argument("--name", required=True, help="the name they log in with")
    user.add_argument("--role", required=True, help="one of: " + ", ".join(r.value for r in AdminRole))
    user.add_argument("--county", help="county name (for county roles), e.g. 临河区")
    user.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    user.set_defaults(func=_create_user)
    revoke_tok = admin_sub.add_parser("revoke-token", help="stop a back-office API token working, at once")
    revoke_tok.add_argument(
        "token",
        metavar="PREFIX_OR_TOKEN",
        help="the token, or its first 10 characters as create-token printed",
    )
    revoke_tok.set_defaults(func=_revoke_token)
    issue = admin_sub.add_parser("issue-code", help="print a new single-use invite code (stored hashed)")
    holder = issue.add_mutually_exclusive_group(required=True)
    holder.add_argument("--expert", type=row_id, metavar="ID", help="the expert record it binds")
    holder.add_argument(
        "--service-object", type=row_id, metavar="ID", help="the service object it binds a member to"
    )
    issue.add_argument(
        "--days",
        type=whole_number(1, invite_codes.MAX_DAYS),
        default=invite_codes.DEFAULT_DAYS,
        help="valid for N days (default %(default)s)",
    )
    issue.add_argument(
        "--rebind", action="store_true", help="move an expert who is bound already; the old account is told"
    )
    issue.set_defaults(func=_issue_code)
    revoke = admin_sub.add_parser("revoke-code", help="withdraw an invite code not used yet")
    revoke.add_argument("code", help="the code as issued, e.g. ABCD-EFGH-JKMN-PQRS")
    revoke.set_defaults(func=_revoke_code)
    register_serve(admin_sub)
