"""Electronic vouchers: accounts, the append-only ledger, expert reimbursements and the fee schedule.

Money is integer fen. Each ledger row carries its effect on the account's available and held
balances, so both balances are plain sums of the ledger; the account row keeps a running copy
that is updated in the same transaction and can always be reconciled against those sums.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import ActorKind, LedgerKind, ServiceMode, ServiceObjectKind
from storage.models.base import Base, CreatedAt, str_enum
from storage.types import UtcDateTime


class VoucherAccount(CreatedAt, Base):
    __tablename__ = "voucher_accounts"
    __table_args__ = (
        UniqueConstraint("service_object_id", "budget_year"),
        CheckConstraint("available_fen >= 0", name="available_not_negative"),
        CheckConstraint("held_fen >= 0", name="held_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_object_id: Mapped[int] = mapped_column(ForeignKey("service_objects.id"), index=True)
    budget_year: Mapped[int] = mapped_column(Integer)
    available_fen: Mapped[int] = mapped_column(Integer, default=0)
    held_fen: Mapped[int] = mapped_column(Integer, default=0)


class LedgerEntry(CreatedAt, Base):
    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("voucher_accounts.id"), index=True)
    budget_year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[LedgerKind] = mapped_column(str_enum(LedgerKind))
    amount_fen: Mapped[int] = mapped_column(Integer)  # always positive: the size of the movement
    available_delta_fen: Mapped[int] = mapped_column(Integer)
    held_delta_fen: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"), index=True)
    actor_kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class Reimbursement(CreatedAt, Base):
    """A captured fee credited to the expert who delivered the service (核销, Art. 15(1))."""

    __tablename__ = "reimbursements"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), unique=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    budget_year: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Integer)
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class FeeScheduleEntry(CreatedAt, Base):
    """The city's fee per service mode (Art. 15); the newest row effective at a time wins."""

    __tablename__ = "fee_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_mode: Mapped[ServiceMode] = mapped_column(str_enum(ServiceMode))
    fee_fen: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime())


class VoucherAllowance(Base):
    """How much a service object of a kind receives for a budget year."""

    __tablename__ = "voucher_allowances"
    __table_args__ = (UniqueConstraint("kind", "budget_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ServiceObjectKind] = mapped_column(str_enum(ServiceObjectKind))
    budget_year: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(128))


class VoucherBatch(CreatedAt, Base):
    """A batch of vouchers issued, or a year's expiry, kept under its key: the same key sent again
    answers this row and moves no money twice (core.vouchers_admin)."""

    __tablename__ = "voucher_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_key: Mapped[str] = mapped_column(String(64), unique=True)
    action: Mapped[str] = mapped_column(String(16))  # issue | expire
    budget_year: Mapped[int] = mapped_column(Integer)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"))  # None: city-wide
    amount_fen: Mapped[int | None] = mapped_column(Integer)  # per account, for an issue
    accounts: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(Integer)


class ReimbursementStatement(CreatedAt, Base):
    """An expert's statement for a period (核销, Art. 15): draft → confirmed → paid. Confirming
    freezes its lines (ReimbursementLine); a paid statement never changes."""

    __tablename__ = "reimbursement_statements"
    __table_args__ = (UniqueConstraint("expert_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"))
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    period: Mapped[str] = mapped_column(String(8))  # 2026-07, 2026-Q3, 2026-H2, 2026
    status: Mapped[str] = mapped_column(String(16))  # draft | confirmed | paid
    total_fen: Mapped[int] = mapped_column(Integer, default=0)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ReimbursementLine(Base):
    """One captured service on a confirmed statement; a service is on one statement at most."""

    __tablename__ = "reimbursement_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("reimbursement_statements.id"), index=True)
    reimbursement_id: Mapped[int] = mapped_column(ForeignKey("reimbursements.id"), unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"))
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    service_mode: Mapped[ServiceMode] = mapped_column(str_enum(ServiceMode))
    fee_fen: Mapped[int] = mapped_column(Integer)
