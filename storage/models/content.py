"""Content the platform publishes or screens with: advisories and term lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import AdvisoryCategory, AdvisoryStatus, DeliveryStatus, TermAction
from storage.models.base import Base, CreatedAt, str_enum
from storage.types import UtcDateTime


class Advisory(CreatedAt, Base):
    __tablename__ = "advisories"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    category: Mapped[AdvisoryCategory] = mapped_column(str_enum(AdvisoryCategory))
    title: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)
    target_subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What screening flagged in the body and subjects when the expert wrote them, for the reviewer.
    screening: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[AdvisoryStatus] = mapped_column(
        str_enum(AdvisoryStatus), default=AdvisoryStatus.pending_review
    )
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    # When the expert was told the review's outcome (None: not yet).
    expert_told_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AdvisoryDelivery(CreatedAt, Base):
    """One farmer's copy of an approved advisory: written at approval, so a restart of the sender
    neither skips nor repeats anyone."""

    __tablename__ = "advisory_deliveries"
    __table_args__ = (UniqueConstraint("advisory_id", "farmer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advisory_id: Mapped[int] = mapped_column(ForeignKey("advisories.id"), index=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmers.id"), index=True)
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus), default=DeliveryStatus.pending)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TermEntry(CreatedAt, Base):
    """A screening term maintained in the database (the admin API edits these)."""

    __tablename__ = "term_entries"
    __table_args__ = (UniqueConstraint("list_name", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(String(64))
    term: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32))
    action: Mapped[TermAction] = mapped_column(str_enum(TermAction))
