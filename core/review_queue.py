"""The reviewers' queue (Art. 14): requests waiting for review, as plain rows ready to print or serve.

`pending_review` is the whole queue (the CLI prints it); `review_queue` is one page of it for the
HTTP API: filtered, with each request's waiting time in duty hours, its deadline, its claim, and
counts that show the queue's shape. A page and its counts are one SQL statement, whatever the page
size: no lookup per row, one round trip. Both read through the partial index of pending requests
(`ix_service_requests_pending_review`, migration 0012).

The page is the API's busiest call, so its statement is built once per shape of filter (with bound
parameters for the values) and reads columns, not ORM objects: building the statements and loading
the objects cost more CPU than PostgreSQL spends answering them (bench/admin_api.py). For the same
reason JSON is decoded only where it says something: a photo count is counted by the database, and
screening is fetched only for the flagged requests.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Select, Text, and_, bindparam, case, cast, false, func, select, true, tuple_

from core.claims import Claim
from core.duty_hours import duty_clock, overdue_before, review_due_by
from core.errors import NotFound
from core.permissions import Permission
from core.scope import Staff
from storage.enums import RequestStatus, ServiceMode
from storage.json_sql import json_array_length
from storage.models import (
    AdminUser,
    County,
    Expert,
    Farmer,
    ServiceObject,
    ServiceOffer,
    ServiceRequest,
    Specialty,
    Township,
)
from storage.models.admin import RequestClaim
from storage.uow import UnitOfWork

ID_MAX = 2**31 - 1


@dataclass(frozen=True)
class QueuedRequest:
    id: int
    county: str
    farmer: str
    specialty: str | None  # the Chinese name, or the code when the specialty is unknown
    subject: str | None
    description: str
    photo_count: int
    fee_fen: int | None
    service_mode: ServiceMode | None
    submitted_at: datetime | None
    review_expected_at: datetime | None
    screening_flags: tuple[str, ...]
    expert: str | None  # whom the request invites
    # The expert's offer a park member accepted (Art. 15(3)); approving it puts the request in
    # service at once, since the expert has already said yes.
    offer_id: int | None = None


@dataclass(frozen=True)
class QueueEntry:
    """A request in the API's queue, with what the desk knows of it now."""

    request: QueuedRequest
    waiting_duty_seconds: int  # duty time since submission (core.duty_hours)
    due_by: datetime  # core.duty_hours.review_due_by
    overdue: bool
    claim: Claim | None  # the live claim, if any


class ClaimedFilter(StrEnum):
    me = "me"  # claimed by the caller
    anyone = "anyone"  # claimed by any reviewer
    none = "none"  # not claimed (or the claim lapsed)


@dataclass(frozen=True)
class QueueFilter:
    """Narrowing the queue. `county`, `township` and `specialty` say where to look (the counts follow
    them); `flagged`, `overdue` and `claimed` pick among those (the counts tell how many each would
    show). None: either way."""

    county: str | None = None  # a county's name; a county role may name only its own
    township: str | None = None  # a township's id or name
    specialty: str | None = None  # a specialty's code
    flagged: bool | None = None  # screening found sensitive terms
    overdue: bool | None = None  # past `review_due_by`
    claimed: ClaimedFilter | None = None


