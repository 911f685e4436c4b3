"""Use cases of a service request, from draft to completion. Each commits its own unit of work.

Money moves with the status: submit holds the fee, reject and cancel release it, completion captures
the fee of the mode actually delivered and credits it to the expert (核销). Decline and expiry keep the
hold while the farmer picks another expert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from core import audit, declining, fees, ledger, lifecycle, offer_origin
from core.actors import Actor
from core.budget import budget_year
from core.description import is_describable
from core.duty_hours import expected_review_at
from core.errors import (
    InsufficientBalance,
    InvalidInput,
    NotFound,
    NotPermitted,
    does_not_exist,
    within_limit,
)
from core.evidence import Evidence
from core.lifecycle import Action
from core.matching import expert_available_to_farmer
from core.membership import ensure_still_member
from core.scope import Staff
from storage.enums import RequestStatus, ServiceMode
from storage.models import Expert, Farmer, Reimbursement, RequestEvent, ScreeningAttempt, ServiceRequest
from storage.rows import row_to_change
from storage.types import utcnow
from storage.uow import UnitOfWork

INVITATION_TTL = timedelta(hours=24)
# The expert comes to the farm: the farmer says where before submitting, and the expert proves the
# visit at completion (core.evidence).
ON_SITE = frozenset({ServiceMode.onsite_consult, ServiceMode.onsite_training})
MAX_DESCRIPTION = 2000
MAX_SCALE_WORDS = 32  # the column's size: "二十多亩", "一千零五十只"
INTAKE_FIELDS = frozenset(
    {
        "specialty_code",
        "subject",
        "description",
        "symptoms",
        "growth_stage",
        "scale_quantity",
        "scale_unit",
        "scale_words",
        "photo_file_ids",
        "latitude",
        "longitude",
        "place",
        "screening",
    }
)


async def _farmer(uow: UnitOfWork, farmer_id: int) -> Farmer:
    farmer = await uow.session.get(Farmer, farmer_id)
    if farmer is None:
        raise NotFound(f"farmer {farmer_id} is not registered")
    return farmer


async def load_request(uow: UnitOfWork, request_id: int, *, lock: bool = True) -> ServiceRequest:
    request = await row_to_change(uow.session, ServiceRequest, request_id, lock=lock)
    if request is None:
        raise NotFound(does_not_exist("request", request_id))
    return request


def _owned_by(request: ServiceRequest, farmer_id: int) -> None:
    if request.farmer_id != farmer_id:
        raise NotPermitted("this request belongs to another farmer")


def _checked_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - INTAKE_FIELDS
    if unknown:
        raise InvalidInput(f"unknown intake fields: {', '.join(sorted(unknown))}")
    description = fields.get("description")
    if description is not None:
        within_limit(description, MAX_DESCRIPTION, field="description", what="the description")
    quantity = fields.get("scale_quantity")
    if quantity is not None and quantity < 0:
        raise InvalidInput("the scale cannot be negative")
    words = fields.get("scale_words")
    if words is not None:
        within_limit(words, MAX_SCALE_WORDS, field="scale_words", what="the scale")
    return fields


async def create_draft(uow: UnitOfWork, farmer_id: int, **fields: Any) -> ServiceRequest:
    farmer = await _farmer(uow, farmer_id)
    request = ServiceRequest(
        farmer_id=farmer.id,
        service_object_id=farmer.service_object_id,
        county_id=farmer.county_id,
        status=RequestStatus.draft,
        **({"photo_file_ids": [], "screening": {}} | _checked_fields(fields)),
    )
    uow.session.add(request)
    await uow.commit()
    return request


async def own_draft(uow: UnitOfWork, request_id: int, farmer_id: int) -> ServiceRequest:
    """The farmer's own draft, to carry on filling in; refused once it has been submitted."""
    request = await load_request(uow, request_id, lock=False)
    _owned_by(request, farmer_id)
    if request.status is not RequestStatus.draft:
        raise lifecycle.IllegalTransition(f"request {request_id} is {request.status}, no longer a draft")
    return request


