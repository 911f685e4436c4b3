"""Experts' reimbursement statements (核销, Art. 15): per expert and period, one line per captured
service, totals equal to the ledger's captures exactly.

A statement is a draft until the county confirms it: a draft's lines are read live (the services
completed in the period, not on another statement); confirming freezes them (ReimbursementLine), and
a confirmed statement is then marked paid. Each step is audited; a paid statement never changes.
Periods: 2026-07 (a month), 2026-Q3, 2026-H2, 2026 (Asia/Shanghai).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select

from core import audit
from core.budget import LOCAL_TZ
from core.errors import IllegalTransition, InvalidInput, NotFound, does_not_exist
from core.permissions import Permission
from core.scope import Staff
from storage.enums import LedgerKind, ServiceMode
from storage.models import (
    County,
    Expert,
    Farmer,
    LedgerEntry,
    Reimbursement,
    ReimbursementLine,
    ReimbursementStatement,
    ServiceObject,
    ServiceRequest,
)
from storage.uow import UnitOfWork

_PERIOD = re.compile(r"(20[0-9]{2})(?:-(0[1-9]|1[0-2])|-Q([1-4])|-H([12]))?")
DRAFT, CONFIRMED, PAID = "draft", "confirmed", "paid"


@dataclass(frozen=True)
class Period:
    name: str
    starts: datetime  # inclusive, aware
    ends: datetime  # exclusive


def period(text: str) -> Period:
    found = _PERIOD.fullmatch(text)
    if found is None:
        raise InvalidInput(
            f"period {text!r}: a month (2026-07), quarter (2026-Q3), half-year (2026-H2) or year (2026)",
            field="period",
        )
    year = int(found[1])
    first, months = (
        (int(found[2]), 1)
        if found[2]
        else (3 * int(found[3]) - 2, 3)
        if found[3]
        else (6 * int(found[4]) - 5, 6)
        if found[4]
        else (1, 12)
    )
    last = first + months  # the month after, maybe 13
    starts = datetime(year, first, 1, tzinfo=LOCAL_TZ)
    ends = datetime(year + (last - 1) // 12, (last - 1) % 12 + 1, 1, tzinfo=LOCAL_TZ)
    return Period(text, starts, ends)


@dataclass(frozen=True)
class Line:
    request_id: int
    service_object: str  # who was served: the finance office checks a line against them
    farmer: str
    completed_at: datetime
    mode: ServiceMode
    fee_fen: int


@dataclass(frozen=True)
class Statement:
    id: int | None  # None: a draft, not stored
    expert_id: int
    expert: str
    county: str
    period: str
    status: str
    lines: list[Line]

    @property
    def total_fen(self) -> int:
        return sum(line.fee_fen for line in self.lines)


def _captured() -> Select[int | None, int]:
    return (
        select(LedgerEntry.request_id, func.sum(LedgerEntry.amount_fen).label("captured"))
        .where(LedgerEntry.kind == LedgerKind.capture)
        .group_by(LedgerEntry.request_id)
    )


async def _live_lines(
    uow: UnitOfWork, staff: Staff, when: Period, expert_id: int | None
) -> list[tuple[int, Line]]:
    """(expert id, line) for services completed in the period that are on no statement yet; the fee
    is what the ledger captured for the request."""
    captured = _captured().subquery()
    query = (
        select(
            Reimbursement.id,
            Reimbursement.expert_id,
            ServiceRequest.id,
            ServiceObject.name,
            Farmer.name,
            ServiceRequest.completed_at,
            ServiceRequest.delivered_mode,
            captured.c.captured,
        )
        .join(ServiceRequest, ServiceRequest.id == Reimbursement.request_id)
        .join(ServiceObject, ServiceObject.id == ServiceRequest.service_object_id)
        .join(Farmer, Farmer.id == ServiceRequest.farmer_id)
        .join(captured, captured.c.request_id == Reimbursement.request_id)
        .outerjoin(ReimbursementLine, ReimbursementLine.reimbursement_id == Reimbursement.id)
        .where(ReimbursementLine.id.is_(None))
        .where(ServiceRequest.completed_at >= when.starts, ServiceRequest.completed_at < when.ends)
        .order_by(Reimbursement.expert_id, ServiceRequest.completed_at, ServiceRequest.id)
    )
    if staff.county_id is not None:
        query = query.where(Reimbursement.county_id == staff.county_id)
    if expert_id is not None:
        query = query.where(Reimbursement.expert_id == expert_id)
    return [
        (expert, Line(request_id, place, farmer, completed_at, ServiceMode(mode), int(fee)))
        for _, expert, request_id, place, farmer, completed_at, mode, fee in (
            await uow.session.execute(query)
        ).all()
    ]


async def statements(uow: UnitOfWork, staff: Staff, period_text: str) -> list[Statement]:
    """Every expert's statement for the period in the staff's scope: stored ones (confirmed, paid)
    with their frozen lines, drafts for the services not on one yet; by county, then expert."""
    staff.ensure(Permission.read_reimbursements)
    when = period(period_text)
    stored_query = select(ReimbursementStatement).where(ReimbursementStatement.period == when.name)
    if staff.county_id is not None:
        stored_query = stored_query.where(ReimbursementStatement.county_id == staff.county_id)
    stored = list((await uow.session.scalars(stored_query)).all())
    frozen: dict[int, list[Line]] = {s.id: [] for s in stored}
    if stored:
        for row, place, farmer in (
            await uow.session.execute(
                select(ReimbursementLine, ServiceObject.name, Farmer.name)
                .join(ServiceRequest, ServiceRequest.id == ReimbursementLine.request_id)
                .join(ServiceObject, ServiceObject.id == ServiceRequest.service_object_id)
                .join(Farmer, Farmer.id == ServiceRequest.farmer_id)
                .where(ReimbursementLine.statement_id.in_(frozen))
                .order_by(ReimbursementLine.completed_at, ReimbursementLine.request_id)
            )
        ).all():
            frozen[row.statement_id].append(
                Line(row.request_id, place, farmer, row.completed_at, row.service_mode, row.fee_fen)
            )
    drafts: dict[int, list[Line]] = {}
    for expert_id, line in await _live_lines(uow, staff, when, None):
        drafts.setdefault(expert_id, []).append(line)
    drafts = {e: lines for e, lines in drafts.items() if e not in {s.expert_id for s in stored}}
    names = await _experts(uow, {s.expert_id for s in stored} | set(drafts))
    found = [
        Statement(s.id, s.expert_id, *names[s.expert_id], when.name, s.status, frozen[s.id]) for s in stored
    ] + [Statement(None, e, *names[e], when.name, DRAFT, lines) for e, lines in drafts.items()]
    return sorted(found, key=lambda s: (s.county, s.expert, s.expert_id))


async def _experts(uow: UnitOfWork, ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = await uow.session.execute(
        select(Expert.id, Expert.name, County.name)
        .join(County, County.id == Expert.county_id)
        .where(Expert.id.in_(ids))
    )
    return {expert_id: (name, county) for expert_id, name, county in rows.all()}


async def _expert_in_scope(uow: UnitOfWork, staff: Staff, expert_id: int) -> Expert:
    expert = await uow.session.get(Expert, expert_id)
    if expert is None:
        raise NotFound(does_not_exist("expert", expert_id))
    staff.ensure_county(expert.county_id, what="expert", object_id=expert_id)
    return expert


async def confirm(
    uow: UnitOfWork, staff: Staff, expert_id: int, period_text: str, *, now: datetime
) -> Statement:
    """Freeze an expert's draft for a period that has ended: its lines are stored and no later
    statement takes them. 409 before the period ends and once confirmed or paid; 422 when there
    is nothing to reimburse."""
    staff.ensure(Permission.reimburse)
    when = period(period_text)
    expert = await _expert_in_scope(uow, staff, expert_id)
    if now < when.ends:
        # Confirming freezes the lines: a service completed later in the period would then be on
        # no statement of it, and the period's total would fall short of the ledger's captures.
        raise IllegalTransition(
            f"{when.name} runs until {when.ends.date().isoformat()} (Asia/Shanghai); "
            "its statement is confirmed once the period has ended",
            current_status=DRAFT,
        )
    existing = await uow.session.scalar(
        select(ReimbursementStatement).where(
            ReimbursementStatement.expert_id == expert_id, ReimbursementStatement.period == when.name
        )
    )
    if existing is not None:
        raise IllegalTransition(
            f"{expert.name}'s statement for {when.name} is already {existing.status}",
            current_status=existing.status,
        )
    live = await _live_lines(uow, staff, when, expert_id)
    if not live:
        raise InvalidInput(f"{expert.name} has no captured service in {when.name} on no other statement")
    statement = ReimbursementStatement(
        expert_id=expert_id,
        county_id=expert.county_id,
        period=when.name,
        status=CONFIRMED,
        total_fen=sum(line.fee_fen for _, line in live),
        confirmed_at=now,
    )
    uow.session.add(statement)
    await uow.flush()
    reimbursement_ids = dict(
        (
            await uow.session.execute(
                select(Reimbursement.request_id, Reimbursement.id).where(
                    Reimbursement.request_id.in_([line.request_id for _, line in live])
                )
            )
        ).all()
    )
    for _, line in live:
        uow.session.add(
            ReimbursementLine(
                statement_id=statement.id,
                reimbursement_id=reimbursement_ids[line.request_id],
                request_id=line.request_id,
                completed_at=line.completed_at,
                service_mode=line.mode,
                fee_fen=line.fee_fen,
            )
        )
    await _audit(uow, staff, statement, DRAFT)
    await uow.commit()
    return Statement(
        statement.id,
        expert_id,
        *(await _experts(uow, {expert_id}))[expert_id],
        when.name,
        CONFIRMED,
        [line for _, line in live],
    )


async def pay(uow: UnitOfWork, staff: Staff, expert_id: int, period_text: str, *, now: datetime) -> Statement:
    """Mark a confirmed statement paid; a draft must be confirmed first, a paid one never changes."""
    staff.ensure(Permission.reimburse)
    when = period(period_text)
    await _expert_in_scope(uow, staff, expert_id)
    statement = await uow.session.scalar(
        select(ReimbursementStatement).where(
            ReimbursementStatement.expert_id == expert_id, ReimbursementStatement.period == when.name
        )
    )
    status = DRAFT if statement is None else statement.status
    if statement is None or statement.status != CONFIRMED:
        raise IllegalTransition(
            f"only a confirmed statement can be paid; this one is {status}", current_status=status
        )
    statement.status, statement.paid_at = PAID, now
    await _audit(uow, staff, statement, CONFIRMED)
    await uow.commit()
    [paid] = [s for s in await statements(uow, staff, when.name) if s.id == statement.id]
    return paid


async def _audit(uow: UnitOfWork, staff: Staff, statement: ReimbursementStatement, before: str) -> None:
    await audit.record(
        uow,
        staff.actor,
        f"reimbursement.{statement.status}",  # reimbursement.confirmed, reimbursement.paid
        "reimbursement_statement",
        statement.id,
        before={"status": before},
        after={"status": statement.status, "total_fen": statement.total_fen},
        county_id=statement.county_id,
        expert_id=statement.expert_id,
        period=statement.period,
    )
