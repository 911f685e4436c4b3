"""Service requests and everything recorded against them: events, thread messages, ratings, complaints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import ActorKind, ComplaintStatus, MessageKind, RequestStatus, ServiceMode
from storage.models.base import Base, CreatedAt, str_enum
from storage.types import UtcDateTime, utcnow


class ServiceRequest(CreatedAt, Base):
    __tablename__ = "service_requests"
    # By person and status, not by person alone: the bot counts each sender's requests in service on
    # every update (core.binding.identify), and the lists of a farmer's or an expert's requests filter
    # on status too; on the person alone that count read every request the person ever made.
    __table_args__ = (
        Index("ix_service_requests_farmer_id_status", "farmer_id", "status"),
        Index("ix_service_requests_expert_id_status", "expert_id", "status"),
        # The review queue (core.review_queue): pending requests of a county, oldest first. Partial,
        # so it holds the few hundred waiting requests, not the millions decided (migration 0012).
        Index(
            "ix_service_requests_pending_review",
            "county_id",
            "submitted_at",
            "id",
            postgresql_where=text("status = 'pending_review'"),
            sqlite_where=text("status = 'pending_review'"),
        ),
        # The invitation-expiry sweep (core.requests.expire_invitations, every 30 s): the open
        # invitations by deadline; partial, so it holds the few waiting ones (migration 0016).
        Index(
            "ix_service_requests_invitations_due",
            "invitation_expires_at",
            postgresql_where=text("status = 'approved'"),
            sqlite_where=text("status = 'approved'"),
        ),
        # An expert's live load (core.matching's suggestions, core.team's waiting and in-service
        # counts): partial, so a team's figures read the few hundred open requests, not an index of
        # every request ever made whose depth grows with history (migration 0016).
        Index(
            "ix_service_requests_live_by_expert",
            "expert_id",
            "status",
            "invitation_expires_at",
            postgresql_where=text("status IN ('approved', 'in_service')"),
            sqlite_where=text("status IN ('approved', 'in_service')"),
        ),
        # An expert's services of a year (the reconciliation of core.expert_figures, reports): his
        # completions of that year only, not all his requests then a filter (migration 0016).
        Index("ix_service_requests_expert_id_completed_at", "expert_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmers.id"))
    service_object_id: Mapped[int] = mapped_column(ForeignKey("service_objects.id"), index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus), default=RequestStatus.draft)
    specialty_code: Mapped[str | None] = mapped_column(ForeignKey("specialties.code"))
    subject: Mapped[str | None] = mapped_column(String(64))  # the crop or livestock
    description: Mapped[str] = mapped_column(Text, default="")
    symptoms: Mapped[str | None] = mapped_column(Text)
    growth_stage: Mapped[str | None] = mapped_column(String(64))
    # For counting: exact, or the lower bound of the farmer's estimate (十几只 → 11).
    scale_quantity: Mapped[float | None] = mapped_column(Float)
    scale_unit: Mapped[str | None] = mapped_column(String(8))  # 亩, 只, 头 …
    scale_words: Mapped[str | None] = mapped_column(String(32))  # for reading: as written, 十几只
    photo_file_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    place: Mapped[str | None] = mapped_column(String(128))
    service_mode: Mapped[ServiceMode | None] = mapped_column(str_enum(ServiceMode))
    delivered_mode: Mapped[ServiceMode | None] = mapped_column(str_enum(ServiceMode, "delivered_mode"))
    fee_fen: Mapped[int | None] = mapped_column(Integer)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id"))
    screening: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # flags for the reviewer
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    review_expected_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    invitation_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class RequestEvent(Base):
    """One lifecycle transition; append-only (Art. 12: the whole process is auditable)."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor_kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[RequestStatus | None] = mapped_column(str_enum(RequestStatus, "from_status"))
    to_status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus))
    expert_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)


class ThreadMessage(CreatedAt, Base):
    __tablename__ = "thread_messages"
    # An edited Telegram message is found by who sent it and its message id (core.threads.revise);
    # without this the lookup read every message of the sender's requests (migration 0016).
    __table_args__ = (Index("ix_thread_messages_sender", "sender_kind", "sender_id", "telegram_message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    sender_kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind))
    sender_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind))
    text: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(256))
    screening_verdict: Mapped[str] = mapped_column(String(16), default="clean")
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # Stored, not yet relayed: Telegram could not be reached; relayed again, in order, when it can.
    relay_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)


class Rating(CreatedAt, Base):
    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), unique=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmers.id"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    auto_confirmed: Mapped[bool] = mapped_column(default=False)


class Complaint(CreatedAt, Base):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmers.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[ComplaintStatus] = mapped_column(str_enum(ComplaintStatus), default=ComplaintStatus.open)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ExpertYear(Base):
    """One expert's running figures for one budget year (Bayannur's calendar), so the everyday
    questions (his rating, his year's services) read a row per expert and year, not his history.

    Updated in the unit of work of the event itself (core.expert_figures), the way voucher accounts
    keep running balances; core.expert_figures.reconcile recounts them from the requests, events
    and ratings. Not exported from storage.models: only core.expert_figures reads or writes it.
    """

    __tablename__ = "expert_years"

    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), primary_key=True)
    budget_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    services: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # completed
    declines: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    expiries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Accepts and declines of an invitation sent the same year, and the seconds they waited in all.
    answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    answer_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    ratings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # given that year
    stars: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
