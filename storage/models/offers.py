"""An expert's offer of service to a park (Art. 15(3): parks may receive expert-initiated service)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import OfferStatus, ServiceMode
from storage.models.base import Base, CreatedAt, str_enum
from storage.types import UtcDateTime


class ServiceOffer(CreatedAt, Base):
    __tablename__ = "service_offers"
    # The sweep looks for open offers past their time every 30 s; the expert's list for their open ones.
    __table_args__ = (Index("ix_service_offers_status_expires_at", "status", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    service_object_id: Mapped[int] = mapped_column(ForeignKey("service_objects.id"), index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    description: Mapped[str] = mapped_column(Text)
    # What the offer is about, as the intake reads a farmer's problem: the request an accept creates
    # carries them, so the review, the expert's queue and the conversation name it like any other.
    specialty_code: Mapped[str | None] = mapped_column(ForeignKey("specialties.code"))
    subject: Mapped[str | None] = mapped_column(String(64))  # the crop or livestock
    service_mode: Mapped[ServiceMode] = mapped_column(str_enum(ServiceMode))
    fee_fen: Mapped[int] = mapped_column(Integer)  # the city's fee for the mode when offered
    status: Mapped[OfferStatus] = mapped_column(str_enum(OfferStatus), default=OfferStatus.offered)
    screening: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # flagged terms, for the reviewer
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("farmers.id"))  # the member who answered
    # The request a member's accept created: one offer becomes at most one request.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"), unique=True)
