"""The voucher desk's shapes: accounts and their ledgers, batches, adjustments, expiry, reconciliation.
Money is integer fen throughout (¥12.50 is 1250)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from admin_api.endpoints import ID_MAX
from admin_api.pagination import PageQuery
from core.voucher_desk import MAX_KEY, MAX_REASON, BatchResult
from core.vouchers_admin import AccountRow, LedgerRow
from storage.enums import LedgerKind, ServiceObjectKind

YEAR = Field(ge=2000, le=2100, description="the budget year (calendar year, Asia/Shanghai)")


class AccountQuery(PageQuery):
    kind: ServiceObjectKind | None = Field(None, description="household, point, park or unit")
    township: int | None = Field(None, ge=1, le=ID_MAX, description="a township's id")
    year: int | None = Field(None, ge=2000, le=2100, description="the budget year")


class AccountOut(BaseModel):
    id: int
    service_object_id: int
    service_object: str
    kind: ServiceObjectKind
    county: str
    township: str | None
    budget_year: int
    issued_fen: int = Field(description="issued and adjusted, net: available + held + captured + expired")
    available_fen: int = Field(description="what the service object can still spend")
    held_fen: int = Field(description="reserved by requests under way")
    captured_fen: int = Field(description="spent on delivered services")
    expired_fen: int = Field(description="lapsed at the year's end")

    @classmethod
    def of(cls, row: AccountRow) -> AccountOut:
        return cls(**{name: getattr(row, name) for name in cls.model_fields})


class AccountPage(BaseModel):
    items: list[AccountOut]
    next_cursor: str | None = Field(description="send as `cursor` for the next page; null: no more")


class LedgerItem(BaseModel):
    id: int
    at: datetime
    kind: LedgerKind
    amount_fen: int = Field(description="the size of the movement, always positive")
    available_delta_fen: int
    held_delta_fen: int
    request_id: int | None
    actor: str = Field(description="who moved it: admin:3, farmer:12, system")
    note: str | None

    @classmethod
    def of(cls, row: LedgerRow) -> LedgerItem:
        return cls(**{name: getattr(row, name) for name in cls.model_fields})


class LedgerPage(BaseModel):
    account: AccountOut
    items: list[LedgerItem] = Field(description="oldest first")
    next_cursor: str | None


class IssueBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_fen: StrictInt = Field(gt=0, le=10_000_000, description="per account, in fen")
    budget_year: StrictInt = YEAR
    kind: ServiceObjectKind | None = Field(None, description="every certified service object of this kind")
    township_id: int | None = Field(None, ge=1, le=ID_MAX, description="…in this township")
    service_object_ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] = Field(
        default_factory=list, max_length=1000, description="or exactly these service objects (at most 1,000)"
    )
    preview: StrictBool = Field(False, description="true: say how many accounts and the total; write nothing")
    batch_key: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_KEY,
        description="required to issue: the same key again issues nothing and answers the first batch",
    )


class BatchOut(BaseModel):
    batch_key: str | None
    budget_year: int
    accounts: int
    total_fen: int
    amount_fen: int | None = Field(description="per account (null for an expiry)")
    preview: bool
    repeated: bool = Field(description="true: the key was used before; this is that call's result")

    @classmethod
    def of(cls, result: BatchResult) -> BatchOut:
        return cls(**{name: getattr(result, name) for name in cls.model_fields})


class AdjustBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delta_fen: StrictInt = Field(ge=-10_000_000, le=10_000_000, description="up (positive) or down, in fen")
    reason: str = Field(min_length=1, max_length=MAX_REASON, description="why, for the audit log")


class ExpireBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    budget_year: StrictInt = YEAR


class ReconciliationQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(None, ge=2000, le=2100, description="one budget year only")


class ReconciliationOut(BaseModel):
    accounts: int = Field(description="accounts checked in the caller's scope")
    mismatches: list[AccountOut] = Field(description="accounts whose balances differ from their ledger")