# Choosing an expert (and a mode) is for a draft, or after a decline or expiry; afterwards the
# suggestions, cards and modes of old messages are refused at once, not at the last step.
CHOOSING = (RequestStatus.draft, RequestStatus.repick)


async def choosing_expert(uow: UnitOfWork, request_id: int, farmer_id: int) -> ServiceRequest:
    """The farmer's request while an expert may be chosen for it; IllegalTransition (with the
    status) once it was submitted, cancelled or is under way."""
    request = await load_request(uow, request_id, lock=False)
    _owned_by(request, farmer_id)
    if request.status not in CHOOSING:
        raise lifecycle.IllegalTransition(
            f"request {request_id} is {request.status}: no expert is chosen for it now",
            status=str(request.status),
        )
    return request


async def editable_draft(uow: UnitOfWork, request_id: int, farmer_id: int) -> ServiceRequest:
    """The farmer's request while it can still be filled in (a draft, or a draft whose text was
    refused); IllegalTransition once it was submitted or cancelled, NotFound / NotPermitted for
    another's or none. Locked, for the caller's update of it."""
    request = await load_request(uow, request_id)
    _owned_by(request, farmer_id)
    if request.status not in (RequestStatus.draft, RequestStatus.blocked):
        raise lifecycle.IllegalTransition(f"a request that is {request.status} can no longer be edited")
    return request


async def update_draft(uow: UnitOfWork, request_id: int, farmer_id: int, **fields: Any) -> ServiceRequest:
    request = await editable_draft(uow, request_id, farmer_id)
    for name, value in _checked_fields(fields).items():
        setattr(request, name, value)
    if request.status is RequestStatus.blocked:
        await lifecycle.apply(uow, request, Action.rephrase, Actor.farmer(farmer_id))
    await uow.commit()
    return request


async def record_blocked_text(
    uow: UnitOfWork,
    *,
    telegram_user_id: int,
    context: str,
    text: str,
    hits: list[dict[str, Any]],
    request_id: int | None = None,
) -> ScreeningAttempt:
    """Keep a refused text for audit; a blocked draft also moves to `blocked` until rephrased."""
    attempt = ScreeningAttempt(
        telegram_user_id=telegram_user_id, context=context, text=text[:4096], hits=hits, request_id=request_id
    )
    uow.session.add(attempt)
    if request_id is not None:
        request = await load_request(uow, request_id)
        if request.status is RequestStatus.draft:
            await lifecycle.apply(uow, request, Action.screen_block, Actor.system(), reason="banned term")
    await uow.commit()
    return attempt


@dataclass(frozen=True)
class Submission:
    request: ServiceRequest
    fee_fen: int
    review_expected_at: datetime


async def supplement(
    uow: UnitOfWork, request_id: int, farmer_id: int, text: str, *, attachments: tuple[str, ...] = ()
) -> ServiceRequest:
    """Add what the farmer wrote or sent (photos, voice notes: `attachments`, as the intake keeps
    them) after submitting to a request still waiting for review, so the reviewer (and then the
    expert) sees the problem whole; once approved, the reviewed request stands.

    Farmers write "补充一下…" or send one more photo after submitting as they would to a person;
    taken as a new problem, it would leave the request to go to review without it.
    """
    request = await load_request(uow, request_id)
    _owned_by(request, farmer_id)
    if request.status is not RequestStatus.pending_review:
        raise lifecycle.IllegalTransition(
            f"request {request_id} is {request.status}; only a request waiting for review takes additions",
            status=str(request.status),
        )
    addition = text.strip()
    if addition or not attachments:
        if not is_describable(addition):
            raise InvalidInput("an addition needs words", field="description")
        combined = f"{request.description}\n{addition}"
        request.description = within_limit(
            combined, MAX_DESCRIPTION, field="description", what="the description"
        )
    if attachments:
        request.photo_file_ids = [*request.photo_file_ids, *attachments]
    await audit.record(uow, Actor.farmer(farmer_id), "request.supplement", "service_request", request.id)
    await uow.commit()
    return request


