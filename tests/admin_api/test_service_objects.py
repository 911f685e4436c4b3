"""The county's list of service objects over HTTP (Art. 10): pages and filters in the county's scope,
corrections and taking a household off the list with before/after in the audit log, and the roster
one farmer at a time, whose mobile then binds (or no longer binds) in the bot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from core import ledger
from core.actors import Actor
from core.binding import BindingRefused, bind_by_phone
from core.errors import NotFound
from storage.enums import AdminRole, ServiceObjectKind
from storage.models import AuditLog, County, RosterMember, Township, VoucherAccount
from storage.uow import UnitOfWork
from tests import factories as make
from tests.admin_api.test_review_desk import token

UowFactory = Callable[[], UnitOfWork]


async def _counties(uow_factory: UowFactory) -> dict[str, Any]:
    """Two counties, a township in each, and in the first: two households and a park."""
    async with uow_factory() as uow:
        own, other = await make.county(uow), await make.county(uow)
        towns = []
        for county in (own, other):
            n = make.serial()
            town = Township(code=f"T{n}", name=f"乡镇{n}", county_id=county.id)
            uow.session.add(town)
            towns.append(town)
        await uow.flush()
        first = await make.service_object(uow, own.id)
        second = await make.service_object(uow, own.id)
        second.township_id = towns[0].id
        park = await make.service_object(uow, own.id, kind=ServiceObjectKind.park)
        theirs = await make.service_object(uow, other.id)
        await uow.commit()
        world: dict[str, Any] = {
            "own": own.name,
            "other": other.name,
            "town": towns[0].id,
            "their_town": towns[1].id,
            "ids": [first.id, second.id, park.id],
            "theirs": theirs.id,
        }
    world["admin"] = await token(uow_factory, AdminRole.county_admin, world["own"])
    world["city"] = await token(uow_factory, AdminRole.city_institute)
    return world


async def _json(answer: Any) -> Any:
    return await answer.json()


async def _last_audit(uow_factory: UowFactory, action: str) -> AuditLog:
    async with uow_factory() as uow:
        entry = await uow.session.scalar(
            select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id.desc()).limit(1)
        )
    assert entry is not None, f"no {action} in the audit log"
    return entry


async def test_the_list_pages_filters_and_keeps_to_the_county(
    api: TestClient, uow_factory: UowFactory
) -> None:
    w = await _counties(uow_factory)
    first, second, park = w["ids"]
    page = await _json(await api.get("/api/v1/service-objects?limit=2", headers=w["admin"]))
    assert [o["id"] for o in page["items"]] == [first, second] and page["next_cursor"]
    rest = await _json(
        await api.get(f"/api/v1/service-objects?limit=2&cursor={page['next_cursor']}", headers=w["admin"])
    )
    assert [o["id"] for o in rest["items"]] == [park] and rest["next_cursor"] is None  # never theirs

    parks = await _json(await api.get("/api/v1/service-objects?kind=park", headers=w["admin"]))
    assert [(o["id"], o["kind"], o["certified"]) for o in parks["items"]] == [(park, "park", True)]
    in_town = await _json(
        await api.get(f"/api/v1/service-objects?township_id={w['town']}", headers=w["admin"])
    )
    assert [o["id"] for o in in_town["items"]] == [second]
    everyone = await _json(await api.get("/api/v1/service-objects?kind=household", headers=w["city"]))
    assert [o["id"] for o in everyone["items"]] == [first, second, w["theirs"]]

    one = await api.get(f"/api/v1/service-objects/{second}", headers=w["admin"])
    assert (await one.json())["township_id"] == w["town"]
    theirs = await api.get(f"/api/v1/service-objects/{w['theirs']}", headers=w["admin"])
    assert theirs.status == 404


async def test_a_correction_is_audited_with_what_it_was(api: TestClient, uow_factory: UowFactory) -> None:
    w = await _counties(uow_factory)
    _, second, _ = w["ids"]
    url = f"/api/v1/service-objects/{second}"
    wrong_town = await api.patch(url, json={"township_id": w["their_town"]}, headers=w["admin"])
    assert wrong_town.status == 422 and "not in this county" in (await wrong_town.json())["detail"]

    edited = await api.patch(
        url,
        json={"name": " 示范户王五 ", "main_industries": ["向日葵"], "township_id": None},
        headers=w["admin"],
    )
    assert edited.status == 200, await edited.text()
    body = await edited.json()
    assert (body["name"], body["township_id"], body["main_industries"]) == ("示范户王五", None, ["向日葵"])
    entry = await _last_audit(uow_factory, "service_object.edit")
    assert entry.entity_id == second and entry.detail["after"] == {
        "name": "示范户王五",
        "township_id": None,
        "main_industries": ["向日葵"],
    }
    assert (
        entry.detail["before"]["township_id"] == w["town"] and entry.detail["before"]["main_industries"] == []
    )

    # The householder to call: the mobile as a county writes it, kept as the 11 digits; null empties it.
    not_mobile = await api.patch(url, json={"contact_phone": "0478-1234"}, headers=w["admin"])
    assert not_mobile.status == 422 and "mobile" in (await not_mobile.json())["detail"]
    contact = await api.patch(
        url, json={"contact_name": "王五", "contact_phone": "+86 139 0478 1005"}, headers=w["admin"]
    )
    assert [(await contact.json())[k] for k in ("contact_name", "contact_phone")] == ["王五", "13904781005"]
    emptied = await api.patch(url, json={"contact_phone": None}, headers=w["admin"])
    assert (await emptied.json())["contact_phone"] is None
    entry = await _last_audit(uow_factory, "service_object.edit")
    assert (entry.detail["before"], entry.detail["after"]) == (
        {"contact_phone": "13904781005"},
        {"contact_phone": None},
    )
    created = await api.post(
        "/api/v1/service-objects",
        json={
            "kind": "household",
            "name": "示范户赵六",
            "contact_name": "赵六",
            "contact_phone": "13904781006",
        },
        headers=w["admin"],
    )
    assert created.status == 201 and (await created.json())["contact_phone"] == "13904781006"


async def test_a_household_taken_off_the_list_keeps_its_account_and_binds_nobody(
    api: TestClient, uow_factory: UowFactory
) -> None:
    w = await _counties(uow_factory)
    household, _, park = w["ids"]
    async with uow_factory() as uow:
        account = await ledger.open_account(uow, household, 2026)
        await ledger.issue(uow, account, 50_000, Actor.system())
        await uow.commit()
        account_id = account.id
    added = await api.post(
        f"/api/v1/service-objects/{household}/roster/members",
        json={"name": "张三", "phone": "139 0478 1001"},
        headers=w["admin"],
    )
    assert added.status == 201

    off = await api.post(
        f"/api/v1/service-objects/{household}/deactivate", json={"reason": "退出示范"}, headers=w["admin"]
    )
    assert off.status == 200 and (await off.json())["certified"] is False
    again = await api.post(
        f"/api/v1/service-objects/{household}/deactivate", json={"reason": "x"}, headers=w["admin"]
    )
    assert again.status == 409
    async with uow_factory() as uow:
        with pytest.raises(BindingRefused) as refused:
            await bind_by_phone(uow, 7001, "+8613904781001", "张三")
        assert refused.value.reason == "not_certified"
    async with uow_factory() as uow:
        kept = await uow.session.get(VoucherAccount, account_id)
        assert kept is not None and kept.available_fen == 50_000 and await ledger.reconcile(uow, account_id)
    roster = await _json(await api.get(f"/api/v1/service-objects/{household}/roster", headers=w["admin"]))
    assert [m["phone"] for m in roster["members"]] == ["13904781001"]
    entry = await _last_audit(uow_factory, "service_object.deactivate")
    assert (entry.detail["before"], entry.detail["after"], entry.detail["reason"]) == (
        {"certified": True},
        {"certified": False},
        "退出示范",
    )

    back = await api.post(
        f"/api/v1/service-objects/{household}/reactivate", json={"reason": "重新认定"}, headers=w["admin"]
    )
    assert back.status == 200 and (await back.json())["certified"] is True
    async with uow_factory() as uow:
        bound = await bind_by_phone(uow, 7001, "+8613904781001", "张三")
        assert bound.farmer is not None and bound.farmer.service_object_id == household

    # A park is the city's to certify (Art. 10(1)): a county may not take it off the list.
    refused_park = await api.post(
        f"/api/v1/service-objects/{park}/deactivate", json={"reason": "x"}, headers=w["admin"]
    )
    assert refused_park.status == 403 and "Art. 10" in (await refused_park.json())["detail"]
    by_city = await api.post(
        f"/api/v1/service-objects/{park}/deactivate", json={"reason": "x"}, headers=w["city"]
    )
    assert by_city.status == 200


async def test_roster_members_one_at_a_time(api: TestClient, uow_factory: UowFactory) -> None:
    w = await _counties(uow_factory)
    first, second, _ = w["ids"]
    members = f"/api/v1/service-objects/{first}/roster/members"
    added = await api.post(members, json={"name": "李四", "phone": "+86 139-0478-1002"}, headers=w["admin"])
    assert added.status == 201, await added.text()
    member = await added.json()
    assert (member["name"], member["phone"]) == ("李四", "13904781002")

    # The same mobile on another roster of the county would leave the bot to guess: refused, saying where.
    twice = await api.post(
        f"/api/v1/service-objects/{second}/roster/members",
        json={"name": "李四", "phone": "13904781002"},
        headers=w["admin"],
    )
    problem = await twice.json()
    assert twice.status == 422 and "13904781002" in problem["detail"] and "李四" in problem["detail"]
    assert str(first) in problem["detail"]
    # Nor can a file put it on another roster: the import names the row and imports nothing.
    imported = await api.post(
        f"/api/v1/service-objects/{second}/roster/import",
        data="姓名,手机号\n王五,13904781009\n李四,139 0478 1002\n".encode(),
        headers={**w["admin"], "Content-Type": "text/csv"},
    )
    problem = await imported.json()
    assert imported.status == 422 and [(e["row"], e["column"]) for e in problem["errors"]] == [(3, "手机号")]
    assert "李四" in problem["errors"][0]["problem"]
    roster = await _json(await api.get(f"/api/v1/service-objects/{second}/roster", headers=w["admin"]))
    assert roster["members"] == []
    not_mobile = await api.post(members, json={"name": "王五", "phone": "12345"}, headers=w["admin"])
    assert not_mobile.status == 422
    elsewhere = await api.post(
        f"/api/v1/service-objects/{w['theirs']}/roster/members",
        json={"name": "李四", "phone": "13904781002"},
        headers=w["city"],
    )
    assert elsewhere.status == 201  # another county's roster is another county's business

    one = f"{members}/{member['id']}"
    edited = await api.patch(one, json={"name": "李四（户主）", "phone": "13904781003"}, headers=w["admin"])
    assert edited.status == 200 and (await edited.json())["phone"] == "13904781003"
    entry = await _last_audit(uow_factory, "roster.edit")
    assert entry.detail["before"] == {"member_id": member["id"], "name": "李四", "phone": "13904781002"}
    assert entry.detail["after"] == {
        "member_id": member["id"],
        "name": "李四（户主）",
        "phone": "13904781003",
    }
    wrong_object = await api.patch(
        f"/api/v1/service-objects/{second}/roster/members/{member['id']}",
        json={"name": "x"},
        headers=w["admin"],
    )
    assert wrong_object.status == 404

    removed = await api.delete(one, headers=w["admin"])
    assert removed.status == 200
    assert (await _json(await api.get(f"/api/v1/service-objects/{first}/roster", headers=w["admin"])))[
        "members"
    ] == []
    assert (await api.delete(one, headers=w["admin"])).status == 404
    entry = await _last_audit(uow_factory, "roster.remove")
    assert entry.detail["before"]["phone"] == "13904781003" and "after" not in entry.detail
    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await bind_by_phone(uow, 7002, "+8613904781003", "李四")


async def test_one_mobile_added_to_ten_rosters_at_once_lands_on_one(
    api: TestClient, uow_factory: UowFactory
) -> None:
    """On PostgreSQL a real race: ten transactions each find the mobile free unless the county's roster
    writes wait for one another (core.rosters.lock_county_rosters)."""
    w = await _counties(uow_factory)
    async with uow_factory() as uow:
        county = await uow.session.scalar(select(County).where(County.name == w["own"]))
        assert county is not None
        households = [(await make.service_object(uow, county.id)).id for _ in range(10)]
        await uow.commit()

    async def add(household: int) -> int:
        answer = await api.post(
            f"/api/v1/service-objects/{household}/roster/members",
            json={"name": "孙八", "phone": "13904781077"},
            headers=w["admin"],
        )
        await answer.read()
        return answer.status

    statuses = sorted(await asyncio.gather(*(add(h) for h in households)))
    assert statuses == [201] + [422] * 9, statuses
    async with uow_factory() as uow:
        held = await uow.session.scalar(select(func.count()).where(RosterMember.phone == "13904781077"))
    assert held == 1
