"""The review desk's shapes: the queue, a decision, the request's state after it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from core.review import MAX_REASON
from core.review_queue import QueuedRequest
from storage.enums import RequestStatus, ServiceMode


class QueueItem(BaseModel):
    id: int
    county: str
    farmer: str
    specialty: str | None = Field(description="the specialty's Chinese name, as the NLU read it")
    subject: str | None = Field(description="the crop or animal")
    description: str
    photo_count: int
    fee_fen: int | None = Field(description="the fee held on the voucher, in fen")
    service_mode: ServiceMode | None
    submitted_at: datetime | None
    review_expected_at: datetime | None
    screening_flags: list[str] = Field(description="category:term of each sensitive term found")
    expert: str | None = Field(description="the expert the farmer invites")
    offer_id: int | None = Field(description="set when the request comes from an expert's offer to a park")

    @classmethod
    def of(cls, item: QueuedRequest) -> QueueItem:
        return cls(**{**item.__dict__, "screening_flags": list(item.screening_flags)})


class QueuePage(BaseModel):
    items: list[QueueItem]


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=1, max_length=MAX_REASON, description="told to the farmer: say what to change"
    )


class RequestState(BaseModel):
    id: int
    status: RequestStatus