@dataclass(frozen=True)
class Quote:
    """What submitting would hold, shown to the farmer before anything is held."""

    request: ServiceRequest
    expert: Expert
    mode: ServiceMode
    fee_fen: int
    available_fen: int  # on the voucher now

    @property
    def remaining_fen(self) -> int:
        return self.available_fen - self.fee_fen

    @property
    def needs_place(self) -> bool:
        """An on-site visit with nowhere to go: the farmer is asked first (a location or a village)."""
        return self.mode in ON_SITE and not has_place(self.request)


def has_place(request: ServiceRequest) -> bool:
    return request.latitude is not None or bool((request.place or "").strip())


async def quote(
    uow: UnitOfWork,
    request_id: int,
    farmer_id: int,
    *,
    expert_id: int,
    mode: ServiceMode,
    now: datetime | None = None,
) -> Quote:
    """The farmer's summary before submitting: expert, mode, fee and what the voucher keeps after the
    hold. Nothing is held. The refusals are submit's: another county's or a declined expert, a
    request no longer a draft, a farmer no longer on the county's list or roster (NoLongerMember),
    a balance that does not cover the fee (InsufficientBalance)."""
    now = now or utcnow()
    request = await load_request(uow, request_id, lock=False)
    _owned_by(request, farmer_id)
    await ensure_still_member(uow, farmer_id)  # told before a summary they could not confirm
    # The expert first: an old button naming one who declined says so, whatever the request is now.
    expert = await expert_available_to_farmer(
        uow, expert_id, request.county_id, now=now, request_id=request.id
    )
    request = await own_draft(uow, request_id, farmer_id)
    fee = await fees.fee_for(uow, mode, now)
    account = await ledger.get_account(uow, request.service_object_id, budget_year(now))
    available = (await ledger.account_balance(uow, account.id)).available_fen
    if available < fee:
        raise InsufficientBalance(
            f"voucher balance ¥{available / 100:.2f} does not cover ¥{fee / 100:.2f}",
            available_fen=available,
            amount_fen=fee,
        )
    return Quote(request, expert, mode, fee, available)


async def submit(
    uow: UnitOfWork,
    request_id: int,
    farmer_id: int,
    *,
    expert_id: int,
    mode: ServiceMode,
    now: datetime | None = None,
) -> Submission:
    now = now or utcnow()
    request = await load_request(uow, request_id)
    _owned_by(request, farmer_id)
    submission = await submit_request(uow, request, farmer_id, expert_id=expert_id, mode=mode, now=now)
    await uow.commit()
    return submission


async def submit_request(
    uow: UnitOfWork,
    request: ServiceRequest,
    farmer_id: int,
    *,
    expert_id: int,
    mode: ServiceMode,
    now: datetime,
    reason: str | None = None,
) -> Submission:
    """Submit `request` without committing: the one way into review, for the farmer's own invitation
    and for a park member accepting an expert's offer (core.offers), so both hold the voucher and
    expect review alike. The caller commits."""
    if not is_describable(request.description):
        raise InvalidInput("describe the problem in words before submitting", field="description")
    await ensure_still_member(uow, farmer_id)
    expert = await expert_available_to_farmer(uow, expert_id, request.county_id, now=now)
    fee = await fees.fee_for(uow, mode, now)
    lifecycle.rule_for(request.status, Action.submit, Actor.farmer(farmer_id))
    # The hold comes first: when the balance is short nothing else has changed, so a caller that
    # carries on with the same unit of work can never commit a half-submitted request.
    account = await ledger.get_account(uow, request.service_object_id, budget_year(now))
    await ledger.hold(uow, account, request.id, fee, Actor.farmer(farmer_id))
    request.expert_id = expert.id
    request.service_mode = mode
    request.fee_fen = fee
    request.submitted_at = now
    request.review_expected_at = expected_review_at(now)
    await lifecycle.apply(uow, request, Action.submit, Actor.farmer(farmer_id), reason=reason, at=now)
    return Submission(request, fee, request.review_expected_at)


