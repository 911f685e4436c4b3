"""`jingfu review list|show ID|approve ID|reject ID --reason TEXT`: the review queue from a terminal
(Art. 14).

`jingfu review advisories|approve-advisory ID|reject-advisory ID --reason TEXT`: the experts'
advisories (Art. 8(2)); an approved one goes to the county's farmers it concerns, from the bot.

With `--token` (from `jingfu admin create-token`) the command acts as that admin, limited to their
county. The token may also come from JINGFU_ADMIN_TOKEN, which keeps it out of the shell history.
With neither, it acts as the local operator: city-wide, recorded as an admin with no id. An empty,
malformed, unknown or revoked token is refused (exit code 2), never read as "no token".

Output is in JINGFU_LANGUAGE (zh_CN by default, or en; jingfu.cli.words).
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from jingfu.cli.arguments import row_id
from jingfu.cli.errors import CliError
from jingfu.cli.words import catalog_name, local_time, say
from render.terminal_text import one_line

# The core, the database and their libraries are imported by the command that runs, not here:
# `jingfu review --help` builds this parser, and must not wait for them (tests/cli/test_startup.py).
if TYPE_CHECKING:
    from core.advisories import QueuedAdvisory
    from core.review_queue import QueuedRequest
    from core.scope import Staff
    from storage.uow import UnitOfWork

T = TypeVar("T")
# Long enough for a farmer's whole description in most requests; a longer one says how to see it all.
EXCERPT_CHARS = 200
TOKEN_VARIABLE = "JINGFU_ADMIN_TOKEN"


def _excerpt(text: str, request_id: int | None = None) -> str:
    line = " ".join(text.split())
    if len(line) <= EXCERPT_CHARS:
        return f"    {one_line(line)}"
    cut = f"    {one_line(line[:EXCERPT_CHARS])}"
    if request_id is None:
        return cut + "…"
    return f"{cut}\n{say('more', n=len(line), id=request_id)}"


def _yuan(fen: int | None) -> str:
    return "—" if fen is None else f"¥{fen / 100:g}"


def _mode(mode: object) -> str:
    return catalog_name("mode", str(mode)) if mode else "—"


def format_row(item: QueuedRequest) -> str:
    # Every field a person typed (names, the description, the flagged words) is escaped: one_line.
    flags = one_line(", ".join(item.screening_flags)) or say("none")
    farmer, specialty, subject, expert = (
        one_line(field or "—") for field in (item.farmer, item.specialty, item.subject, item.expert)
    )
    # The reviewer must know approving puts it in service with no invitation for the expert.
    origin = (say("from_offer", expert=expert, offer=item.offer_id),) if item.offer_id is not None else ()
    return "\n".join(
        (
            f"#{item.id}  {one_line(item.county)}  {farmer}  {specialty} / {subject}",
            *origin,
            say("row_expert", expert=expert),
            _excerpt(item.description, item.id),
            say(
                "row_fee",
                photos=item.photo_count,
                fee=_yuan(item.fee_fen),
                mode=_mode(item.service_mode),
                submitted=local_time(item.submitted_at),
                due=local_time(item.review_expected_at),
            ),
            say("row_flags", flags=flags),
        )
    )


def _token(args: argparse.Namespace) -> str | None:
    """The admin token to act with; None, the local operator, only when neither --token nor
    JINGFU_ADMIN_TOKEN is there at all. An empty or malformed one is a mistake (an unset shell
    variable, a truncated paste), and falling back to the city-wide operator would turn it into
    more power, not less; so it stops the command before anything is read or decided."""
    given, where = (
        (args.token, "--token")
        if args.token is not None
        else (os.environ.get(TOKEN_VARIABLE), TOKEN_VARIABLE)
    )
    if given is None:
        return None
    from core import admin_tokens

    token = given.strip()  # a newline read from a file with the token is not a different token
    if not token:
        raise CliError(
            f"{where} is empty; give a token from `jingfu admin create-token`, "
            "or no token at all to act as the local operator"
        )
    if not admin_tokens.is_well_formed(token):  # never echoed: a mistyped token is still mostly a secret
        raise CliError(
            f"{where} is malformed; a token from `jingfu admin create-token` is "
            f"{admin_tokens.TOKEN_PREFIX} followed by 43 letters, digits, _ or -"
        )
    return token


def _as_staff(args: argparse.Namespace, work: Callable[[UnitOfWork, Staff], Awaitable[T]]) -> T:
    from core import review
    from core.scope import CITY_SYSTEM  # the local operator
    from jingfu.cli.runtime import run_with_uow

    token = _token(args)

    async def run(uow: UnitOfWork) -> T:
        staff = await review.staff_for_token(uow, token) if token is not None else CITY_SYSTEM
        return await work(uow, staff)

    return asyncio.run(run_with_uow(run))


def _via(args: argparse.Namespace) -> str:
    return "cli:local-operator" if _token(args) is None else "cli:token"


def _print_queue(queue: Sequence[T], format_item: Callable[[T], str], *, what: str) -> int:
    if not queue:
        print(say(f"none_waiting_{what}"))
        return 0
    print(say(f"waiting_{what}", n=len(queue)))
    for item in queue:
        print(format_item(item))
    return 0


def _list(args: argparse.Namespace) -> int:
    from core.review_queue import pending_review

    queue = _as_staff(args, lambda uow, staff: pending_review(uow, staff, county_name=args.county))
    return _print_queue(queue, format_row, what="request")


def _show(args: argparse.Namespace) -> int:
    from core.request_detail import request_detail
    from jingfu.cli.review_show import format_detail
    from storage.types import utcnow

    detail = _as_staff(args, lambda uow, staff: request_detail(uow, staff, args.id, now=utcnow()))
    print(format_detail(detail))
    return 0


def _decided(args: argparse.Namespace, verb: str, decide: Callable[[UnitOfWork, Staff], Awaitable[T]]) -> T:
    """Run a decision on a request; a request not waiting for review is told in the reviewer's words
    (its status, and where the waiting ones are), not in the lifecycle's action names."""
    from core.errors import IllegalTransition

    async def checked(uow: UnitOfWork, staff: Staff) -> T:
        try:
            return await decide(uow, staff)
        except IllegalTransition as exc:
            status = exc.details.get("status")
            name = catalog_name("status", str(status)) if status else "not pending review"
            raise CliError(say("not_pending", id=args.id, status=name, verb=say(f"verb_{verb}"))) from None

    return _as_staff(args, checked)