@dataclass(frozen=True)
class QueuePosition:
    """Where a page ended: the last request's (submitted_at, id), the queue's order. Opaque to clients
    (base64 of JSON); a page after it never repeats or skips a request, whatever is submitted
    meanwhile, since new requests sort after every waiting one."""

    submitted_at: datetime
    id: int

    def encode(self) -> str:
        raw = json.dumps([self.submitted_at.isoformat(), self.id], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> QueuePosition:
        """The position a cursor holds; ValueError for anything `encode` did not write."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            at, request_id = json.loads(raw.decode())
            submitted_at = datetime.fromisoformat(at)
        except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
            raise ValueError("the cursor is not one this API gave out; start again without it") from None
        if submitted_at.tzinfo is None or type(request_id) is not int or not 1 <= request_id <= ID_MAX:
            raise ValueError("the cursor is not one this API gave out; start again without it")
        return cls(submitted_at.astimezone(UTC), request_id)


@dataclass(frozen=True)
class QueueCounts:
    pending: int  # in scope and under the county/township/specialty filters
    flagged: int
    overdue: int
    claimed_by_me: int
    claimed_by_others: int
    unclaimed: int


@dataclass(frozen=True)
class QueuePage:
    entries: list[QueueEntry]
    counts: QueueCounts
    next_cursor: str | None  # None: this is the last page
    overdue_before: datetime  # submissions before this instant are overdue now


def screening_hits(screening: Any) -> Iterator[dict[str, Any]]:
    """Every hit stored on a request or an advisory. The intake stores {"verdict", "hits": [...]};
    older rows nest per field, so hits may sit at any depth: walk whatever is there."""
    if isinstance(screening, dict):
        if "term" in screening:
            yield screening
        for value in screening.values():
            yield from screening_hits(value)
    elif isinstance(screening, list):
        for item in screening:
            yield from screening_hits(item)


def screening_flags(screening: dict[str, Any] | None) -> tuple[str, ...]:
    """What a reviewer must look at: each flagged term once, as `category:term`."""
    if not screening:  # most requests: the queue fetches a clean request's screening as NULL
        return ()
    flags: dict[str, None] = {}
    for hit in screening_hits(screening):
        category = hit.get("category")
        flags[f"{category}:{hit['term']}" if category else str(hit["term"])] = None
    return tuple(flags)


# The same test as `screening_flags` being non-empty, in SQL: a hit is an object with a "term" key at
# any depth, and in the column's JSON text a key "term" is the only place `"term"` appears with a
# quote on both sides (a string value containing the word has its quotes escaped).
_FLAGGED = cast(ServiceRequest.screening, Text).like('%"term"%')


async def _county_id(uow: UnitOfWork, county_name: str) -> int:
    county_id = await uow.session.scalar(select(County.id).where(County.name == county_name))
    if county_id is None:
        known = ", ".join((await uow.session.scalars(select(County.name).order_by(County.code))).all())
        raise NotFound(f"unknown county {county_name!r}; known: {known or 'none (run jingfu seed demo)'}")
    return county_id


async def _township_ids(uow: UnitOfWork, staff: Staff, township: str, county_id: int | None) -> list[int]:
    """The townships a filter names: by id, or every township of that name the caller may see."""
    query = select(Township.id, Township.county_id)
    if township.isascii() and township.isdigit():
        township_id = int(township)
        where = Township.id == township_id if township_id <= ID_MAX else false()  # INTEGER column
        rows = (await uow.session.execute(query.where(where))).all()
        for _, township_county in rows:
            staff.ensure_county(township_county, what="township")
    else:
        scope = staff.county_id or county_id
        query = query.where(Township.name == township)
        rows = (await uow.session.execute(query.where(Township.county_id == scope) if scope else query)).all()
    if not rows:
        raise NotFound(f"no township {township!r} in your scope; give its id or its exact name")
    return [township_id for township_id, _ in rows]


async def _ensure_specialty(uow: UnitOfWork, code: str) -> None:
    if await uow.session.get(Specialty, code) is None:
        known = ", ".join((await uow.session.scalars(select(Specialty.code).order_by(Specialty.code))).all())
        raise NotFound(f"unknown specialty {code!r}; known: {known}")


@dataclass(frozen=True)
class _Shape:
    """Which conditions a call's statements hold; their values go in as bound parameters."""

    county: bool = False  # the `county` filter (param county_id)
    scoped: bool = False  # a county role's own county (param scope_county_id)
    townships: bool = False  # param township_ids (a list)
    specialty: bool = False  # param specialty
    flagged: bool | None = None
    overdue: bool | None = None  # param cutoff
    claimed: ClaimedFilter | None = None  # param admin_id
    after: bool = False  # params after_at, after_id


async def _where(uow: UnitOfWork, staff: Staff, filters: QueueFilter) -> tuple[_Shape, dict[str, Any]]:
    """The scope and the where-to-look filters: which conditions hold (checked against the caller's
    scope) and their values."""
    params: dict[str, Any] = {}
    county_id = None
    if filters.county is not None:
        county_id = await _county_id(uow, filters.county)
        staff.ensure_county(county_id, what="county")
        params["county_id"] = county_id
    if staff.county_id is not None:
        params["scope_county_id"] = staff.county_id
    if filters.township is not None:
        params["township_ids"] = await _township_ids(uow, staff, filters.township, county_id)
    if filters.specialty is not None:
        await _ensure_specialty(uow, filters.specialty)
        params["specialty"] = filters.specialty
    shape = _Shape(
        county="county_id" in params,
        scoped="scope_county_id" in params,
        townships="township_ids" in params,
        specialty="specialty" in params,
    )
    return shape, params


def _conditions(shape: _Shape) -> list[Any]:
    """The where-to-look conditions of `_where`, on ServiceRequest."""
    conditions: list[Any] = [ServiceRequest.status == RequestStatus.pending_review]
    if shape.county:
        conditions.append(ServiceRequest.county_id == bindparam("county_id"))
    if shape.scoped:
        conditions.append(ServiceRequest.county_id == bindparam("scope_county_id"))
    if shape.townships:
        conditions.append(
            ServiceRequest.service_object_id.in_(
                select(ServiceObject.id).where(
                    ServiceObject.township_id.in_(bindparam("township_ids", expanding=True))
                )
            )
        )
    if shape.specialty:
        conditions.append(ServiceRequest.specialty_code == bindparam("specialty"))
    return conditions


def _picks(shape: _Shape) -> list[Any]:
    conditions: list[Any] = []
    if shape.flagged is not None:
        conditions.append(_FLAGGED if shape.flagged else ~_FLAGGED)
    if shape.overdue is not None:
        overdue = ServiceRequest.submitted_at < bindparam("cutoff")
        conditions.append(overdue if shape.overdue else ~overdue)
    if shape.claimed is ClaimedFilter.me:
        conditions.append(RequestClaim.admin_user_id == bindparam("admin_id"))
    elif shape.claimed is ClaimedFilter.anyone:
        conditions.append(RequestClaim.request_id.is_not(None))
    elif shape.claimed is ClaimedFilter.none:
        conditions.append(RequestClaim.request_id.is_(None))
    return conditions


def _with_live_claims(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    # A lapsed claim is no claim: joined only while live (param now), so its columns are NULL otherwise.
    return query.outerjoin(
        RequestClaim,
        and_(RequestClaim.request_id == ServiceRequest.id, RequestClaim.expires_at > bindparam("now")),
    )


def _looked_up(column: Any, key: Any, value: Any) -> Any:
    return select(column).where(key == value).scalar_subquery()


# The names are looked up per row of the page by primary key (or unique key), as correlated
# subqueries rather than joins: PostgreSQL plans each alone, where the same lookups as six joins took
# ~36 ms of planning per call (eight relations' join orders) for 0.5 ms of execution (bench/admin_api.py).
_NAMES = (
    _looked_up(County.name, County.id, ServiceRequest.county_id),
    _looked_up(Farmer.name, Farmer.id, ServiceRequest.farmer_id),
    _looked_up(Specialty.name_zh, Specialty.code, ServiceRequest.specialty_code),
    _looked_up(Expert.name, Expert.id, ServiceRequest.expert_id),
    _looked_up(ServiceOffer.id, ServiceOffer.request_id, ServiceRequest.id),
)


# What a queued request shows, as columns: loading whole ServiceRequest objects cost more than the query.
_REQUEST = (
    ServiceRequest.id,
    ServiceRequest.specialty_code,
    ServiceRequest.subject,
    ServiceRequest.description,
    json_array_length(ServiceRequest.photo_file_ids),
    ServiceRequest.fee_fen,
    ServiceRequest.service_mode,
    ServiceRequest.submitted_at,
    ServiceRequest.review_expected_at,
    # Decoding every row's screening JSON cost more than the rest of the row: a clean request's
    # flags are none, so its screening is not fetched (NULL).
    case((_FLAGGED, ServiceRequest.screening)),
)
_ORDER = (ServiceRequest.submitted_at, ServiceRequest.id)


def _listing() -> Select[*tuple[Any, ...]]:
    return select(*_REQUEST, *_NAMES)


def _queued(row: Any) -> QueuedRequest:
    (
        request_id,
        specialty_code,
        subject,
        description,
        photo_count,
        fee_fen,
        service_mode,
        submitted_at,
        review_expected_at,
        screening,
        county,
        farmer,
        specialty,
        expert,
        offer_id,
    ) = row[:15]
    return QueuedRequest(
        id=request_id,
        county=county,
        farmer=farmer,
        specialty=specialty or specialty_code,
        subject=subject,
        description=description,
        photo_count=photo_count,
        fee_fen=fee_fen,
        service_mode=service_mode,
        submitted_at=submitted_at,
        review_expected_at=review_expected_at,
        screening_flags=screening_flags(screening),
        expert=expert,
        offer_id=offer_id,
    )


@lru_cache(maxsize=4096)
def _due(submitted_at: datetime) -> tuple[datetime, int]:
    """A submission's review deadline and its duty-clock reading. The same waiting requests are listed
    call after call, so each is worked out once (the times come from the database, all in UTC)."""
    return review_due_by(submitted_at), duty_clock(submitted_at)


def _entry(row: Any, now: datetime, now_clock: int) -> QueueEntry:
    queued = _queued(row)
    claimant_id, claimed_at, claim_expires_at, claimant = row[15:]
    due_by, submitted_clock = _due(queued.submitted_at or now)
    return QueueEntry(
        request=queued,
        waiting_duty_seconds=max(now_clock - submitted_clock, 0) // 1_000_000,
        due_by=due_by,
        overdue=due_by <= now,
        claim=None
        if claimant_id is None
        else Claim(queued.id, claimant_id, claimant, claimed_at, claim_expires_at),
    )


@cache
def _page_statement(shape: _Shape) -> Select[*tuple[Any, ...]]:
    claimant = _looked_up(AdminUser.name, AdminUser.id, RequestClaim.admin_user_id)
    claim = (RequestClaim.admin_user_id, RequestClaim.claimed_at, RequestClaim.expires_at, claimant)
    query = _with_live_claims(_listing().add_columns(*claim))
    query = query.where(*_conditions(shape), *_picks(shape))
    if shape.after:
        query = query.where(
            tuple_(*_ORDER)
            # Typed as the columns, so the time is bound as they store it (UTC, also on SQLite).
            > tuple_(
                bindparam("after_at", type_=ServiceRequest.submitted_at.type),
                bindparam("after_id", type_=ServiceRequest.id.type),
            )
        )
    return query.order_by(*_ORDER).limit(bindparam("limit"))


_COUNTS = 6  # the columns of _counts_statement, QueueCounts' fields


@cache
def _counts_statement(shape: _Shape) -> Select[*tuple[Any, ...]]:
    """The counts over the where-to-look conditions only (params as `_page_statement`'s)."""
    mine = RequestClaim.admin_user_id == bindparam("admin_id")
    return _with_live_claims(
        select(
            func.count(),
            func.count().filter(_FLAGGED),
            func.count().filter(ServiceRequest.submitted_at < bindparam("cutoff")),
            func.count().filter(mine),
            func.count().filter(RequestClaim.request_id.is_not(None), ~mine),
            func.count().filter(RequestClaim.request_id.is_(None)),
        ).select_from(ServiceRequest)
    ).where(*_conditions(shape))


@cache
def _queue_statement(shape: _Shape) -> Select[*tuple[Any, ...]]:
    """The counts (first six columns) beside the page's rows: one statement, one round trip. The counts
    come in every row, and in one row of NULLs when the page is empty."""
    page = _page_statement(shape).subquery("page")
    where = replace(shape, flagged=None, overdue=None, claimed=None, after=False)
    counts = _counts_statement(where).subquery("counts")
    return (
        select(*counts.c, *page.c)
        .select_from(counts.outerjoin(page, true()))
        .order_by(page.c.submitted_at, page.c.id)
    )


async def pending_review(
    uow: UnitOfWork, staff: Staff, *, county_name: str | None = None
) -> list[QueuedRequest]:
    """The queue in the order it should be worked: oldest submission first, within the staff's scope."""
    shape, params = await _where(uow, staff, QueueFilter(county=county_name))
    query = _listing().where(*_conditions(shape)).order_by(*_ORDER)
    return [_queued(row) for row in (await uow.session.execute(query, params)).all()]


async def review_queue(
    uow: UnitOfWork,
    staff: Staff,
    filters: QueueFilter,
    *,
    now: datetime,
    limit: int,
    after: QueuePosition | None = None,
) -> QueuePage:
    """One page of the queue, oldest submission first, within the staff's scope, after `after`."""
    staff.ensure(Permission.read_requests)
    await uow.reads_only()
    where, params = await _where(uow, staff, filters)
    cutoff = overdue_before(now)
    params |= {"now": now, "cutoff": cutoff, "admin_id": staff.admin_id or 0, "limit": limit + 1}
    shape = replace(
        where,
        flagged=filters.flagged,
        overdue=filters.overdue,
        claimed=filters.claimed,
        after=after is not None,
    )
    if after is not None:
        params |= {"after_at": after.submitted_at, "after_id": after.id}
    # Run on the connection, as SQL: the ORM's execution path cost more than the statement on its own.
    connection = await uow.session.connection()
    result = (await connection.execute(_queue_statement(shape), params)).all()
    counted = result[0][:_COUNTS]
    rows = [row[_COUNTS:] for row in result if row[_COUNTS] is not None]
    now_clock = duty_clock(now)
    entries = [_entry(row, now, now_clock) for row in rows[:limit]]
    last = entries[-1].request if entries and len(rows) > limit else None
    next_cursor = (
        QueuePosition(last.submitted_at, last.id).encode()
        if last is not None and last.submitted_at is not None
        else None
    )
    return QueuePage(entries, QueueCounts(*counted), next_cursor, cutoff)
