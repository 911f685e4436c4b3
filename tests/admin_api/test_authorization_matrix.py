"""Every route of the app × every role × own county / other county object × no, expired or revoked
token, each with the exact status it must get.

Built from the app's route table: a route this test has no way to call (no row in OBJECTS) fails it,
so a new endpoint cannot arrive without its place in the matrix. Expectations come from
core.permissions.ROLE_PERMISSIONS, not from a second copy of the rights.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from admin_api.app import endpoints
from core import advisories
from core.admin_tokens import create_token, revoke_token
from core.feedback import complain, rate
from core.permissions import ROLE_PERMISSIONS
from core.seed.demo_queue import seed_demo_queue
from storage.enums import AdminRole, AdvisoryCategory, RequestStatus, TermAction
from storage.models import (
    County,
    Expert,
    Farmer,
    RosterMember,
    ServiceObject,
    ServiceRequest,
    TermEntry,
    VoucherAccount,
)
from storage.types import utcnow
from storage.uow import UnitOfWork
from tests import factories as make
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]
OWN, OTHER = "临河区", "五原县"  # county roles in this test are 临河区's
COUNTY_ROLES = {AdminRole.county_reviewer, AdminRole.county_admin}


@dataclass
class World:
    """One object of each kind in each county: what a path parameter can name."""

    requests: dict[str, int] = field(default_factory=dict)  # pending, with photos
    advisories: dict[str, int] = field(default_factory=dict)  # pending
    complaints: dict[str, int] = field(default_factory=dict)  # open
    accounts: dict[str, int] = field(default_factory=dict)  # voucher accounts (the demo's)
    experts: dict[str, int] = field(default_factory=dict)  # active, made for this test alone
    teams: dict[str, int] = field(default_factory=dict)
    service_objects: dict[str, int] = field(default_factory=dict)
    # roster members of each county's service object: every call that names one takes its own, so
    # a removal by one role leaves the next role a member to act on (not a 404)
    members: dict[str, list[int]] = field(default_factory=dict)
    terms: dict[str, int] = field(default_factory=dict)  # banned terms (of no county)


@dataclass(frozen=True)
class Row:
    """How to call a route about an object of `county`: its path parameters, body and query."""

    params: Callable[[World, str], dict[str, int]] = lambda _w, _c: {}
    # a body naming the county's object is built from the world, like the path parameters
    body: dict[str, Any] | Callable[[World, str], dict[str, Any]] | None = None
    # False: the route names no single object (a list, a selection reported item by item), so a
    # county role gets no 404 for another county's; lists never show it (their own tests say so).
    scoped: bool = True


def _request(world: World, county: str) -> dict[str, int]:
    return {"id": world.requests[county]}


def _advisory(world: World, county: str) -> dict[str, int]:
    return {"id": world.advisories[county]}


def _complaint(world: World, county: str) -> dict[str, int]:
    return {"id": world.complaints[county]}


def _account(world: World, county: str) -> dict[str, int]:
    return {"id": world.accounts[county]}


def _expert_step(world: World, county: str) -> dict[str, Any]:
    return {"expert_id": world.experts[county], "period": "2026-01"}


def _expert(world: World, county: str) -> dict[str, int]:
    return {"id": world.experts[county]}


def _service_object(world: World, county: str) -> dict[str, int]:
    return {"id": world.service_objects[county]}


def _member(world: World, county: str) -> dict[str, int]:
    return {**_service_object(world, county), "member_id": world.members[county].pop()}


def _team(world: World, county: str) -> dict[str, int]:
    return {"id": world.teams[county]}


_EXPERT = {"name": "王芳", "phone": "13904789999", "title": "农艺师", "specialties": ["plant_protection"]}


# (method, path) → how to call it. Add a row with every new endpoint.
OBJECTS: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/review-queue"): Row(scoped=False),
    ("POST", "/api/v1/requests/{id}/claim"): Row(_request),
    ("POST", "/api/v1/requests/{id}/unclaim"): Row(_request),
    ("POST", "/api/v1/requests/{id}/approve"): Row(_request),
    ("POST", "/api/v1/requests/{id}/reject"): Row(_request, body={"reason": "请补充照片"}),
    ("GET", "/api/v1/requests/{id}"): Row(_request),
    ("GET", "/api/v1/requests/{id}/photos/{n}"): Row(lambda w, c: {**_request(w, c), "n": 1}),
    ("POST", "/api/v1/requests/{id}/notes"): Row(_request, body={"text": "已电话联系农户"}),
    (
        "POST",
        "/api/v1/requests/actions",
    ): Row(scoped=False, body={"action": "reject", "ids": [1], "reason": "重复提交"}),
    ("GET", "/api/v1/advisories"): Row(scoped=False),
    ("GET", "/api/v1/advisories/{id}"): Row(_advisory),
    ("POST", "/api/v1/advisories/{id}/approve"): Row(_advisory),
    ("POST", "/api/v1/advisories/{id}/reject"): Row(_advisory, body={"reason": "请注明防治药剂"}),
    ("GET", "/api/v1/complaints"): Row(scoped=False),
    ("GET", "/api/v1/complaints/{id}"): Row(_complaint),
    ("POST", "/api/v1/complaints/{id}/resolve"): Row(
        _complaint, body={"verdict": "unfounded", "note": "已核实"}
    ),
    ("GET", "/api/v1/audit"): Row(scoped=False),
    ("GET", "/api/v1/vouchers/accounts"): Row(scoped=False),
    ("GET", "/api/v1/vouchers/accounts/{id}/ledger"): Row(_account),
    ("POST", "/api/v1/vouchers/accounts/{id}/adjust"): Row(
        _account, body={"delta_fen": 100, "reason": "补录漏发"}
    ),
    ("POST", "/api/v1/vouchers/issue"): Row(
        scoped=False, body={"amount_fen": 100, "budget_year": 2026, "kind": "household", "preview": True}
    ),
    ("POST", "/api/v1/vouchers/expire"): Row(scoped=False, body={"budget_year": 2001}),
    ("GET", "/api/v1/vouchers/reconciliation"): Row(scoped=False),
    ("GET", "/api/v1/reimbursements"): Row(scoped=False),
    # Another county's expert is 404 to a county role; nothing to reimburse yet is 422.
    ("POST", "/api/v1/reimbursements/confirm"): Row(body=_expert_step),
    ("POST", "/api/v1/reimbursements/pay"): Row(body=_expert_step),
    # A city role names no county here (422); a county role's expert is its own county's.
    ("GET", "/api/v1/experts"): Row(scoped=False),
    ("POST", "/api/v1/experts"): Row(scoped=False, body=_EXPERT),
    ("GET", "/api/v1/experts/export"): Row(scoped=False),
    ("POST", "/api/v1/experts/import"): Row(scoped=False),  # a JSON body: 415 (a city role: 422, no county)
    ("GET", "/api/v1/experts/{id}"): Row(_expert),
    ("PATCH", "/api/v1/experts/{id}"): Row(_expert, body={"title": "高级农艺师"}),
    ("POST", "/api/v1/experts/{id}/suspend"): Row(_expert, body={"reason": "体检"}),
    ("POST", "/api/v1/experts/{id}/dismiss"): Row(_expert, body={"reason": "工作变动"}),
    ("POST", "/api/v1/experts/{id}/reinstate"): Row(_expert, body={"reason": "复职"}),
    ("GET", "/api/v1/teams"): Row(scoped=False),
    # Every county of the test has its team already: 409 (a city role names no county: 422).
    ("POST", "/api/v1/teams"): Row(scoped=False, body={"name": "精准服务专家团"}),
    ("GET", "/api/v1/teams/{id}"): Row(_team),
    ("PATCH", "/api/v1/teams/{id}"): Row(_team, body={"name": "精准服务专家团"}),
    ("GET", "/api/v1/service-objects"): Row(scoped=False),
    ("POST", "/api/v1/service-objects"): Row(scoped=False, body={"kind": "household", "name": "示范户张三"}),
    ("GET", "/api/v1/service-objects/{id}"): Row(_service_object),
    ("PATCH", "/api/v1/service-objects/{id}"): Row(_service_object, body={"name": "示范户李四"}),
    ("POST", "/api/v1/service-objects/{id}/deactivate"): Row(_service_object, body={"reason": "退出示范"}),
    ("POST", "/api/v1/service-objects/{id}/reactivate"): Row(_service_object, body={"reason": "重新认定"}),
    # The same phone again is 422 (already on the roster), which is still an allowed call.
    ("POST", "/api/v1/service-objects/{id}/roster/members"): Row(
        _service_object, body={"name": "农户甲", "phone": "13704789999"}
    ),
    ("PATCH", "/api/v1/service-objects/{id}/roster/members/{member_id}"): Row(
        _member, body={"name": "农户乙"}
    ),
    ("DELETE", "/api/v1/service-objects/{id}/roster/members/{member_id}"): Row(_member),
    ("GET", "/api/v1/service-objects/{id}/roster"): Row(_service_object),
    ("GET", "/api/v1/service-objects/{id}/roster/export"): Row(_service_object),
    ("POST", "/api/v1/service-objects/{id}/roster/import"): Row(_service_object),
    ("GET", "/api/v1/fees"): Row(scoped=False),
    ("POST", "/api/v1/fees"): Row(scoped=False, body={"service_mode": "video", "fee_fen": 10000}),
    ("GET", "/api/v1/terms"): Row(scoped=False),
    ("POST", "/api/v1/terms"): Row(scoped=False, body={"list": "banned", "terms": [{"term": "假化肥团购"}]}),
    # Terms belong to no county: one for each column of the matrix, removed by the first allowed call.
    ("DELETE", "/api/v1/terms/{id}"): Row(lambda w, c: {"id": w.terms[c]}, scoped=False),
    ("GET", "/api/openapi.json"): Row(scoped=False),
    ("GET", "/api/docs"): Row(scoped=False),
    ("GET", "/api/docs/docs.js"): Row(scoped=False),
}


async def _build(uow_factory: UowFactory) -> World:
    demo = await build_world(uow_factory)
    async with uow_factory() as uow:
        await seed_demo_queue(uow)
    world = World()
    async with uow_factory() as uow:
        counties = {c.name: c.id for c in (await uow.session.scalars(select(County))).all()}
        for name in (OWN, OTHER):
            world.requests[name] = await _with_photos(uow, counties[name])
            expert = await uow.session.scalar(
                select(Expert).where(Expert.county_id == counties[name]).order_by(Expert.id).limit(1)
            )
            assert expert is not None
            advisory = await advisories.submit_advisory(
                uow,
                expert.id,
                category=AdvisoryCategory.pest,
                body="向日葵螟预警",
                target_subjects=["向日葵"],
            )
            world.advisories[name] = advisory.id
            world.complaints[name] = await _complaint_in(uow_factory, counties[name], expert.id)
            world.accounts[name] = await _account_in(uow, counties[name])
            mine = await make.expert(uow, counties[name])
            world.experts[name], world.teams[name] = mine.id, mine.team_id
            world.service_objects[name] = (await make.service_object(uow, counties[name])).id
            members = [
                RosterMember(
                    service_object_id=world.service_objects[name], name="农户", phone=f"1370000{n:04d}"
                )
                for n in range(30)
            ]
            uow.session.add_all(members)
            await uow.flush()
            world.members[name] = [m.id for m in members]
            term = TermEntry(
                list_name="banned", term=f"测试词{name}", category="fraud", action=TermAction.block
            )
            uow.session.add(term)
            await uow.flush()
            world.terms[name] = term.id
            await uow.commit()
    assert demo.county_id == counties[OWN]
    return world


async def _account_in(uow: UnitOfWork, county_id: int) -> int:
    found = await uow.session.scalar(
        select(VoucherAccount.id)
        .join(ServiceObject, ServiceObject.id == VoucherAccount.service_object_id)
        .where(ServiceObject.county_id == county_id)
        .order_by(VoucherAccount.id)
        .limit(1)
    )
    assert found is not None, "the demo issues vouchers in both counties"
    return found


async def _with_photos(uow: UnitOfWork, county_id: int) -> int:
    pending = await uow.session.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.county_id == county_id, ServiceRequest.status == RequestStatus.pending_review)
        .order_by(ServiceRequest.id)
    )
    found = [request.id for request in pending.all() if request.photo_file_ids]
    assert found, "the demo queue has a request with photos in both counties"
    return found[0]


async def _complaint_in(uow_factory: UowFactory, county_id: int, expert_id: int) -> int:
    async with uow_factory() as uow:
        farmer = await uow.session.scalar(
            select(Farmer).where(Farmer.county_id == county_id).order_by(Farmer.id).limit(1)
        )
        assert farmer is not None
        request = await make.service_request(uow, farmer, status=RequestStatus.completed, expert_id=expert_id)
        await uow.commit()
        farmer_id = farmer.id
    async with uow_factory() as uow:
        await rate(uow, request_id=request.id, farmer_id=farmer_id, stars=1, comment="没来")
    async with uow_factory() as uow:
        return (await complain(uow, request_id=request.id, farmer_id=farmer_id, text="专家没来")).id


async def _bearer(uow_factory: UowFactory, role: AdminRole, **kwargs: Any) -> dict[str, str]:
    county = OWN if role in COUNTY_ROLES else None
    async with uow_factory() as uow:
        issued = await create_token(uow, role=role, county_name=county, **kwargs)
    return {"Authorization": f"Bearer {issued.token}"}


async def _refused_tokens(uow_factory: UowFactory) -> dict[str, dict[str, str]]:
    expired = await _bearer(uow_factory, AdminRole.city_institute, days=1, now=utcnow() - timedelta(days=2))
    revoked = await _bearer(uow_factory, AdminRole.city_institute)
    async with uow_factory() as uow:
        await revoke_token(uow, revoked["Authorization"].removeprefix("Bearer ")[:10])
    return {"no token": {}, "expired token": expired, "revoked token": revoked}


def _routes(api: TestClient) -> list[tuple[str, str]]:
    seen = {
        (route.method, route.resource.canonical)
        for route in api.app.router.routes()
        # The console (admin_api/console) answers a log-in session, not a bearer token: its rules
        # are held by tests/console.
        if route.resource is not None
        and route.method != "HEAD"
        and not route.resource.canonical.startswith("/console/")
    }
    return sorted(seen, key=lambda r: (r[1], r[0]))


async def test_every_route_answers_every_caller_as_the_rights_say(
    api: TestClient, uow_factory: UowFactory
) -> None:
    routes = _routes(api)
    missing = [f"{method} {path}" for method, path in routes if (method, path) not in OBJECTS]
    assert not missing, f"no row in OBJECTS for: {', '.join(missing)} (say how to call it)"
    declared = {(e.method, e.path): e for e in endpoints()}
    assert set(routes) == set(declared), "a route the app serves is not declared with @api.route"

    world = await _build(uow_factory)
    refused = await _refused_tokens(uow_factory)
    staff = {role: await _bearer(uow_factory, role) for role in AdminRole}
    wrong: list[str] = []

    async def check(
        method: str, path: str, headers: dict[str, str], county: str, allowed: set[int] | None, who: str
    ) -> None:
        row = OBJECTS[(method, path)]
        url = path.format(**row.params(world, county))
        body = row.body(world, county) if callable(row.body) else row.body
        answer = await api.request(method, url, headers=headers, json=body)
        status = answer.status
        await answer.read()
        if (allowed is None and status in (401, 403, 404)) or (allowed is not None and status not in allowed):
            expected = "not 401/403/404" if allowed is None else " or ".join(map(str, sorted(allowed)))
            wrong.append(f"{method} {url} as {who} ({county}): {status}, expected {expected}")

    checks: list[Awaitable[None]] = []
    for method, path in routes:
        endpoint = declared[(method, path)]
        row = OBJECTS[(method, path)]
        for name, headers in refused.items():
            checks.append(check(method, path, headers, OWN, None if endpoint.public else {401}, name))
        for role, headers in staff.items():
            for county in (OWN, OTHER):
                if endpoint.public:
                    expected: set[int] | None = None
                elif endpoint.permission is not None and endpoint.permission not in ROLE_PERMISSIONS[role]:
                    expected = {403}
                elif county == OTHER and role in COUNTY_ROLES and row.scoped:
                    expected = {404}
                else:
                    expected = None
                checks.append(check(method, path, headers, county, expected, str(role)))
    for one in checks:  # in order: a decision made by one role is seen (409) by the next, never 404
        await one
    assert not wrong, "\n".join(wrong)
