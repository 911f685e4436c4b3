from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.errors import IllegalTransition, InvalidInput, NotFound, NotPermitted
from core.feedback import auto_confirm_due, complain, rate, resolve_complaint
from core.scope import Staff
from storage.enums import ActorKind, ComplaintStatus, RequestStatus
from storage.models import AuditLog, Complaint, Rating, RequestEvent, ServiceRequest
from storage.uow import UnitOfWork
from tests import factories as make

NOW = datetime(2024, 6, 15, 4, tzinfo=UTC)
UowFactory = Callable[[], UnitOfWork]


@dataclass
class Scene:
    county_id: int
    farmer_id: int
    other_farmer_id: int
    expert_id: int
    request_id: int


async def scene(
    uow_factory: UowFactory,
    *,
    status: RequestStatus = RequestStatus.completed,
    completed_at: datetime | None = NOW - timedelta(hours=1),
    submitted_at: datetime | None = NOW - timedelta(days=2),
) -> Scene:
    async with uow_factory() as uow:
        county = await make.county(uow)
        farmer = await make.farmer(uow, county.id)
        other = await make.farmer(uow, county.id)
        expert = await make.expert(uow, county.id)
        request = await make.service_request(
            uow,
            farmer,
            status=status,
            expert_id=expert.id,
            completed_at=completed_at,
            submitted_at=submitted_at,
        )
        await uow.commit()
    return Scene(county.id, farmer.id, other.id, expert.id, request.id)


async def events_of(uow: UnitOfWork, request_id: int) -> list[RequestEvent]:
    return list(await uow.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request_id)))


async def test_rating_settles_the_request(uow_factory: UowFactory) -> None:
    s = await scene(uow_factory)
    async with uow_factory() as uow:
        rating = await rate(
            uow, request_id=s.request_id, farmer_id=s.farmer_id, stars=4, comment="  很及时  ", now=NOW
        )
    assert (rating.stars, rating.comment, rating.expert_id) == (4, "很及时", s.expert_id)

    async with uow_factory() as uow:
        request = await uow.session.get(ServiceRequest, s.request_id)
        assert request is not None and request.status is RequestStatus.settled
        [event] = await events_of(uow, s.request_id)
        assert (event.action, event.actor_kind, event.actor_id) == ("settle", ActorKind.farmer, s.farmer_id)
        assert event.at == NOW
        stored = await uow.session.scalar(select(Rating).where(Rating.request_id == s.request_id))
        assert stored is not None and not stored.auto_confirmed


async def test_blank_comment_is_stored_as_none(uow_factory: UowFactory) -> None:
    s = await scene(uow_factory)
    async with uow_factory() as uow:
        rating = await rate(uow, request_id=s.request_id, farmer_id=s.farmer_id, stars=5, comment="   ")
    assert rating.comment is None


@pytest.mark.parametrize("stars", [0, 6, -1, True])
async def test_stars_outside_one_to_five_are_refused(uow_factory: UowFactory, stars: int) -> None:
    s = await scene(uow_factory)
    async with uow_factory() as uow:
        with pytest.raises(InvalidInput):
            await rate(uow, request_id=s.request_id, farmer_id=s.farmer_id, stars=stars)


async def test_only_the_requests_farmer_may_rate(uow_factory: UowFactory) -> None:
    s = await scene(uow_factory)
    async with uow_factory() as uow:
        with pytest.raises(NotPermitted):
            await rate(uow, request_id=s.request_id, farmer_id=s.other_farmer_id, stars=5)
        with pytest.raises(NotFound):
            await rate(uow, request_id=999_999, farmer_id=s.farmer_id, stars=5)


@pytest.mark.parametrize(
    "status", [RequestStatus.pending_review, RequestStatus.in_service, RequestStatus.cancelled]
)
async def test_only_completed_services_can_be_rated(uow_factory: UowFactory, status: RequestStatus) -> None:
    s = await scene(uow_factory, status=status, completed_at=None)
    async with uow_factory() as uow:
        with pytest.raises(IllegalTransition):
            await rate(uow, request_id=s.request_id, farmer_id=s.farmer_id, stars=5)


async def test_a_service_is_rated_once(uow_factory: UowFactory) -> None:
    s = await scene(uow_factory)
    async with uow_factory() as uow:
        await rate(uow, request_id=s.request_id, farmer_id=s.farmer_id, stars=5)
    async with uow_factory() as uow:
        with pytest.raises(IllegalTransition, match="already rated"):
            await rate(uow, request_id=s.request_id, farmer_id=s.farmer_id, stars=1)
    async with uow_factory() as uow:
        stars = list(await uow.session.scalars(select(Rating.stars).where(Rating.request_id == s.request_id)))
    assert stars == [5]


async def test_overlong_comment_is_refused(uow_factory: UowFactory) -> None:
    s = await scene(uow_factory)
    async with uow_factory() as uow:
        with pytest.raises(InvalidInput, match="limited to 2000 characters") as refused:
            await rate(uow, request_id=s.request_id, farmer_id=s.farmer_id, stars=5, comment="好" * 2001)
    assert (refused.value.details["limit"], refused.value.details["length"]) == (2000, 2001)


