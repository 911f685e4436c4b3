"""An expert offers a service to a park; a member of the park accepts or declines (Art. 15(3)).

Parks may receive expert-initiated service; demonstration households, points and units must invite
the expert themselves, so an offer is only ever made to a park of the expert's own county. A member's
accept submits a request exactly as the farmer's own invitation does (core.requests.submit_request:
the voucher hold, the expected review time), and the reviewer's approval then puts it in service at
once (core.requests.approve). Every change of an offer is written to the audit log, which is also what
the bot reads to push the offer to the park's members and the outcome to the expert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute

from core import audit, fees, ledger, requests
from core.actors import Actor
from core.budget import budget_year
from core.description import is_describable
from core.errors import (
    IllegalTransition,
    InsufficientBalance,
    InvalidInput,
    NotFound,
    NotPermitted,
    within_limit,
)
from core.matching import is_serving
from storage.enums import OfferStatus, RequestStatus, ServiceMode, ServiceObjectKind
from storage.models import Expert, Farmer, ServiceObject, ServiceOffer, ServiceRequest
from storage.rows import row_to_change
from storage.uow import UnitOfWork

# Three days: an offer is not a farmer's urgent problem, and a park decides as an organisation (the
# member who can say yes may be in the fields or away over a weekend), so the 24 hours of an
# invitation are too short; beyond three days what was offered (an on-site visit at this stage of the
# season) may no longer hold, and the expert should be free to offer it elsewhere.
OFFER_TTL = timedelta(days=3)
# The offer becomes the request's description, which the reviewer and the members read in full.
MAX_OFFER = 1000
ENTITY = "service_offer"  # the audit log's name for an offer; the bot's offer pushes read these rows


class OfferClosed(IllegalTransition):
    """The offer was already answered, withdrawn or has expired: `status`, and `member` (the name of
    whoever answered it, when a member did)."""

    code = "offer_closed"


@dataclass(frozen=True)
class Park:
    id: int
    name: str
    members: int  # farmers bound to the park, who receive an offer


async def serving_expert(uow: UnitOfWork, expert_id: int, now: datetime) -> Expert:
    expert = await uow.session.get(Expert, expert_id)
    if expert is None:
        raise NotFound("no such expert", expert_id=expert_id)
    if not is_serving(expert, now):
        raise NotPermitted("only an active expert within their term may offer a service", expert_id=expert_id)
    return expert


def _members_of(park_id: int | InstrumentedAttribute[int]) -> Select[int]:
    return select(func.count(Farmer.id)).where(Farmer.service_object_id == park_id)


async def parks_for(uow: UnitOfWork, expert_id: int, now: datetime) -> list[Park]:
    """The certified parks of the expert's own county, with how many members would hear the offer."""
    expert = await serving_expert(uow, expert_id, now)
    rows = await uow.session.execute(
        select(ServiceObject.id, ServiceObject.name, _members_of(ServiceObject.id).scalar_subquery())
        .where(
            ServiceObject.kind == ServiceObjectKind.park,
            ServiceObject.county_id == expert.county_id,
            ServiceObject.certified.is_(True),
        )
        .order_by(ServiceObject.id)
    )
    return [Park(id, name, members) for id, name, members in rows.all()]


async def park_for(uow: UnitOfWork, expert_id: int, service_object_id: int, now: datetime) -> Park:
    """The park the expert may offer to; refuses anything else, including a forged button."""
    expert = await serving_expert(uow, expert_id, now)
    park = await uow.session.get(ServiceObject, service_object_id)
    if park is None or not park.certified:
        raise NotFound("no such certified service object", service_object_id=service_object_id)
    if park.kind is not ServiceObjectKind.park:
        raise NotPermitted(
            "only a park may receive an expert's offer; demonstration households, points and units "
            "invite an expert themselves (Art. 15(3))",
            service_object_id=service_object_id,
            refusal="not_a_park",
        )
    if park.county_id != expert.county_id:
        raise NotPermitted(
            "experts serve their own county only; this park belongs to another county",
            service_object_id=service_object_id,
            refusal="other_county",
        )
    members = await uow.session.scalar(_members_of(park.id)) or 0
    return Park(park.id, park.name, members)


