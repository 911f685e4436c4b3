"""County staff read farmers' complaints over HTTP and the county's administrator resolves them
(Art. 9(3)): verified (it counts against the expert) or unfounded, with a note, once."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from core.feedback import complain, rate
from storage.enums import AdminRole, ComplaintStatus, RequestStatus
from storage.models import AuditLog, Complaint, Farmer
from storage.uow import UnitOfWork
from tests import factories as make
from tests.admin_api.test_review_desk import token
from tests.demo_world import World, build_world

UowFactory = Callable[[], UnitOfWork]


async def complaint(uow_factory: UowFactory, world: World, text: str = "专家迟到两天，没解决问题") -> int:
    """王二牛's complaint about a service by 王建国 he rated 2 stars (临河区)."""
    async with uow_factory() as uow:
        farmer = await uow.session.get(Farmer, world.farmer_id)
        assert farmer is not None
        request = await make.service_request(
            uow, farmer, status=RequestStatus.completed, expert_id=world.experts["王建国"]
        )
        await uow.commit()
    async with uow_factory() as uow:
        await rate(uow, request_id=request.id, farmer_id=world.farmer_id, stars=2, comment="来得太晚")
    async with uow_factory() as uow:
        return (await complain(uow, request_id=request.id, farmer_id=world.farmer_id, text=text)).id


async def test_the_county_administrator_resolves_a_complaint_once(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    complaint_id = await complaint(uow_factory, world)
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")
    admin = await token(uow_factory, AdminRole.county_admin, "临河区")

    listed = await (await api.get("/api/v1/complaints", headers=reviewer)).json()
    [item] = listed["items"]
    assert (item["id"], item["county"], item["farmer"], item["expert"], item["status"]) == (
        complaint_id,
        "临河区",
        "王二牛",
        "王建国",
        "open",
    )
    read = await (await api.get(f"/api/v1/complaints/{complaint_id}", headers=reviewer)).json()
    assert read["text"] == "专家迟到两天，没解决问题"
    assert (read["rating_stars"], read["rating_comment"], read["request_status"]) == (
        2,
        "来得太晚",
        "settled",
    )
    assert read["resolution"] is None and read["request_description"] == "叶片发黄"

    path = f"/api/v1/complaints/{complaint_id}/resolve"
    body = {"verdict": "verified", "note": "核实：专家确实迟到"}
    refused = await api.post(path, headers=reviewer, json=body)  # reviewers read; the administrator judges
    assert refused.status == 403
    resolved = await api.post(path, headers=admin, json=body)
    assert resolved.status == 200
    answer = await resolved.json()
    assert (answer["status"], answer["resolution"]) == ("verified", "核实：专家确实迟到")

    again = await api.post(path, headers=admin, json={"verdict": "unfounded", "note": "改判"})
    assert again.status == 409 and (await again.json())["current_status"] == "verified"
    async with uow_factory() as uow:
        stored = await uow.session.get(Complaint, complaint_id)
        assert stored is not None
        assert (stored.status, stored.resolution) == (ComplaintStatus.verified, "核实：专家确实迟到")
        entry = await uow.session.scalar(select(AuditLog).where(AuditLog.entity == "complaint"))
        assert entry is not None and entry.action == "complaint.verified"
        assert entry.detail["before"] == {"status": "open"}
        assert entry.detail["after"] == {"status": "verified", "resolution": "核实：专家确实迟到"}
    assert (await (await api.get("/api/v1/complaints", headers=reviewer)).json())["items"] == []
    verified = await (await api.get("/api/v1/complaints?status=verified", headers=reviewer)).json()
    assert [i["id"] for i in verified["items"]] == [complaint_id]


async def test_an_unfounded_complaint_is_listed_as_unfounded(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    complaint_id = await complaint(uow_factory, world)
    institute = await token(uow_factory, AdminRole.city_institute)
    path = f"/api/v1/complaints/{complaint_id}/resolve"
    for bad in (
        {"verdict": "open", "note": "x"},
        {"verdict": "unfounded"},
        {"verdict": "unfounded", "note": ""},
        {"verdict": "unfounded", "note": "x", "extra": 1},
    ):
        assert (await api.post(path, headers=institute, json=bad)).status == 422, bad
    blank = await api.post(path, headers=institute, json={"verdict": "unfounded", "note": "   "})
    assert blank.status == 422 and (await blank.json())["code"] == "invalid_input"

    resolved = await api.post(
        path, headers=institute, json={"verdict": "unfounded", "note": "回访农户，专家按时到场"}
    )
    assert resolved.status == 200 and (await resolved.json())["status"] == "unfounded"
    async with uow_factory() as uow:
        stored = await uow.session.get(Complaint, complaint_id)
        assert stored is not None and stored.status is ComplaintStatus.dismissed
    unfounded = await (await api.get("/api/v1/complaints?status=unfounded", headers=institute)).json()
    assert [(i["id"], i["status"]) for i in unfounded["items"]] == [(complaint_id, "unfounded")]


async def test_another_countys_complaint_does_not_exist_for_county_staff(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    complaint_id = await complaint(uow_factory, world)
    wuyuan = await token(uow_factory, AdminRole.county_admin, "五原县")

    assert (await (await api.get("/api/v1/complaints", headers=wuyuan)).json())["items"] == []
    read = await api.get(f"/api/v1/complaints/{complaint_id}", headers=wuyuan)
    assert read.status == 404 and "王二牛" not in await read.text()
    resolve = await api.post(
        f"/api/v1/complaints/{complaint_id}/resolve",
        headers=wuyuan,
        json={"verdict": "verified", "note": "x"},
    )
    assert resolve.status == 404
    async with uow_factory() as uow:
        stored = await uow.session.get(Complaint, complaint_id)
        assert stored is not None and stored.status is ComplaintStatus.open
    bureau = await token(uow_factory, AdminRole.city_bureau)
    assert (await api.get(f"/api/v1/complaints/{complaint_id}", headers=bureau)).status == 200
    assert (
        await api.post(
            f"/api/v1/complaints/{complaint_id}/resolve",
            headers=bureau,
            json={"verdict": "verified", "note": "x"},
        )
    ).status == 403


async def test_complaints_page_oldest_first(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    ids = [await complaint(uow_factory, world, text=f"投诉 {n}") for n in range(3)]
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")
    first = await (await api.get("/api/v1/complaints?limit=2", headers=reviewer)).json()
    assert [i["id"] for i in first["items"]] == ids[:2]
    second = await (
        await api.get(f"/api/v1/complaints?limit=2&cursor={first['next_cursor']}", headers=reviewer)
    ).json()
    assert [i["id"] for i in second["items"]] == ids[2:] and second["next_cursor"] is None
