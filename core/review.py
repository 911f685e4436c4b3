"""Review decisions as the back office makes them: the request use case plus its audit-log entry.

Art. 12 and the product rules want everything an admin does in the audit log; the lifecycle event
alone records the transition, not who in the back office acted through which tool.
"""

from __future__ import annotations

from datetime import datetime

from core import audit, claims, requests
from core.admin_tokens import TokenHolder, remembered_holder, token_holder
from core.errors import InvalidInput, NotPermitted, within_limit
from core.permissions import Permission
from core.scope import Staff
from storage.enums import RequestStatus
from storage.models import ServiceRequest
from storage.types import utcnow
from storage.uow import UnitOfWork

MAX_REASON = 500
# Only a request pending review can be decided (core.lifecycle refuses the rest), so that is the
# state every decision starts from.
PENDING = {"status": str(RequestStatus.pending_review)}


async def staff_for_token(uow: UnitOfWork, token: str, *, now: datetime | None = None) -> Staff:
    """The admin a back-office token belongs to, with the role's rights, scoped to its county
    (None: city-wide)."""
    holder = await token_holder(uow, token, now=now or utcnow())
    if holder is None:
        raise NotPermitted("this token is unknown, expired or revoked")
    return _staff(holder)


def remembered_staff(token: str, *, now: datetime) -> Staff | None:
    """`staff_for_token` without a unit of work, when this process remembers the token well enough
    (core.admin_tokens.remembered_holder); None: call `staff_for_token`. Every API call checks a
    token, and opening a session only to read memory cost more than the check."""
    holder = remembered_holder(token, now=now)
    return None if holder is None else _staff(holder)


def _staff(holder: TokenHolder) -> Staff:
    return Staff(admin_id=holder.admin_user_id, county_id=holder.county_id, role=holder.role)


async def approve(
    uow: UnitOfWork, request_id: int, staff: Staff, *, via: str, now: datetime | None = None
) -> ServiceRequest:
    staff.ensure(Permission.review_requests)
    now = now or utcnow()
    await claims.settle_for_decision(uow, request_id, staff, now=now)
    request = await requests.approve(uow, request_id, staff, now=now)
    await audit.record(
        uow,
        staff.actor,
        "request.approve",
        "service_request",
        request.id,
        before=PENDING,
        after={"status": str(request.status)},
        via=via,
    )
    await uow.commit()
    return request


async def reject(
    uow: UnitOfWork,
    request_id: int,
    staff: Staff,
    *,
    reason: str,
    via: str,
    now: datetime | None = None,
) -> ServiceRequest:
    staff.ensure(Permission.review_requests)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("a rejection needs a reason the farmer can act on")
    within_limit(reason, MAX_REASON, field="reason", what="the reason")
    await claims.settle_for_decision(uow, request_id, staff, now=now or utcnow())
    request = await requests.reject(uow, request_id, staff, reason=reason)
    await audit.record(
        uow,
        staff.actor,
        "request.reject",
        "service_request",
        request.id,
        before=PENDING,
        after={"status": str(request.status)},
        via=via,
        reason=reason,
    )
    await uow.commit()
    return request