async def approve(
    uow: UnitOfWork, request_id: int, staff: Staff, *, now: datetime | None = None
) -> ServiceRequest:
    """Approve, uncommitted: core.review commits it with its audit entry, so a decision is never
    recorded without the record of who made it (nor the other way round)."""
    now = now or utcnow()
    request = await load_request(uow, request_id)
    staff.ensure_county(request.county_id, object_id=request.id)
    await lifecycle.apply(uow, request, Action.approve, staff.actor, at=now)
    offer_id = await offer_origin.offer_id_for(uow, request.id)
    if offer_id is None:
        request.invitation_expires_at = now + INVITATION_TTL
    else:
        # The expert offered this service (Art. 15(3)), so their yes was given before the park's:
        # no invitation to answer. Their accept is recorded as what it is, with the offer it came from.
        assert request.expert_id is not None
        await lifecycle.apply(
            uow,
            request,
            Action.accept,
            Actor.expert(request.expert_id),
            reason=f"expert-initiated offer #{offer_id}",
            at=now,
        )
    return request


async def reject(uow: UnitOfWork, request_id: int, staff: Staff, *, reason: str) -> ServiceRequest:
    """Reject and release the hold, uncommitted: core.review commits it with its audit entry."""
    request = await load_request(uow, request_id)
    staff.ensure_county(request.county_id, object_id=request.id)
    await lifecycle.apply(uow, request, Action.reject, staff.actor, reason=reason)
    await ledger.release(uow, request.id, staff.actor, note="rejected by review")
    return request


async def cancel(
    uow: UnitOfWork, request_id: int, actor: Actor, *, reason: str | None = None, staff: Staff | None = None
) -> ServiceRequest:
    request = await load_request(uow, request_id)
    if staff is not None:
        staff.ensure_county(request.county_id, object_id=request.id)
    elif actor.id is None or request.farmer_id != actor.id:
        raise NotPermitted("only the farmer who asked can cancel this request")
    if request.status not in lifecycle.CANCELLABLE:
        raise lifecycle.IllegalTransition(
            f"the request is {request.status}: it can be cancelled only before the service starts",
            status=str(request.status),
        )
    await lifecycle.apply(uow, request, Action.cancel, actor, reason=reason)
    await ledger.release(uow, request.id, actor, note="cancelled")
    await uow.commit()
    return request


def _invited(request: ServiceRequest, expert_id: int) -> None:
    if request.expert_id != expert_id:
        raise NotPermitted("this invitation was sent to another expert")


async def accept(
    uow: UnitOfWork, request_id: int, expert_id: int, *, now: datetime | None = None
) -> ServiceRequest:
    now = now or utcnow()
    request = await load_request(uow, request_id)
    if request.status is RequestStatus.repick:
        raise lifecycle.IllegalTransition(
            "the invitation is no longer open; the farmer is choosing another expert"
        )
    _invited(request, expert_id)
    if request.invitation_expires_at is not None and request.invitation_expires_at <= now:
        raise lifecycle.IllegalTransition("the invitation expired; the farmer is choosing another expert")
    await lifecycle.apply(uow, request, Action.accept, Actor.expert(expert_id), at=now)
    await uow.commit()
    return request


async def decline(
    uow: UnitOfWork, request_id: int, expert_id: int, *, reason: str, now: datetime | None = None
) -> ServiceRequest:
    """The invited expert declines with a reason the farmer reads (a `DeclineReason` or their own
    words); the farmer picks another expert and the hold is kept."""
    reason = declining.checked_reason(reason)
    request = await load_request(uow, request_id)
    _invited(request, expert_id)
    await lifecycle.apply(uow, request, Action.decline, Actor.expert(expert_id), reason=reason, at=now)
    request.expert_id = None
    request.invitation_expires_at = None
    await uow.commit()
    return request