class NobodyToTell(InvalidInput):
    """No member of the park has joined the bot: an offer would reach no one and only expire."""

    code = "nobody_to_tell"


async def park_to_offer(uow: UnitOfWork, expert_id: int, service_object_id: int, now: datetime) -> Park:
    """`park_for`, refusing a park none of whose members could hear of the offer."""
    park = await park_for(uow, expert_id, service_object_id, now)
    if not park.members:
        raise NobodyToTell("no member of this park has joined the bot yet", park=park.name)
    return park


def checked_description(text: str) -> str:
    description = text.strip()
    within_limit(description, MAX_OFFER, field="description", what="an offer")
    if not is_describable(description):
        raise InvalidInput("say in words what you offer", field="description")
    return description


async def make_offer(
    uow: UnitOfWork,
    expert_id: int,
    service_object_id: int,
    *,
    description: str,
    mode: ServiceMode,
    now: datetime,
    screening: dict[str, Any] | None = None,
    specialty_code: str | None = None,
    subject: str | None = None,
) -> ServiceOffer:
    """`specialty_code` and `subject`: what the offer is about, as the intake's NLU reads it."""
    park = await park_to_offer(uow, expert_id, service_object_id, now)
    expert = await serving_expert(uow, expert_id, now)
    offer = ServiceOffer(
        expert_id=expert.id,
        service_object_id=park.id,
        county_id=expert.county_id,
        description=checked_description(description),
        specialty_code=specialty_code,
        subject=subject[:64] if subject else None,
        service_mode=mode,
        fee_fen=await fees.fee_for(uow, mode, now),
        status=OfferStatus.offered,
        screening=screening or {},
        expires_at=now + OFFER_TTL,
        created_at=now,
    )
    uow.session.add(offer)
    await uow.flush()
    await audit.record(
        uow,
        Actor.expert(expert.id),
        "offer.make",
        ENTITY,
        offer.id,
        park=park.id,
        mode=str(mode),
        fee_fen=offer.fee_fen,
    )
    await uow.commit()
    return offer


async def load_offer(uow: UnitOfWork, offer_id: int, *, lock: bool = True) -> ServiceOffer:
    offer = await row_to_change(uow.session, ServiceOffer, offer_id, lock=lock)
    if offer is None:
        raise NotFound(f"offer {offer_id} does not exist", offer_id=offer_id)
    return offer


async def _still_open(uow: UnitOfWork, offer: ServiceOffer, now: datetime) -> None:
    if offer.status is OfferStatus.offered and offer.expires_at <= now:
        raise OfferClosed(f"offer {offer.id} expired", status=str(OfferStatus.expired), member=None)
    if offer.status is not OfferStatus.offered:
        member = await uow.session.get(Farmer, offer.decided_by) if offer.decided_by else None
        raise OfferClosed(
            f"offer {offer.id} is {offer.status}",
            status=str(offer.status),
            member=member.name if member else None,
        )


async def _member(uow: UnitOfWork, offer: ServiceOffer, farmer_id: int) -> Farmer:
    farmer = await uow.session.get(Farmer, farmer_id)
    if farmer is None or farmer.service_object_id != offer.service_object_id:
        raise NotPermitted("this offer was made to another service object", offer_id=offer.id)
    return farmer


def _decided(offer: ServiceOffer, status: OfferStatus, now: datetime, farmer_id: int | None = None) -> None:
    offer.status = status
    offer.decided_at = now
    offer.decided_by = farmer_id


