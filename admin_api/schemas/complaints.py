"""The complaint desk's shapes. The API says `unfounded` for a complaint found without ground; the
database keeps it as `dismissed` (storage.enums.ComplaintStatus)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from admin_api.pagination import PageQuery
from core.complaint_desk import ComplaintDetail, ComplaintRow
from core.feedback import MAX_TEXT_LENGTH
from storage.enums import ComplaintStatus, RequestStatus
from storage.models import Complaint


class ComplaintState(StrEnum):
    open = "open"
    verified = "verified"
    unfounded = "unfounded"

    @property
    def stored(self) -> ComplaintStatus:
        return ComplaintStatus.dismissed if self is ComplaintState.unfounded else ComplaintStatus(self.value)

    @classmethod
    def of(cls, status: ComplaintStatus) -> ComplaintState:
        return cls.unfounded if status is ComplaintStatus.dismissed else cls(status.value)


class ComplaintQuery(PageQuery):
    status: ComplaintState = Field(
        ComplaintState.open, description="open (oldest first), verified or unfounded (newest first)"
    )


class ComplaintItem(BaseModel):
    id: int
    request_id: int
    county: str
    farmer: str
    expert: str | None = Field(description="the expert complained about (null: none was chosen yet)")
    text: str = Field(description="the farmer's complaint")
    status: ComplaintState
    created_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, row: ComplaintRow) -> ComplaintItem:
        fields = {name: getattr(row, name) for name in cls.model_fields if name != "status"}
        return cls(**fields, status=ComplaintState.of(row.status))


class ComplaintPage(BaseModel):
    items: list[ComplaintItem]
    next_cursor: str | None = Field(description="send as `cursor` for the next page; null: no more")


class ComplaintOut(ComplaintItem):
    resolution: str | None = Field(description="the note the county wrote when resolving it")
    farmer_id: int
    expert_id: int | None
    request_status: RequestStatus
    request_subject: str | None = Field(description="the crop or animal")
    request_description: str = Field(description="the farmer's problem as submitted")
    submitted_at: datetime | None
    rating_stars: int | None = Field(description="the farmer's rating of the same service (1–5), if any")
    rating_comment: str | None

    @classmethod
    def of(cls, row: ComplaintRow) -> ComplaintOut:
        assert isinstance(row, ComplaintDetail)
        fields = {name: getattr(row, name) for name in cls.model_fields if name != "status"}
        return cls(**fields, status=ComplaintState.of(row.status))


class ResolveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Literal["verified", "unfounded"] = Field(
        description="verified (counts against the expert, Art. 9(3)2(3)) or unfounded"
    )
    note: str = Field(min_length=1, max_length=MAX_TEXT_LENGTH, description="what was found, for the record")


class ComplaintResolved(BaseModel):
    id: int
    status: ComplaintState
    resolution: str | None
    resolved_at: datetime | None

    @classmethod
    def of(cls, complaint: Complaint) -> ComplaintResolved:
        return cls(
            id=complaint.id,
            status=ComplaintState.of(complaint.status),
            resolution=complaint.resolution,
            resolved_at=complaint.resolved_at,
        )
