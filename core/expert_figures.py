"""An expert's running figures: his ratings and, per budget year, his services, answers, declines
and expiries, kept in `expert_years` as the events happen.

Suggestions (core.matching) and the leader's view (core.team) ask these on every tap; counted from
the requests, events and ratings they read the expert's whole history, which grows every year while
the question does not. So each figure is updated in the unit of work of the event that changes it
(core.lifecycle.apply for the request's transitions, core.feedback.rate for a rating), the way voucher
accounts keep running balances, and `reconcile` recounts them from history to prove they agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects import postgresql, sqlite

from core.budget import budget_year, year_bounds
from storage.enums import RequestStatus
from storage.models import Rating, RequestEvent, ServiceRequest
from storage.models.requests import ExpertYear
from storage.uow import UnitOfWork

DONE_STATUSES = (RequestStatus.completed, RequestStatus.settled)
# The events that move a figure: an invitation sent (approve) and its answers.
INVITATION_ACTIONS = ("approve", "accept", "decline", "expire")


@dataclass
class Counts:
    services: int = 0
    declines: int = 0
    expiries: int = 0
    answers: int = 0
    answer_seconds: float = 0.0
    ratings: int = 0
    stars: int = 0


FIGURES = tuple(f.name for f in fields(Counts))


@dataclass(frozen=True)
class ExpertFigures:
    """What the callers read: ratings of all time, the rest of `year`."""

    rating_count: int = 0
    rating_stars: int = 0
    services: int = 0
    declines: int = 0
    expiries: int = 0
    answer_hours: float | None = None  # mean, from invitation to accept or decline


async def _add(uow: UnitOfWork, expert_id: int, year: int, **deltas: Any) -> None:
    """Add `deltas` to the expert's row of `year`, creating it; one statement, so two concurrent
    events for the same expert both count (the row is locked by the first until it commits)."""
    if not deltas:
        return
    dialect = uow.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ExpertYear).values(expert_id=expert_id, budget_year=year, **deltas)
    statement = statement.on_conflict_do_update(
        index_elements=[ExpertYear.expert_id, ExpertYear.budget_year],
        set_={name: getattr(ExpertYear, name) + statement.excluded[name] for name in deltas},
    )
    await uow.session.execute(statement)


async def count_event(uow: UnitOfWork, event: RequestEvent) -> None:
    """The figures `event` (flushed, with its id) changes: a completion is a service; a decline or
    expiry counts as such; an accept or decline is an answer, timed from the invitation it answers
    when that was sent the same year (the leader's figure is about this year's invitations)."""
    if event.expert_id is None or event.action not in ("complete", "accept", "decline", "expire"):
        return
    year = budget_year(event.at)
    deltas: dict[str, Any] = {}
    if event.action == "complete":
        deltas["services"] = 1
    elif event.action == "decline":
        deltas["declines"] = 1
    elif event.action == "expire":
        deltas["expiries"] = 1
    if event.action in ("accept", "decline"):
        sent = await uow.session.scalar(
            select(RequestEvent.at)
            .where(
                RequestEvent.request_id == event.request_id,
                RequestEvent.id < event.id,
                RequestEvent.action == "approve",
                RequestEvent.expert_id == event.expert_id,
            )
            .order_by(RequestEvent.id.desc())
            .limit(1)
        )
        if sent is not None and sent >= year_bounds(year)[0]:
            deltas["answers"] = 1
            deltas["answer_seconds"] = (event.at - sent).total_seconds()
    await _add(uow, event.expert_id, year, **deltas)


async def count_rating(uow: UnitOfWork, expert_id: int, stars: int, at: datetime) -> None:
    await _add(uow, expert_id, budget_year(at), ratings=1, stars=stars)


async def count_service(uow: UnitOfWork, expert_id: int, completed_at: datetime) -> None:
    """A service completed outside the lifecycle (imports of past records, test worlds)."""
    await _add(uow, expert_id, budget_year(completed_at), services=1)


async def for_experts(
    uow: UnitOfWork, ids: Collection[int] | Select[Any], year: int
) -> dict[int, ExpertFigures]:
    """Each expert's figures (`ids`: the ids, or a query of them): one row per expert and year read,
    never his requests."""
    in_year = ExpertYear.budget_year == year
    rows = await uow.session.execute(
        select(
            ExpertYear.expert_id,
            func.sum(ExpertYear.ratings),
            func.sum(ExpertYear.stars),
            func.sum(ExpertYear.services).filter(in_year),
            func.sum(ExpertYear.declines).filter(in_year),
            func.sum(ExpertYear.expiries).filter(in_year),
            func.sum(ExpertYear.answers).filter(in_year),
            func.sum(ExpertYear.answer_seconds).filter(in_year),
        )
        .where(ExpertYear.expert_id.in_(ids if isinstance(ids, Select) else list(ids)))
        .group_by(ExpertYear.expert_id)
    )
    found = {}
    for expert_id, ratings, stars, services, declines, expiries, answers, seconds in rows.all():
        found[expert_id] = ExpertFigures(
            rating_count=int(ratings or 0),
            rating_stars=int(stars or 0),
            services=int(services or 0),
            declines=int(declines or 0),
            expiries=int(expiries or 0),
            answer_hours=float(seconds) / int(answers) / 3600 if answers else None,
        )
    return found


async def recount(uow: UnitOfWork) -> dict[tuple[int, int], Counts]:
    """Every figure counted again from history (the requests, their events, the ratings), by
    (expert, budget year). Reads everything: for the reconciliation, never on a user's tap."""
    counted: dict[tuple[int, int], Counts] = defaultdict(Counts)
    services = await uow.session.stream(
        select(ServiceRequest.expert_id, ServiceRequest.completed_at).where(
            ServiceRequest.status.in_(DONE_STATUSES),
            ServiceRequest.expert_id.is_not(None),
            ServiceRequest.completed_at.is_not(None),
        )
    )
    async for expert_id, completed_at in services:
        assert expert_id is not None and completed_at is not None
        counted[(expert_id, budget_year(completed_at))].services += 1
    ratings = await uow.session.stream(select(Rating.expert_id, Rating.stars, Rating.created_at))
    async for expert_id, stars, created_at in ratings:
        figures = counted[(expert_id, budget_year(created_at))]
        figures.ratings += 1
        figures.stars += stars
    events = await uow.session.stream(
        select(RequestEvent.request_id, RequestEvent.action, RequestEvent.at, RequestEvent.expert_id)
        .where(RequestEvent.action.in_(INVITATION_ACTIONS), RequestEvent.expert_id.is_not(None))
        .order_by(RequestEvent.request_id, RequestEvent.id)
    )
    invited_at: dict[tuple[int, int], datetime] = {}
    async for request_id, action, at, expert_id in events:
        assert expert_id is not None
        if action == "approve":
            invited_at[(request_id, expert_id)] = at
            continue
        year = budget_year(at)
        figures = counted[(expert_id, year)]
        if action == "decline":
            figures.declines += 1
        elif action == "expire":
            figures.expiries += 1
        sent = invited_at.pop((request_id, expert_id), None)
        if sent is not None and action != "expire" and sent >= year_bounds(year)[0]:
            figures.answers += 1
            figures.answer_seconds += (at - sent).total_seconds()
    return {key: value for key, value in counted.items() if value != Counts()}


@dataclass(frozen=True)
class Mismatch:
    expert_id: int
    budget_year: int
    figure: str
    kept: float
    counted: float


def _same(kept: float, counted: float) -> bool:
    # The waiting seconds are summed in another order than they were added: equal to the microsecond.
    return abs(kept - counted) < 1e-3


async def reconcile(uow: UnitOfWork) -> list[Mismatch]:
    """The kept figures that differ from a recount of history; empty when they all agree."""
    kept = {
        (row.expert_id, row.budget_year): Counts(**{name: getattr(row, name) for name in FIGURES})
        for row in (await uow.session.scalars(select(ExpertYear))).all()
    }
    counted = await recount(uow)
    mismatches = []
    for key in sorted(kept.keys() | counted.keys()):
        a, b = kept.get(key, Counts()), counted.get(key, Counts())
        for name in FIGURES:
            if not _same(getattr(a, name), getattr(b, name)):
                mismatches.append(Mismatch(key[0], key[1], name, getattr(a, name), getattr(b, name)))
    return mismatches
