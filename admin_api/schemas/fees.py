"""The fee schedule's shapes: amounts in integer fen, as the ledger keeps them."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt

from core.fees import MAX_FEE_FEN
from storage.enums import ServiceMode
from storage.models import FeeScheduleEntry


class FeeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_mode: ServiceMode
    fee_fen: StrictInt = Field(ge=1, le=MAX_FEE_FEN, description="the fee in fen (¥50 = 5000)")
    effective_from: AwareDatetime | None = Field(
        None, description="from when (with its time zone); left out: now. Never in the past"
    )


class FeeEntryOut(BaseModel):
    id: int
    service_mode: ServiceMode
    fee_fen: int
    effective_from: datetime
    created_at: datetime

    @classmethod
    def of(cls, entry: FeeScheduleEntry) -> FeeEntryOut:
        return cls(**{name: getattr(entry, name) for name in cls.model_fields})


class FeeScheduleOut(BaseModel):
    in_force: dict[ServiceMode, int] = Field(description="each mode's fee in fen now")
    entries: list[FeeEntryOut] = Field(description="every entry, newest effective first (future ones too)")
