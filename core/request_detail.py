"""One request as a reviewer needs it to decide (Art. 14): the farmer's words with what screening
marked, what the NLU read, the invited expert's load and rating, the voucher, the timeline, the
thread and the reviewers' notes.

A handful of queries whatever the request holds: none is made per event, message or note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from core.budget import budget_year
from core.errors import NotFound, does_not_exist
from core.matching import OPEN_STATUSES
from core.permissions import Permission
from core.review_queue import screening_hits
from core.scope import Staff
from storage.enums import ActorKind, MessageKind, ServiceObjectKind
from storage.models import (
    AdminUser,
    County,
    Expert,
    Farmer,
    Rating,
    RequestEvent,
    ServiceObject,
    ServiceOffer,
    ServiceRequest,
    Specialty,
    ThreadMessage,
    Township,
    VoucherAccount,
)
from storage.models.admin import RequestClaim, ReviewNote
from storage.uow import UnitOfWork

THREAD_LIMIT = 200  # the newest messages; a reviewer deciding reads the start of a case, not years of it
# Attachments other than photos carry their kind as a prefix (render.attachments); a bare id is a photo.
_OTHER_KINDS = ("voice", "video", "videonote")


@dataclass(frozen=True)
class ScreeningMark:
    """A term screening found. `start`/`end` index the stored description in Unicode code points
    (a Python slice); None when the hit was recorded without offsets or no longer fits the text."""

    term: str
    category: str | None
    action: str | None
    start: int | None
    end: int | None
    matched: str | None  # description[start:end]: what the farmer actually wrote


@dataclass(frozen=True)
class ExpertSummary:
    id: int
    name: str
    title: str
    organisation: str
    open_requests: int
    rating_mean: float | None
    rating_count: int


@dataclass(frozen=True)
class VoucherBalance:
    budget_year: int
    available_fen: int
    held_fen: int


@dataclass(frozen=True)
class ServiceObjectSummary:
    id: int
    name: str
    kind: ServiceObjectKind
    township: str | None
    voucher: VoucherBalance | None  # None: no vouchers issued for this budget year


@dataclass(frozen=True)
class Claim:
    admin_id: int
    admin_name: str
    claimed_at: datetime
    expires_at: datetime
    active: bool


@dataclass(frozen=True)
class Note:
    id: int
    at: datetime
    admin_id: int | None
    admin_name: str | None
    text: str


@dataclass(frozen=True)
class Message:
    id: int
    at: datetime
    sender_kind: ActorKind
    sender_id: int
    sender: str | None
    kind: MessageKind
    text: str | None


@dataclass(frozen=True)
class RequestDetail:
    request: ServiceRequest
    county: str
    farmer: str
    specialty_name: str | None
    screening_verdict: str | None
    marks: list[ScreeningMark]
    photo_ids: list[str]
    other_attachments: dict[str, int]
    expert: ExpertSummary | None
    service_object: ServiceObjectSummary
    offer_id: int | None
    events: list[RequestEvent]
    thread: list[Message]
    notes: list[Note]
    claim: Claim | None


def _offset(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def screening_marks(screening: dict[str, Any] | None, text: str) -> list[ScreeningMark]:
    """The hits screening stored, placed in `text` where their offsets still fit it. The intake
    screens the description as it stores it and a later addition (a caption, a supplement) only
    appends, so the offsets hold; a hit whose span lies outside the text is kept, unplaced."""
    marks = []
    for hit in screening_hits(screening or {}):
        start, end = _offset(hit.get("start")), _offset(hit.get("end"))
        placed = start is not None and end is not None and 0 <= start < end <= len(text)
        marks.append(
            ScreeningMark(
                term=str(hit["term"]),
                category=hit.get("category"),
                action=hit.get("action"),
                start=start if placed else None,
                end=end if placed else None,
                matched=text[start:end] if placed else None,
            )
        )
    return sorted(marks, key=lambda m: (m.start is None, m.start or 0))


def photo_ids(items: list[str]) -> list[str]:
    """The photos among a request's attachments, in the order the farmer sent them."""
    return [item for item in items if _kind(item) == "photo"]


def _kind(item: str) -> str:
    kind, found, _ = item.partition(":")
    return kind if found and kind in _OTHER_KINDS else "photo"


