"""Deciding a selection of requests at once ("reject these three as duplicates", "approve these"):
each request is checked, decided and audited on its own, in its own unit of work, exactly as if it
had been decided alone. One that cannot be decided (another county's, already decided, gone) is
reported and never undoes the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core import review
from core.errors import DomainError, InvalidInput
from core.permissions import Permission
from core.scope import Staff
from storage.enums import RequestStatus
from storage.uow import UnitOfWork

MAX_SELECTION = 100


class Decision(StrEnum):
    approve = "approve"
    reject = "reject"


@dataclass(frozen=True)
class Outcome:
    request_id: int
    status: RequestStatus | None  # the request's status after the decision; None when refused
    error: DomainError | None = None


async def decide_each(
    uow_factory: Callable[[], UnitOfWork],
    staff: Staff,
    decision: Decision,
    request_ids: Sequence[int],
    *,
    reason: str | None,
    via: str,
    now: datetime,
) -> list[Outcome]:
    staff.ensure(Permission.review_requests)
    if not 1 <= len(request_ids) <= MAX_SELECTION:
        raise InvalidInput(f"a selection holds 1 to {MAX_SELECTION} requests", field="ids")
    if len(set(request_ids)) != len(request_ids):
        raise InvalidInput("each request appears once in a selection", field="ids")
    if decision is Decision.reject and not (reason and reason.strip()):
        raise InvalidInput("a rejection needs a reason the farmer can act on", field="reason")
    outcomes = []
    for request_id in request_ids:
        try:
            async with uow_factory() as uow:
                if decision is Decision.approve:
                    request = await review.approve(uow, request_id, staff, via=via, now=now)
                else:
                    assert reason is not None
                    request = await review.reject(uow, request_id, staff, reason=reason, via=via)
            outcomes.append(Outcome(request_id, request.status))
        except DomainError as exc:
            outcomes.append(Outcome(request_id, None, exc))
    return outcomes
