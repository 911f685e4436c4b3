"""The county's expert team over HTTP (Art. 7): formed once, led by one 副高 whom the county sets, and
the terms ending soon listed and warned of (Art. 9(3)1), in the county's scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from storage.enums import AdminRole, ExpertStatus
from storage.models import AuditLog
from storage.types import utcnow
from storage.uow import UnitOfWork
from tests import factories as make
from tests.admin_api.test_review_desk import token

UowFactory = Callable[[], UnitOfWork]


async def test_a_county_forms_its_one_team(api: TestClient, uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        county = await make.county(uow)
        await make.specialty(uow, "plant_protection")
        await uow.commit()
        county_id, county_name = county.id, county.name
    admin = await token(uow_factory, AdminRole.county_admin, county_name)
    city = await token(uow_factory, AdminRole.city_institute)

    unnamed = await api.post("/api/v1/teams", json={"name": "专家团"}, headers=city)
    assert unnamed.status == 422 and "county_id" in (await unnamed.json())["detail"]
    formed = await api.post("/api/v1/teams", json={"name": " 精准服务专家团 "}, headers=admin)
    assert formed.status == 201, await formed.text()
    team = await formed.json()
    assert (team["county_id"], team["name"], team["active_members"]) == (county_id, "精准服务专家团", 0)
    assert team["problems"] == [
        "Art. 7: the team has 0 active members; it needs at least 10",
        "Art. 7: the team has no leader",
    ]
    second = await api.post("/api/v1/teams", json={"name": "第二团", "county_id": county_id}, headers=city)
    assert second.status == 409 and "Art. 7" in (await second.json())["detail"]

    # The county's first expert joins the team it formed.
    certified = await api.post(
        "/api/v1/experts",
        json={"name": "赵六", "phone": "13704780001", "title": "农艺师", "specialties": ["plant_protection"]},
        headers=admin,
    )
    assert certified.status == 201 and (await certified.json())["team_id"] == team["id"]


async def test_the_county_sets_the_leader_and_is_warned_of_terms_ending(
    api: TestClient, uow_factory: UowFactory
) -> None:
    today = utcnow().date()
    later = today + timedelta(days=1800)
    async with uow_factory() as uow:
        county, other = await make.county(uow), await make.county(uow)
        junior = await make.expert(uow, county.id, title="农艺师", term_start=today, term_end=later)
        senior = await make.expert(
            uow, county.id, title="研究员", senior_rank=True, term_start=today, term_end=later
        )
        retired = await make.expert(uow, county.id, senior_rank=True, status=ExpertStatus.retired)
        ending = await make.expert(
            uow,
            county.id,
            name="钱七",
            term_start=today - timedelta(days=1800),
            term_end=today + timedelta(days=25),
        )
        for _ in range(6):
            await make.expert(uow, county.id, term_start=today, term_end=later)
        theirs = await make.expert(uow, other.id, term_end=today + timedelta(days=10))
        await uow.commit()
        team_id, their_team = junior.team_id, theirs.team_id
        ids = (junior.id, senior.id, retired.id, ending.id)
        county_name = county.name
    junior_id, senior_id, retired_id, ending_id = ids
    admin = await token(uow_factory, AdminRole.county_admin, county_name)
    url = f"/api/v1/teams/{team_id}"

    below = await api.patch(url, json={"leader_id": junior_id}, headers=admin)
    problem = await below.json()
    assert below.status == 422 and "Art. 7" in problem["detail"] and "副高" in problem["detail"]
    gone = await api.patch(url, json={"leader_id": retired_id}, headers=admin)
    assert gone.status == 409
    outsider = await api.patch(url, json={"leader_id": theirs.id}, headers=admin)
    assert outsider.status == 404
    led = await api.patch(url, json={"leader_id": senior_id, "name": "五原专家团"}, headers=admin)
    assert led.status == 200, await led.text()
    report = await led.json()
    assert report["leader"]["id"] == senior_id and report["name"] == "五原专家团"
    assert report["active_members"] == 9 and retired_id not in [m["id"] for m in report["members"]]
    async with uow_factory() as uow:
        entry = await uow.session.scalar(
            select(AuditLog).where(AuditLog.action == "team.edit").order_by(AuditLog.id.desc()).limit(1)
        )
    assert entry is not None and entry.entity_id == team_id
    assert entry.detail["before"]["leader_id"] is None and entry.detail["after"]["leader_id"] == senior_id

    # A new leader relieves the one before in the same step.
    async with uow_factory() as uow:
        other_senior = await make.expert(
            uow, report["county_id"], title="研究员", senior_rank=True, term_start=today, term_end=later
        )
        await uow.commit()
        other_senior_id = other_senior.id
    moved = await (await api.patch(url, json={"leader_id": other_senior_id}, headers=admin)).json()
    assert moved["leader"]["id"] == other_senior_id
    listed = await (await api.get(f"/api/v1/experts/{senior_id}", headers=admin)).json()
    assert listed["is_leader"] is False

    # Terms ending: the team's GET warns in words; the list names the teams with one ending.
    soon = await (await api.get(url + "?within_days=30", headers=admin)).json()
    assert [e["id"] for e in soon["terms_ending"]] == [ending_id]
    end = (today + timedelta(days=25)).isoformat()
    assert soon["warnings"] == [f"Art. 9(3)1: 钱七's term ends on {end}, in 25 days: assess and re-certify"]
    assert (await (await api.get(url + "?within_days=7", headers=admin)).json())["warnings"] == []

    city = await token(uow_factory, AdminRole.city_institute)
    ending_teams = await (await api.get("/api/v1/teams?ending=true&within_days=30", headers=city)).json()
    assert [t["id"] for t in ending_teams["items"]] == [team_id, their_team]
    none_soon = await (await api.get("/api/v1/teams?ending=true&within_days=5", headers=city)).json()
    assert none_soon["items"] == []
    own_only = await (await api.get("/api/v1/teams?ending=true&within_days=30", headers=admin)).json()
    assert [t["id"] for t in own_only["items"]] == [team_id]
    assert (await api.get(f"/api/v1/teams/{their_team}", headers=admin)).status == 404
