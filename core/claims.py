"""Claims on requests waiting for review: a reviewer says "I am on this one", so two reviewers do not
read, phone and decide the same request at once.

A claim is one row per request (`request_claims`, keyed by the request). It lapses by itself after
`CLAIM_TTL`; claiming again extends your own. Who wins when two reviewers claim at the same moment is
decided by the database, not by a read before the write: a guarded UPDATE takes over your own or a
lapsed claim, and otherwise an INSERT on the request's primary key succeeds for exactly one of them
(the other's insert meets the key and is refused). Both hold on PostgreSQL under concurrency and on
SQLite, whose writers run one at a time.

Rules (docs/admin-api.md, "Claims"):
- only a request pending review can be claimed (IllegalTransition otherwise);
- approving or rejecting a request another reviewer holds is refused (`Claimed`, 409) until the claim
  is released or lapses; a decision releases the claim. The local operator (a shell on the server,
  `jingfu review` without a token) decides regardless: they own the server and are who unblocks the
  desk when a claim is wrong;
- a reviewer releases their own claim; another's only with `Permission.release_claims` (the county's
  administrator and the city institute, who assign the work), so a reviewer cannot snatch a request
  from a colleague before the claim lapses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from core import audit
from core.duty_hours import REVIEW_ZONE
from core.errors import Claimed, IllegalTransition, NotPermitted
from core.permissions import Permission, allows
from core.requests import load_request
from core.scope import Staff
from storage.enums import RequestStatus
from storage.models import AdminUser, ServiceRequest
from storage.models.admin import RequestClaim
from storage.uow import UnitOfWork

# Long enough to read a request, look at its photos and phone the farmer or the expert; short enough
# that a claim left behind (a reviewer called away, the lunch break from 12:00 to 15:00) frees the
# request within the same duty window instead of holding it past its review deadline.
CLAIM_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class Claim:
    request_id: int
    admin_id: int
    admin_name: str
    claimed_at: datetime
    expires_at: datetime


async def holder(uow: UnitOfWork, request_id: int, *, now: datetime) -> Claim | None:
    """The live claim on a request, if any (a lapsed one is no claim)."""
    row = (
        await uow.session.execute(
            select(RequestClaim, AdminUser.name)
            .join(AdminUser, AdminUser.id == RequestClaim.admin_user_id)
            .where(RequestClaim.request_id == request_id, RequestClaim.expires_at > now)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        return None
    claim, name = row
    return Claim(request_id, claim.admin_user_id, name, claim.claimed_at, claim.expires_at)


def _refusal(claim: Claim, what: str) -> Claimed:
    until = claim.expires_at.astimezone(REVIEW_ZONE).strftime("%H:%M")
    return Claimed(
        f"request #{claim.request_id} is claimed by {claim.admin_name} until {until} (Asia/Shanghai); "
        f"{what} once they release it or the claim lapses",
        claimed_by=claim.admin_name,
        claimed_by_id=claim.admin_id,
        claimed_until=claim.expires_at.isoformat(),
    )


async def _pending_in_scope(uow: UnitOfWork, request_id: int, staff: Staff) -> ServiceRequest:
    request = await load_request(uow, request_id, lock=False)
    staff.ensure_county(request.county_id, object_id=request.id)
    if request.status is not RequestStatus.pending_review:
        raise IllegalTransition(
            f"request #{request_id} is {request.status}: only a request pending review can be claimed",
            status=str(request.status),
        )
    return request


async def _take(uow: UnitOfWork, request_id: int, admin_id: int, now: datetime) -> tuple[bool, int | None]:
    """Write the claim: (written, the lapsed claim's holder it replaced). Not written when another
    reviewer holds a live claim; the transaction is then rolled back."""
    values = {"admin_user_id": admin_id, "claimed_at": now, "expires_at": now + CLAIM_TTL}
    previous = await uow.session.scalar(
        select(RequestClaim.admin_user_id).where(RequestClaim.request_id == request_id)
    )
    # Your own claim, or one that has lapsed: the guard is re-checked by the UPDATE itself, so a
    # claim renewed by its holder meanwhile is not taken over.
    taken = await uow.session.execute(
        update(RequestClaim)
        .where(
            RequestClaim.request_id == request_id,
            or_(RequestClaim.admin_user_id == admin_id, RequestClaim.expires_at <= now),
        )
        .values(values)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        return True, (previous if previous != admin_id else None)
    try:
        await uow.session.execute(insert(RequestClaim).values(request_id=request_id, **values))
    except IntegrityError:  # the key is taken: another reviewer's live claim (or one just written)
        await uow.rollback()
        return False, None
    return True, None


async def claim(uow: UnitOfWork, request_id: int, staff: Staff, *, now: datetime, via: str) -> Claim:
    """Claim a request for `CLAIM_TTL`, or extend your own claim. Committed and audited."""
    staff.ensure(Permission.review_requests)
    if staff.admin_id is None:
        raise NotPermitted("claims are held by back-office admins; the local operator decides directly")
    await _pending_in_scope(uow, request_id, staff)
    written, previous = await _take(uow, request_id, staff.admin_id, now)
    if not written:
        current = await holder(uow, request_id, now=now)
        if current is not None:
            raise _refusal(current, "claim it")
        # Released or lapsed between the write and the read: try once more.
        written, previous = await _take(uow, request_id, staff.admin_id, now)
        if not written:
            raise IllegalTransition(f"request #{request_id} is being claimed by someone else; try again")
    # A decision may have committed while the claim waited for its row: claim only what still waits.
    await _pending_in_scope(uow, request_id, staff)
    claimed = await holder(uow, request_id, now=now)
    assert claimed is not None and claimed.admin_id == staff.admin_id
    await audit.record(
        uow,
        staff.actor,
        "request.claim",
        "service_request",
        request_id,
        after={"claimed_by": staff.admin_id, "until": claimed.expires_at.isoformat()},
        **({"took_over_lapsed_claim_of": previous} if previous is not None else {}),
        via=via,
    )
    await uow.commit()
    return claimed


async def unclaim(uow: UnitOfWork, request_id: int, staff: Staff, *, now: datetime, via: str) -> Claim | None:
    """Release the live claim on a request; the claim released (None: there was none, nothing done)."""
    staff.ensure(Permission.review_requests)
    request = await load_request(uow, request_id, lock=False)
    staff.ensure_county(request.county_id, object_id=request.id)
    current = await holder(uow, request_id, now=now)
    if current is None:
        return None
    if current.admin_id != staff.admin_id and not allows(staff.role, Permission.release_claims):
        raise NotPermitted(
            f"request #{request_id} is claimed by {current.admin_name}; only they, the county's "
            "administrator or the city institute can release it (or wait until it lapses)",
            permission=str(Permission.release_claims),
        )
    await uow.session.execute(
        delete(RequestClaim).where(
            RequestClaim.request_id == request_id, RequestClaim.admin_user_id == current.admin_id
        )
    )
    await audit.record(
        uow,
        staff.actor,
        "request.unclaim",
        "service_request",
        request_id,
        before={"claimed_by": current.admin_id, "until": current.expires_at.isoformat()},
        via=via,
    )
    await uow.commit()
    return current


async def settle_for_decision(uow: UnitOfWork, request_id: int, staff: Staff, *, now: datetime) -> None:
    """Before approving or rejecting: refuse when another reviewer holds a live claim (the local
    operator excepted), and release any claim in the decision's transaction. Checks the county
    first, so another county's request is still "not found", never "claimed"."""
    request = await load_request(uow, request_id)
    staff.ensure_county(request.county_id, object_id=request.id)
    current = await holder(uow, request_id, now=now)
    local_operator = staff.admin_id is None and staff.role is None
    if current is not None and current.admin_id != staff.admin_id and not local_operator:
        raise _refusal(current, "decide it")
    await uow.session.execute(delete(RequestClaim).where(RequestClaim.request_id == request_id))