def _other_attachments(items: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in map(_kind, items):
        if kind != "photo":
            counts[kind] = counts.get(kind, 0) + 1
    return counts


async def _readable(uow: UnitOfWork, staff: Staff, request_id: int) -> ServiceRequest:
    staff.ensure(Permission.read_requests)
    request = await uow.session.get(ServiceRequest, request_id)
    if request is None:
        raise NotFound(does_not_exist("request", request_id))
    staff.ensure_county(request.county_id, object_id=request.id)
    return request


async def photo_file_id(uow: UnitOfWork, staff: Staff, request_id: int, number: int) -> str:
    """The Telegram file id of the request's `number`th photo (from 1)."""
    request = await _readable(uow, staff, request_id)
    photos = photo_ids(request.photo_file_ids or [])
    if not 1 <= number <= len(photos):
        raise NotFound(f"request {request_id} has {len(photos)} photo(s); there is no photo {number}")
    return photos[number - 1]


async def _expert(uow: UnitOfWork, expert_id: int | None) -> ExpertSummary | None:
    if expert_id is None:
        return None
    open_requests = (
        select(func.count())
        .where(ServiceRequest.expert_id == expert_id, ServiceRequest.status.in_(OPEN_STATUSES))
        .scalar_subquery()
    )
    rating = select(func.avg(Rating.stars), func.count(Rating.id)).where(Rating.expert_id == expert_id)
    mean, count = (await uow.session.execute(rating)).one()
    row = (await uow.session.execute(select(Expert, open_requests).where(Expert.id == expert_id))).one()
    expert, load = row
    return ExpertSummary(
        id=expert.id,
        name=expert.name,
        title=expert.title,
        organisation=expert.organisation,
        open_requests=int(load or 0),
        rating_mean=round(float(mean), 2) if mean is not None else None,
        rating_count=int(count or 0),
    )


async def _service_object(uow: UnitOfWork, service_object_id: int, year: int) -> ServiceObjectSummary:
    query = (
        select(ServiceObject, Township.name, VoucherAccount)
        .outerjoin(Township, Township.id == ServiceObject.township_id)
        .outerjoin(
            VoucherAccount,
            (VoucherAccount.service_object_id == ServiceObject.id) & (VoucherAccount.budget_year == year),
        )
        .where(ServiceObject.id == service_object_id)
    )
    obj, township, account = (await uow.session.execute(query)).one()
    voucher = VoucherBalance(year, account.available_fen, account.held_fen) if account is not None else None
    return ServiceObjectSummary(obj.id, obj.name, obj.kind, township, voucher)


async def _thread(
    uow: UnitOfWork, request: ServiceRequest, names: dict[tuple[ActorKind, int], str]
) -> list[Message]:
    rows = await uow.session.scalars(
        select(ThreadMessage)
        .where(ThreadMessage.request_id == request.id)
        .order_by(ThreadMessage.id.desc())
        .limit(THREAD_LIMIT)
    )
    return [
        Message(
            id=m.id,
            at=m.created_at,
            sender_kind=m.sender_kind,
            sender_id=m.sender_id,
            sender=names.get((m.sender_kind, m.sender_id)),
            kind=m.kind,
            text=m.text,
        )
        for m in reversed(rows.all())
    ]


async def _notes(uow: UnitOfWork, request_id: int) -> list[Note]:
    rows = await uow.session.execute(
        select(ReviewNote, AdminUser.name)
        .outerjoin(AdminUser, AdminUser.id == ReviewNote.admin_user_id)
        .where(ReviewNote.request_id == request_id)
        .order_by(ReviewNote.id)
    )
    return [Note(n.id, n.at, n.admin_user_id, name, n.text) for n, name in rows]


async def request_detail(uow: UnitOfWork, staff: Staff, request_id: int, *, now: datetime) -> RequestDetail:
    """Everything about one request a reviewer weighs; OutOfScope for another county's."""
    request = await _readable(uow, staff, request_id)
    head = (
        await uow.session.execute(
            select(County.name, Farmer.name, Specialty.name_zh, ServiceOffer.id, RequestClaim, AdminUser.name)
            .select_from(ServiceRequest)
            .join(County, County.id == ServiceRequest.county_id)
            .join(Farmer, Farmer.id == ServiceRequest.farmer_id)
            .outerjoin(Specialty, Specialty.code == ServiceRequest.specialty_code)
            .outerjoin(ServiceOffer, ServiceOffer.request_id == ServiceRequest.id)
            .outerjoin(RequestClaim, RequestClaim.request_id == ServiceRequest.id)
            .outerjoin(AdminUser, AdminUser.id == RequestClaim.admin_user_id)
            .where(ServiceRequest.id == request.id)
        )
    ).one()
    county, farmer, specialty_name, offer_id, claim_row, claimer = head
    expert = await _expert(uow, request.expert_id)
    names = {(ActorKind.farmer, request.farmer_id): farmer}
    if expert is not None:
        names[(ActorKind.expert, expert.id)] = expert.name
    events = await uow.session.scalars(
        select(RequestEvent).where(RequestEvent.request_id == request.id).order_by(RequestEvent.id)
    )
    claim = None
    if claim_row is not None:
        claim = Claim(
            claim_row.admin_user_id,
            claimer,
            claim_row.claimed_at,
            claim_row.expires_at,
            active=claim_row.expires_at > now,
        )
    items = list(request.photo_file_ids or [])
    screening = request.screening or {}
    return RequestDetail(
        request=request,
        county=county,
        farmer=farmer,
        specialty_name=specialty_name,
        screening_verdict=screening.get("verdict") if isinstance(screening.get("verdict"), str) else None,
        marks=screening_marks(screening, request.description),
        photo_ids=photo_ids(items),
        other_attachments=_other_attachments(items),
        expert=expert,
        service_object=await _service_object(uow, request.service_object_id, budget_year(now)),
        offer_id=offer_id,
        events=list(events.all()),
        thread=await _thread(uow, request, names),
        notes=await _notes(uow, request.id),
        claim=claim,
    )
