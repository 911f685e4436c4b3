"""The review queue's and claims' shapes: filters, a page with its counts, a claim."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from core import review_queue
from core.claims import Claim
from core.review_queue import ClaimedFilter, QueueCounts, QueueEntry, QueueFilter, QueuePosition
from storage.enums import ServiceMode

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class QueueQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    county: str | None = Field(
        None,
        min_length=1,
        max_length=32,
        description="a county's name (city roles; a county role may name only its own)",
    )
    township: str | None = Field(
        None, min_length=1, max_length=64, description="a township's id or its exact name"
    )
    specialty: str | None = Field(None, min_length=1, max_length=32, description="a specialty's code")
    flagged: bool | None = Field(None, description="true: only requests screening flagged; false: only clean")
    overdue: bool | None = Field(None, description="true: only requests past their review deadline")
    claimed: ClaimedFilter | None = Field(
        None, description="me: claimed by the caller; anyone: claimed; none: not claimed (or lapsed)"
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="requests per page")
    cursor: str | None = Field(
        None, max_length=128, description="the previous page's next_cursor; leave out for the first page"
    )

    @field_validator("cursor")
    @classmethod
    def _readable(cls, cursor: str | None) -> str | None:
        if cursor is not None:
            QueuePosition.decode(cursor)  # ValueError → 400 with its words
        return cursor

    def filters(self) -> QueueFilter:
        return QueueFilter(
            county=self.county,
            township=self.township,
            specialty=self.specialty,
            flagged=self.flagged,
            overdue=self.overdue,
            claimed=self.claimed,
        )

    def after(self) -> QueuePosition | None:
        return None if self.cursor is None else QueuePosition.decode(self.cursor)


class ClaimOut(BaseModel):
    request_id: int
    admin_id: int = Field(description="the admin holding the claim")
    claimed_by: str = Field(description="the admin's name")
    claimed_at: datetime
    expires_at: datetime = Field(description="the claim lapses by itself at this time")

    @classmethod
    def of(cls, claim: Claim) -> ClaimOut:
        return cls(
            request_id=claim.request_id,
            admin_id=claim.admin_id,
            claimed_by=claim.admin_name,
            claimed_at=claim.claimed_at,
            expires_at=claim.expires_at,
        )


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
    review_expected_at: datetime | None = Field(description="when a reviewer is on duty to look (Art. 14(3))")
    review_due_by: datetime = Field(description="the deadline: 18:00 Asia/Shanghai on the expected day")
    overdue: bool = Field(description="the deadline has passed and the request still waits")
    waiting_duty_seconds: int = Field(description="duty time (09:00–12:00, 15:00–18:00) since submission")
    screening_flags: list[str] = Field(description="category:term of each sensitive term found")
    expert: str | None = Field(description="the expert the farmer invites")
    offer_id: int | None = Field(description="set when the request comes from an expert's offer to a park")
    claim: ClaimOut | None = Field(description="the live claim on the request, if any")

    @classmethod
    def of(cls, entry: QueueEntry) -> QueueItem:
        item = entry.request
        return cls(
            **{**item.__dict__, "screening_flags": list(item.screening_flags)},
            review_due_by=entry.due_by,
            overdue=entry.overdue,
            waiting_duty_seconds=entry.waiting_duty_seconds,
            claim=None if entry.claim is None else ClaimOut.of(entry.claim),
        )


class QueueCountsOut(BaseModel):
    """Over the caller's scope and the county, township and specialty filters; not narrowed by
    flagged, overdue or claimed, so each count says how many that filter would show."""

    pending: int
    flagged: int
    overdue: int
    claimed_by_me: int
    claimed_by_others: int
    unclaimed: int

    @classmethod
    def of(cls, counts: QueueCounts) -> QueueCountsOut:
        return cls(**counts.__dict__)


class QueuePage(BaseModel):
    items: list[QueueItem]
    counts: QueueCountsOut
    next_cursor: str | None = Field(description="send as cursor for the next page; null on the last page")


class Unclaimed(BaseModel):
    request_id: int
    released: ClaimOut | None = Field(description="the claim released; null when there was none")


def _claim_fields(claim: Claim) -> dict[str, Any]:
    return {
        "request_id": claim.request_id,
        "admin_id": claim.admin_id,
        "claimed_by": claim.admin_name,
        "claimed_at": claim.claimed_at,
        "expires_at": claim.expires_at,
    }


def _item_fields(entry: QueueEntry) -> dict[str, Any]:
    item = entry.request
    return {
        "id": item.id,
        "county": item.county,
        "farmer": item.farmer,
        "specialty": item.specialty,
        "subject": item.subject,
        "description": item.description,
        "photo_count": item.photo_count,
        "fee_fen": item.fee_fen,
        "service_mode": item.service_mode,
        "submitted_at": item.submitted_at,
        "review_expected_at": item.review_expected_at,
        "review_due_by": entry.due_by,
        "overdue": entry.overdue,
        "waiting_duty_seconds": entry.waiting_duty_seconds,
        "screening_flags": item.screening_flags,
        "expert": item.expert,
        "offer_id": item.offer_id,
        "claim": None if entry.claim is None else _claim_fields(entry.claim),
    }


def page_json(page: review_queue.QueuePage) -> bytes:
    """`QueuePage`'s JSON for a page of the queue, byte for byte what `QueuePage.model_dump_json()`
    writes (tests/admin_api/test_review_queue.py compares them), written without building and
    validating the models first: core's rows are already of the right types, and the busiest call of
    the API spent more on the models than on its SQL. The fields go in the models' order."""
    return orjson.dumps(
        {
            "items": [_item_fields(entry) for entry in page.entries],
            "counts": page.counts.__dict__,
            "next_cursor": page.next_cursor,
        },
        # as pydantic writes a UTC time
        option=orjson.OPT_UTC_Z,
    )