async def accept(uow: UnitOfWork, offer_id: int, farmer_id: int, *, now: datetime) -> requests.Submission:
    """The first member to accept wins: a request of theirs for the park, submitted for review.

    InsufficientBalance: the park's vouchers do not cover the fee; nothing changes, the offer stays open.
    """
    offer = await load_offer(uow, offer_id)
    farmer = await _member(uow, offer, farmer_id)
    await _still_open(uow, offer, now)
    account = await ledger.get_account(uow, offer.service_object_id, budget_year(now))
    balance = await ledger.account_balance(uow, account.id)
    fee = await fees.fee_for(uow, offer.service_mode, now)
    if balance.available_fen < fee:  # said before anything is written; the hold below still guards
        raise InsufficientBalance(
            "the park's voucher balance does not cover this offer's fee",
            available_fen=balance.available_fen,
            amount_fen=fee,
        )
    request = ServiceRequest(
        farmer_id=farmer.id,
        service_object_id=offer.service_object_id,
        county_id=offer.county_id,
        status=RequestStatus.draft,
        description=offer.description,
        specialty_code=offer.specialty_code,
        subject=offer.subject,
        screening=offer.screening,
        photo_file_ids=[],
    )
    uow.session.add(request)
    await uow.flush()
    submission = await requests.submit_request(
        uow,
        request,
        farmer.id,
        expert_id=offer.expert_id,
        mode=offer.service_mode,
        now=now,
        reason=f"accepted expert-initiated offer #{offer.id}",
    )
    _decided(offer, OfferStatus.accepted, now, farmer.id)
    offer.request_id = request.id
    await audit.record(uow, Actor.farmer(farmer.id), "offer.accept", ENTITY, offer.id, request_id=request.id)
    await uow.commit()
    return submission


async def decline(uow: UnitOfWork, offer_id: int, farmer_id: int, *, now: datetime) -> ServiceOffer:
    """A member says no for the park: the offer closes and the expert is told."""
    offer = await load_offer(uow, offer_id)
    farmer = await _member(uow, offer, farmer_id)
    await _still_open(uow, offer, now)
    _decided(offer, OfferStatus.declined, now, farmer.id)
    await audit.record(uow, Actor.farmer(farmer.id), "offer.decline", ENTITY, offer.id)
    await uow.commit()
    return offer


async def withdraw(uow: UnitOfWork, offer_id: int, expert_id: int, *, now: datetime) -> ServiceOffer:
    offer = await load_offer(uow, offer_id)
    if offer.expert_id != expert_id:
        raise NotPermitted("this offer is another expert's", offer_id=offer_id)
    await _still_open(uow, offer, now)
    _decided(offer, OfferStatus.withdrawn, now)
    await audit.record(uow, Actor.expert(expert_id), "offer.withdraw", ENTITY, offer.id)
    await uow.commit()
    return offer


async def expire_offers(uow: UnitOfWork, *, now: datetime) -> list[ServiceOffer]:
    """Open offers nobody answered within OFFER_TTL close; the expert is told."""
    due = (
        await uow.session.scalars(
            select(ServiceOffer.id).where(
                ServiceOffer.status == OfferStatus.offered, ServiceOffer.expires_at <= now
            )
        )
    ).all()
    expired = []
    for offer_id in due:
        offer = await load_offer(uow, offer_id)
        if offer.status is not OfferStatus.offered:
            continue  # answered meanwhile
        _decided(offer, OfferStatus.expired, now)
        await audit.record(uow, Actor.system(), "offer.expire", ENTITY, offer.id)
        expired.append(offer)
    await uow.commit()
    return expired


async def open_offers(uow: UnitOfWork, expert_id: int, now: datetime) -> list[tuple[ServiceOffer, str]]:
    """The expert's offers still waiting for an answer, newest first, with the park's name."""
    rows = await uow.session.execute(
        select(ServiceOffer, ServiceObject.name)
        .join(ServiceObject, ServiceObject.id == ServiceOffer.service_object_id)
        .where(
            ServiceOffer.expert_id == expert_id,
            ServiceOffer.status == OfferStatus.offered,
            ServiceOffer.expires_at > now,
        )
        .order_by(ServiceOffer.id.desc())
    )
    return [(offer, name) for offer, name in rows.all()]


async def open_offers_to(uow: UnitOfWork, service_object_id: int, now: datetime) -> list[int]:
    """The offers to this park still waiting for an answer, oldest first: a member who binds later
    has not had them pushed."""
    rows = await uow.session.scalars(
        select(ServiceOffer.id)
        .where(
            ServiceOffer.service_object_id == service_object_id,
            ServiceOffer.status == OfferStatus.offered,
            ServiceOffer.expires_at > now,
        )
        .order_by(ServiceOffer.id)
    )
    return list(rows.all())