async def test_auto_confirm_settles_old_unrated_services_without_a_rating(uow_factory: UowFactory) -> None:
    due = await scene(uow_factory, completed_at=NOW - timedelta(days=3))
    fresh = await scene(uow_factory, completed_at=NOW - timedelta(days=3) + timedelta(seconds=1))
    in_service = await scene(uow_factory, status=RequestStatus.in_service, completed_at=None)

    async with uow_factory() as uow:
        assert await auto_confirm_due(uow, now=NOW) == [due.request_id]

    async with uow_factory() as uow:
        statuses = {
            r.id: r.status
            for r in await uow.session.scalars(
                select(ServiceRequest).where(
                    ServiceRequest.id.in_([due.request_id, fresh.request_id, in_service.request_id])
                )
            )
        }
        assert statuses == {
            due.request_id: RequestStatus.settled,
            fresh.request_id: RequestStatus.completed,
            in_service.request_id: RequestStatus.in_service,
        }
        [event] = await events_of(uow, due.request_id)
        assert (event.actor_kind, event.action) == (ActorKind.system, "settle")
        assert event.reason == "auto-confirmed after 3 days without a rating"
        assert await uow.session.scalar(select(Rating).where(Rating.request_id == due.request_id)) is None
        # Running again finds nothing left to do.
        assert await auto_confirm_due(uow, now=NOW) == []


async def test_auto_confirm_waiting_period_is_configurable(uow_factory: UowFactory) -> None:
    s = await scene(uow_factory, completed_at=NOW - timedelta(days=1))
    async with uow_factory() as uow:
        assert await auto_confirm_due(uow, now=NOW, after_days=1) == [s.request_id]


async def test_farmer_complains_about_a_submitted_request(uow_factory: UowFactory) -> None:
    s = await scene(uow_factory, status=RequestStatus.in_service, completed_at=None)
    async with uow_factory() as uow:
        complaint = await complain(
            uow, request_id=s.request_id, farmer_id=s.farmer_id, text="  专家没有回复  ", now=NOW
        )
    assert (complaint.text, complaint.expert_id, complaint.status) == (
        "专家没有回复",
        s.expert_id,
        ComplaintStatus.open,
    )
    assert complaint.created_at == NOW


@pytest.mark.parametrize("status", [RequestStatus.settled, RequestStatus.cancelled, RequestStatus.rejected])
async def test_complaints_are_accepted_in_final_states(
    uow_factory: UowFactory, status: RequestStatus
) -> None:
    s = await scene(uow_factory, status=status)
    async with uow_factory() as uow:
        await complain(uow, request_id=s.request_id, farmer_id=s.farmer_id, text="服务态度差")
        count = len(list(await uow.session.scalars(select(Complaint))))
    assert count == 1


async def test_complaint_refusals(uow_factory: UowFactory) -> None:
    s = await scene(uow_factory)
    draft = await scene(uow_factory, status=RequestStatus.draft, completed_at=None, submitted_at=None)
    async with uow_factory() as uow:
        with pytest.raises(NotPermitted):
            await complain(uow, request_id=s.request_id, farmer_id=s.other_farmer_id, text="差")
        with pytest.raises(NotFound):
            await complain(uow, request_id=999_999, farmer_id=s.farmer_id, text="差")
        with pytest.raises(IllegalTransition, match="submitted"):
            await complain(uow, request_id=draft.request_id, farmer_id=draft.farmer_id, text="差")
        for text in ("", "   ", "差" * 2001):
            with pytest.raises(InvalidInput):
                await complain(uow, request_id=s.request_id, farmer_id=s.farmer_id, text=text)
        await complain(uow, request_id=s.request_id, farmer_id=s.farmer_id, text="差" * 2000)


async def open_complaint(uow_factory: UowFactory) -> tuple[Scene, int]:
    s = await scene(uow_factory)
    async with uow_factory() as uow:
        complaint = await complain(uow, request_id=s.request_id, farmer_id=s.farmer_id, text="专家没来")
    return s, complaint.id


@pytest.mark.parametrize(
    ("verified", "status"), [(True, ComplaintStatus.verified), (False, ComplaintStatus.dismissed)]
)
async def test_resolving_a_complaint_is_recorded_and_audited(
    uow_factory: UowFactory, verified: bool, status: ComplaintStatus
) -> None:
    s, complaint_id = await open_complaint(uow_factory)
    reviewer = Staff(admin_id=7, county_id=s.county_id)
    async with uow_factory() as uow:
        complaint = await resolve_complaint(
            uow,
            complaint_id=complaint_id,
            staff=reviewer,
            verified=verified,
            resolution="已回访核实",
            now=NOW,
        )
    assert (complaint.status, complaint.resolution, complaint.resolved_at) == (status, "已回访核实", NOW)

    async with uow_factory() as uow:
        [entry] = await uow.session.scalars(select(AuditLog))
        assert (entry.actor_kind, entry.actor_id, entry.action) == (ActorKind.admin, 7, f"complaint.{status}")
        assert (entry.entity, entry.entity_id) == ("complaint", complaint_id)
        assert entry.detail == {
            "request_id": s.request_id,
            "expert_id": s.expert_id,
            "before": {"status": "open"},
            "after": {"status": str(status), "resolution": "已回访核实"},
        }
        assert entry.county_id == s.county_id  # county staff read it in their audit log


async def test_complaint_resolution_refusals(uow_factory: UowFactory) -> None:
    s, complaint_id = await open_complaint(uow_factory)
    foreign_reviewer = Staff(admin_id=None, county_id=s.county_id + 1)
    city = Staff(admin_id=None, county_id=None)

    async def resolve(staff: Staff, *, complaint: int = complaint_id, resolution: str = "属实") -> Complaint:
        async with uow_factory() as uow:
            return await resolve_complaint(
                uow, complaint_id=complaint, staff=staff, verified=False, resolution=resolution
            )

    with pytest.raises(NotPermitted):
        await resolve(foreign_reviewer)
    with pytest.raises(NotFound):
        await resolve(city, complaint=999_999)
    with pytest.raises(InvalidInput):
        await resolve(city, resolution=" ")
    await resolve(city, resolution="不属实")
    with pytest.raises(IllegalTransition, match="already dismissed"):
        await resolve(city)
