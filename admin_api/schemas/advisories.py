"""The advisory desk's shapes: a page of advisories, one in full, a decision and its outcome."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from admin_api.pagination import PageQuery
from core.advisories import MAX_REASON
from core.advisory_review import AdvisoryDetail, AdvisoryRow, ReviewState
from storage.enums import AdvisoryCategory, AdvisoryStatus


class AdvisoryQuery(PageQuery):
    status: ReviewState = Field(
        ReviewState.pending,
        description="pending (oldest first), approved (with those already sent) or rejected (newest first)",
    )


class AdvisoryItem(BaseModel):
    id: int
    county: str
    expert: str
    category: AdvisoryCategory
    title: str = Field(description="the advisory's first line")
    target_subjects: list[str] = Field(description="crops or animals it concerns; empty: the whole county")
    status: AdvisoryStatus
    submitted_at: datetime
    reviewed_at: datetime | None

    @classmethod
    def of(cls, row: AdvisoryRow) -> AdvisoryItem:
        return cls(**{name: getattr(row, name) for name in cls.model_fields})


class AdvisoryPage(BaseModel):
    items: list[AdvisoryItem]
    next_cursor: str | None = Field(description="send as `cursor` for the next page; null: no more")


class AdvisoryOut(AdvisoryItem):
    body: str = Field(description="the text the farmers would read")
    expert_id: int
    screening_flags: list[str] = Field(description="category:term of each term screening flagged")
    recipients: int = Field(
        description="pending: the farmers it would reach if approved now; approved: the copies made"
    )
    reason: str | None = Field(description="why it was rejected, as the expert read it")
    reviewed_by: int | None = Field(description="the admin who decided (null: the local operator)")

    @classmethod
    def of(cls, row: AdvisoryRow) -> AdvisoryOut:
        assert isinstance(row, AdvisoryDetail)
        return cls(**{name: getattr(row, name) for name in cls.model_fields})


class AdvisoryRejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=1, max_length=MAX_REASON, description="told to the expert: say what to change"
    )


class AdvisoryDecision(BaseModel):
    id: int
    status: AdvisoryStatus = Field(
        description="approved (the bot sends it), sent (nobody to reach), rejected"
    )
    recipients: int = Field(description="the farmers the bot sends it to (0 for a rejection)")
