"""Back-office identities, API tokens (hashed), the audit log and update de-duplication."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import ActorKind, AdminRole
from storage.models.base import Base, CreatedAt, str_enum
from storage.types import UtcDateTime, utcnow


class AdminUser(CreatedAt, Base):
    __tablename__ = "admin_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[AdminRole] = mapped_column(str_enum(AdminRole))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"))
    # argon2id (core.passwords) for the web console's log-in; None: this admin has API tokens only.
    password_hash: Mapped[str | None] = mapped_column(String(255))


class ApiToken(CreatedAt, Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_user_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex; the token is shown once
    prefix: Mapped[str] = mapped_column(String(12))  # lets staff recognise a token without revealing it
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # None: tokens issued before expiry


class RequestClaim(Base):
    """A reviewer working on a request, so two reviewers do not decide the same one. A claim lapses
    at `expires_at`: a reviewer who went home does not hold the request hostage."""

    __tablename__ = "request_claims"

    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), primary_key=True)
    admin_user_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id"), index=True)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReviewNote(Base):
    """A reviewer's internal note on a request: never shown to the farmer or the expert."""

    __tablename__ = "review_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    admin_user_id: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    text: Mapped[str] = mapped_column(Text)


class IdempotentCall(Base):
    """The first answer to a POST sent with an `Idempotency-Key`: a retried call gets it again and
    changes nothing twice. Keys are per admin, so two reviewers cannot collide."""

    __tablename__ = "idempotent_calls"
    __table_args__ = (UniqueConstraint("admin_user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_user_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id"))
    key: Mapped[str] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(256))
    body_hash: Mapped[str] = mapped_column(String(64))  # the same key with another body is refused
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class AuditLog(Base):
    __tablename__ = "audit_log"
    # County staff page their county's entries newest first (core.audit.entries).
    __table_args__ = (Index("ix_audit_log_county_id_id", "county_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor_kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The county of the object the entry is about (None: no object, or one of no county).
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"))


class ScreeningAttempt(CreatedAt, Base):
    """A text refused by screening, kept for audit (the farmer never sees it reach a reviewer)."""

    __tablename__ = "screening_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    context: Mapped[str] = mapped_column(String(32))  # problem, thread, rating, advisory
    text: Mapped[str] = mapped_column(String(4096))
    hits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"))


class ProcessedUpdate(Base):
    """Telegram may deliver an update twice; the first delivery to commit wins."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