def _approve(args: argparse.Namespace) -> int:
    from core import review
    from storage.enums import RequestStatus

    request = _decided(
        args, "approved", lambda uow, staff: review.approve(uow, args.id, staff, via=_via(args))
    )
    if request.status is RequestStatus.in_service:  # from the expert's own offer: nothing to answer
        print(say("approved_offer", id=request.id))
    else:
        print(say("approved", id=request.id, until=local_time(request.invitation_expires_at)))
    return 0


def _reject(args: argparse.Namespace) -> int:
    from core import review

    request = _decided(
        args,
        "rejected",
        lambda uow, staff: review.reject(uow, args.id, staff, reason=args.reason, via=_via(args)),
    )
    print(say("rejected", id=request.id))
    return 0


def format_advisory(item: QueuedAdvisory) -> str:
    subjects = one_line("、".join(item.target_subjects)) or say("all_subjects")
    return "\n".join(
        (
            say(
                "advisory_row",
                id=item.id,
                county=one_line(item.county),
                expert=one_line(item.expert),
                category=item.category.value,
                subjects=subjects,
            ),
            _excerpt(item.body),
            say("advisory_reach", submitted=local_time(item.submitted_at), n=item.recipients),
        )
    )


def _list_advisories(args: argparse.Namespace) -> int:
    from core import advisories

    queue = _as_staff(args, advisories.pending_advisories)
    return _print_queue(queue, format_advisory, what="advisory")


def _approve_advisory(args: argparse.Namespace) -> int:
    from core import advisories

    advisory, count = _as_staff(
        args, lambda uow, staff: advisories.approve_advisory(uow, args.id, staff, via=_via(args))
    )
    print(say("advisory_approved", id=advisory.id, n=count))
    return 0


def _reject_advisory(args: argparse.Namespace) -> int:
    from core import advisories

    advisory = _as_staff(
        args,
        lambda uow, staff: advisories.reject_advisory(
            uow, args.id, staff, reason=args.reason, via=_via(args)
        ),
    )
    print(say("advisory_rejected", id=advisory.id))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "review",
        help="the review queues: requests (list, approve, reject) and advisories",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    as_admin = argparse.ArgumentParser(add_help=False)
    as_admin.add_argument("--token", help=f"act as this back-office admin (or set {TOKEN_VARIABLE})")
    actions = parser.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="requests waiting for review, oldest first", parents=[as_admin])
    listing.add_argument("--county", help="only this county, e.g. 临河区")
    listing.set_defaults(func=_list)
    show = actions.add_parser(
        "show",
        help="one request in full: text, screening hits, NLU reading, expert, voucher, timeline",
        parents=[as_admin],
    )
    show.add_argument("id", type=row_id)
    show.set_defaults(func=_show)
    approve = actions.add_parser(
        "approve", help="approve a request: the chosen expert is invited", parents=[as_admin]
    )
    approve.add_argument("id", type=row_id)
    approve.set_defaults(func=_approve)
    reject = actions.add_parser(
        "reject", help="reject a request with a reason the farmer will read", parents=[as_admin]
    )
    reject.add_argument("id", type=row_id)
    # Required here so --help says so; a blank one is refused by the core rule, as one line.
    reject.add_argument("--reason", required=True, help="why, in words the farmer will read")
    reject.set_defaults(func=_reject)
    listing = actions.add_parser("advisories", help="advisories waiting for review", parents=[as_admin])
    listing.set_defaults(func=_list_advisories)
    approve = actions.add_parser(
        "approve-advisory",
        help="approve an advisory: the bot sends it to the farmers it concerns",
        parents=[as_admin],
    )
    approve.add_argument("id", type=row_id)
    approve.set_defaults(func=_approve_advisory)
    reject = actions.add_parser(
        "reject-advisory", help="reject an advisory with a reason the expert will read", parents=[as_admin]
    )
    reject.add_argument("id", type=row_id)
    reject.add_argument("--reason", required=True, help="why, in words the expert will read")
    reject.set_defaults(func=_reject_advisory)
