"""Whether a request came from an expert's offer to a park, for the rules and screens that differ."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ServiceOffer
from storage.uow import UnitOfWork


async def offer_id_for(uow: UnitOfWork, request_id: int) -> int | None:
    """The offer a park member accepted to create this request; None for a farmer's own invitation."""
    return await uow.session.scalar(select(ServiceOffer.id).where(ServiceOffer.request_id == request_id))
