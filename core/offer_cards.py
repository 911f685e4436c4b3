"""What is shown about an offer: to the park's members (who offers what, at what fee, and what the
park has left to pay with) and to the expert (who answered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core import ledger
from core.budget import budget_year
from core.errors import NotFound
from core.offers import load_offer
from storage.models import Expert, Farmer, ServiceObject, ServiceOffer, Specialty
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class OfferCard:
    offer: ServiceOffer
    park: ServiceObject
    expert: Expert
    specialties: list[Specialty]
    available_fen: int  # the park's voucher balance this year (0 when none was issued)
    decided_by: Farmer | None


async def offer_card(uow: UnitOfWork, offer_id: int, now: datetime) -> OfferCard:
    offer = await load_offer(uow, offer_id, lock=False)
    park = await uow.session.get(ServiceObject, offer.service_object_id)
    expert = await uow.session.get(Expert, offer.expert_id)
    assert park is not None and expert is not None  # foreign keys
    specialties = (
        await uow.session.scalars(
            select(Specialty).where(Specialty.code.in_(expert.specialty_codes)).order_by(Specialty.code)
        )
    ).all()
    decided_by = await uow.session.get(Farmer, offer.decided_by) if offer.decided_by else None
    return OfferCard(
        offer, park, expert, list(specialties), await available_fen(uow, park.id, now), decided_by
    )


async def available_fen(uow: UnitOfWork, service_object_id: int, now: datetime) -> int:
    """What the service object can still pay with this year; 0 when no voucher was issued."""
    try:
        account = await ledger.get_account(uow, service_object_id, budget_year(now))
    except NotFound:
        return 0
    return (await ledger.account_balance(uow, account.id)).available_fen


async def members(uow: UnitOfWork, service_object_id: int) -> list[Farmer]:
    """The farmers bound to the service object: each hears of an offer to it."""
    return list(
        (
            await uow.session.scalars(
                select(Farmer).where(Farmer.service_object_id == service_object_id).order_by(Farmer.id)
            )
        ).all()
    )