async def expire_invitations(uow: UnitOfWork, *, now: datetime | None = None) -> list[ServiceRequest]:
    """Approved invitations not answered in time go back to the farmer; the hold is kept."""
    now = now or utcnow()
    due = (
        await uow.session.scalars(
            select(ServiceRequest.id).where(
                ServiceRequest.status == RequestStatus.approved,
                ServiceRequest.invitation_expires_at <= now,
            )
        )
    ).all()
    expired = []
    for request_id in due:
        request = await load_request(uow, request_id)
        if request.status is not RequestStatus.approved:
            continue  # answered meanwhile
        await lifecycle.apply(
            uow, request, Action.expire, Actor.system(), reason="not answered within 24 hours", at=now
        )
        request.expert_id = None
        request.invitation_expires_at = None
        expired.append(request)
    await uow.commit()
    return expired


async def repick(
    uow: UnitOfWork, request_id: int, farmer_id: int, *, expert_id: int, now: datetime | None = None
) -> Submission:
    """The farmer chooses another expert after a decline or expiry; the original hold stays."""
    now = now or utcnow()
    request = await load_request(uow, request_id)
    _owned_by(request, farmer_id)
    expert = await expert_available_to_farmer(
        uow, expert_id, request.county_id, now=now, request_id=request.id
    )
    request.expert_id = expert.id
    request.review_expected_at = expected_review_at(now)
    await lifecycle.apply(uow, request, Action.repick, Actor.farmer(farmer_id), at=now)
    await uow.commit()
    return Submission(request, request.fee_fen or 0, request.review_expected_at)


async def capture_amount(uow: UnitOfWork, request: ServiceRequest, mode: ServiceMode, now: datetime) -> int:
    """What completing in `mode` captures: the mode's fee by the schedule in force at submission,
    when the voucher was held (a fee the city changed since never alters a fee already held,
    core.fees.set_fee), and never more than was held, even if the visit was dearer."""
    _, held = await ledger.held_for_request(uow, request.id)
    return min(await fees.fee_for(uow, mode, request.submitted_at or now), held)


async def complete(
    uow: UnitOfWork,
    request_id: int,
    expert_id: int,
    *,
    delivered_mode: ServiceMode,
    evidence: Evidence | None = None,
    now: datetime | None = None,
    commit: bool = True,
) -> Reimbursement:
    """Close the service with the mode actually delivered; capture its fee, credit the expert.
    The evidence of an on-site visit is recorded with the completion event. A mode other than the
    farmer's goes through core.mode_change first (the farmer's yes); `commit=False` leaves the commit
    to that caller."""
    now = now or utcnow()
    request = await load_request(uow, request_id)
    _invited(request, expert_id)
    if delivered_mode in ON_SITE and not evidence:
        raise InvalidInput("an on-site service needs evidence: a location or a photo from the visit")
    amount = await capture_amount(uow, request, delivered_mode, now)
    recorded = evidence.recorded() if evidence else None
    await lifecycle.apply(uow, request, Action.complete, Actor.expert(expert_id), reason=recorded, at=now)
    request.delivered_mode = delivered_mode
    request.completed_at = now
    if amount > 0:
        await ledger.capture(uow, request.id, amount, Actor.expert(expert_id))
    reimbursement = Reimbursement(
        expert_id=expert_id,
        request_id=request.id,
        county_id=request.county_id,
        budget_year=budget_year(now),
        amount_fen=amount,
    )
    uow.session.add(reimbursement)
    if commit:
        await uow.commit()
    return reimbursement


async def history(uow: UnitOfWork, request_id: int) -> list[RequestEvent]:
    return list(
        (
            await uow.session.scalars(
                select(RequestEvent).where(RequestEvent.request_id == request_id).order_by(RequestEvent.id)
            )
        ).all()
    )
