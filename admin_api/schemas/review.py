"""The review desk's shapes: a decision, the request's state after it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.review import MAX_REASON
from storage.enums import RequestStatus


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=1, max_length=MAX_REASON, description="told to the farmer: say what to change"
    )


class RequestState(BaseModel):
    id: int
    status: RequestStatus
