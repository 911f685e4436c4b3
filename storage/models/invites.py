"""Invite codes: staff-issued, single-use, expiring, stored only as a hash (core.invite_codes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedAt
from storage.types import UtcDateTime


class InviteCode(CreatedAt, Base):
    """One code binds one Telegram account to one expert record or one service object, once."""

    __tablename__ = "invite_codes"
    __table_args__ = (
        CheckConstraint("(expert_id IS NULL) <> (service_object_id IS NULL)", name="one_holder"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 hex of the canonical code: a copy of the database gives no code that binds anyone.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id"), index=True)
    service_object_id: Mapped[int | None] = mapped_column(ForeignKey("service_objects.id"), index=True)
    # Staff asked for it to move an expert who is bound already to another account (a new phone).
    rebind: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("admin_users.id"))  # None: the local operator
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    used_by: Mapped[int | None] = mapped_column(BigInteger)  # the Telegram user id it bound
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
