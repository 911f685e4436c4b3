"""The desk in the console: an advisory read and approved (the bot then sends it) or rejected with a
reason, a complaint read and resolved with a note, reviewers' notes on a request. Each form refuses
a post without its CSRF token and does nothing; another county's object is absent; a role that may
not act is refused; what farmers and experts wrote is shown as text."""

from __future__ import annotations

import re
from collections.abc import Callable

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from core import advisories
from storage.enums import AdminRole, AdvisoryCategory, AdvisoryStatus, ComplaintStatus
from storage.models import Advisory, AdvisoryDelivery, Complaint, ServiceRequest
from storage.models.admin import ReviewNote
from storage.uow import UnitOfWork
from tests.admin_api.test_complaint_desk import complaint
from tests.console.conftest import PASSWORD, console_user
from tests.console.test_login import hidden, log_in
from tests.console.test_queue_pages import MARKUP
from tests.demo_world import World, build_world

UowFactory = Callable[[], UnitOfWork]


async def signed_in(
    console: TestClient, uow_factory: UowFactory, name: str, role: AdminRole, county: str | None
) -> None:
    await console_user(uow_factory, name, role, county)
    console.session.cookie_jar.clear()  # another person, another browser
    assert (await log_in(console, name, PASSWORD))[0] == 303


async def advisory(
    uow_factory: UowFactory, world: World, body: str = "向日葵螟预警\n近期气温升高，注意诱杀"
) -> int:
    async with uow_factory() as uow:
        made = await advisories.submit_advisory(
            uow,
            world.experts["王建国"],
            category=AdvisoryCategory.pest,
            body=body,
            target_subjects=["向日葵"],
        )
        return made.id


async def csrf_of(console: TestClient, path: str) -> str:
    page = await console.get(path)
    assert page.status == 200, await page.text()
    return hidden(await page.text(), "csrf")


async def advisory_status(uow_factory: UowFactory, advisory_id: int) -> AdvisoryStatus:
    async with uow_factory() as uow:
        found = await uow.session.get(Advisory, advisory_id)
        assert found is not None
        return found.status


async def test_a_reviewer_approves_an_advisory_and_the_bot_has_it_to_send(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)  # 王二牛 grows 向日葵 and receives advisories
    advisory_id = await advisory(uow_factory, world, body="向日葵螟预警\n" + MARKUP)
    await signed_in(console, uow_factory, "李审核", AdminRole.county_reviewer, "临河区")

    listed = await (await console.get("/console/advisories")).text()
    assert f'href="/console/advisories/{advisory_id}"' in listed
    page = await (await console.get(f"/console/advisories/{advisory_id}")).text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "王建国" in page and "向日葵" in page
    path = f"/console/advisories/{advisory_id}/approve"

    forged = await console.post(path, data={}, allow_redirects=False)
    assert forged.status == 403 and "表单已过期" in await forged.text()
    assert await advisory_status(uow_factory, advisory_id) is AdvisoryStatus.pending_review

    token = hidden(page, "csrf")
    approved = await console.post(path, data={"csrf": token}, allow_redirects=False)
    assert approved.status == 303
    assert approved.headers["Location"] == f"/console/advisories/{advisory_id}?done=approved"
    shown = await (await console.get(approved.headers["Location"])).text()
    assert "已通过" in shown and 'action="/console/advisories/' not in shown  # decided: no forms left
    assert await advisory_status(uow_factory, advisory_id) is AdvisoryStatus.approved
    async with uow_factory() as uow:
        copies = await uow.session.scalar(
            select(func.count())
            .select_from(AdvisoryDelivery)
            .where(AdvisoryDelivery.advisory_id == advisory_id)
        )
        assert copies == 1  # the bot's advisory sender delivers it to 王二牛

    again = await console.post(path, data={"csrf": token}, allow_redirects=False)
    assert again.status == 409


async def test_an_advisory_is_rejected_only_with_a_reason(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    advisory_id = await advisory(uow_factory, world)
    await signed_in(console, uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    token = await csrf_of(console, f"/console/advisories/{advisory_id}")
    path = f"/console/advisories/{advisory_id}/reject"

    empty = await console.post(path, data={"csrf": token, "reason": "  "}, allow_redirects=False)
    assert empty.status == 422 and "reason" in await empty.text()
    assert await advisory_status(uow_factory, advisory_id) is AdvisoryStatus.pending_review

    rejected = await console.post(
        path, data={"csrf": token, "reason": "请写明防治药剂和用量"}, allow_redirects=False
    )
    assert rejected.status == 303
    shown = await (await console.get(rejected.headers["Location"])).text()
    assert "请写明防治药剂和用量" in shown and "已驳回" in shown
    async with uow_factory() as uow:
        found = await uow.session.get(Advisory, advisory_id)
        assert found is not None and (found.status, found.reason) == (
            AdvisoryStatus.rejected,
            "请写明防治药剂和用量",
        )


async def test_another_countys_advisory_is_absent_and_a_bureau_may_not_review(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    advisory_id = await advisory(uow_factory, world)
    await signed_in(console, uow_factory, "钱审核", AdminRole.county_reviewer, "五原县")
    assert (await console.get(f"/console/advisories/{advisory_id}")).status == 404
    token = await csrf_of(console, "/console/advisories")
    refused = await console.post(
        f"/console/advisories/{advisory_id}/approve", data={"csrf": token}, allow_redirects=False
    )
    assert refused.status == 404
    await signed_in(console, uow_factory, "孙局长", AdminRole.city_bureau, None)
    queue = await (await console.get("/console/")).text()
    assert 'href="/console/advisories"' not in queue
    assert (await console.get(f"/console/advisories/{advisory_id}")).status == 403
    assert await advisory_status(uow_factory, advisory_id) is AdvisoryStatus.pending_review


async def complaint_state(uow_factory: UowFactory, complaint_id: int) -> tuple[ComplaintStatus, str | None]:
    async with uow_factory() as uow:
        found = await uow.session.get(Complaint, complaint_id)
        assert found is not None
        return found.status, found.resolution


async def test_the_county_administrator_resolves_a_complaint_with_a_note(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    complaint_id = await complaint(uow_factory, world, text="专家没来" + MARKUP)
    path = f"/console/complaints/{complaint_id}"

    await signed_in(console, uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    read = await (await console.get(path)).text()
    assert "<script>alert" not in read and "&lt;script&gt;alert" in read and "来得太晚" in read
    assert f'action="{path}/resolve"' not in read  # a reviewer reads; the administrator judges
    token = hidden(read, "csrf")
    refused = await console.post(
        f"{path}/resolve", data={"csrf": token, "verdict": "verified", "note": "属实"}
    )
    assert refused.status == 403

    await signed_in(console, uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    page = await (await console.get(path)).text()
    assert f'action="{path}/resolve"' in page
    forged = await console.post(
        f"{path}/resolve", data={"verdict": "verified", "note": "属实"}, allow_redirects=False
    )
    assert forged.status == 403
    assert await complaint_state(uow_factory, complaint_id) == (ComplaintStatus.open, None)

    token = hidden(page, "csrf")
    resolved = await console.post(
        f"{path}/resolve",
        data={"csrf": token, "verdict": "verified", "note": "核实：专家确实迟到"},
        allow_redirects=False,
    )
    assert resolved.status == 303 and resolved.headers["Location"] == f"{path}?done=resolved"
    shown = await (await console.get(resolved.headers["Location"])).text()
    assert "核实：专家确实迟到" in shown and "属实" in shown
    assert await complaint_state(uow_factory, complaint_id) == (
        ComplaintStatus.verified,
        "核实：专家确实迟到",
    )


async def test_an_unfounded_complaint_and_another_countys_complaint(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    complaint_id = await complaint(uow_factory, world)
    path = f"/console/complaints/{complaint_id}"
    await signed_in(console, uow_factory, "钱主任", AdminRole.county_admin, "五原县")
    assert (await console.get(path)).status == 404
    token = await csrf_of(console, "/console/complaints")
    other = await console.post(
        f"{path}/resolve", data={"csrf": token, "verdict": "unfounded", "note": "不属实"}
    )
    assert other.status == 404

    await signed_in(console, uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    token = await csrf_of(console, path)
    no_note = await console.post(f"{path}/resolve", data={"csrf": token, "verdict": "unfounded", "note": ""})
    assert no_note.status == 422
    assert await complaint_state(uow_factory, complaint_id) == (ComplaintStatus.open, None)
    done = await console.post(
        f"{path}/resolve", data={"csrf": token, "verdict": "unfounded", "note": "回访农户，专家按时到场"}
    )
    assert done.status == 200 and "不属实" in await done.text()
    assert await complaint_state(uow_factory, complaint_id) == (
        ComplaintStatus.dismissed,
        "回访农户，专家按时到场",
    )


async def note_texts(uow_factory: UowFactory, request_id: int) -> list[str]:
    async with uow_factory() as uow:
        return list(
            (
                await uow.session.scalars(select(ReviewNote.text).where(ReviewNote.request_id == request_id))
            ).all()
        )


async def test_reviewers_add_internal_notes_on_a_request(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    complaint_id = await complaint(uow_factory, world)
    async with uow_factory() as uow:
        found = await uow.session.get(Complaint, complaint_id)
        assert found is not None
        request = await uow.session.get(ServiceRequest, found.request_id)
        assert request is not None
        request_id = request.id
    path = f"/console/requests/{request_id}"
    await signed_in(console, uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    page = await (await console.get(path)).text()
    assert f'action="{path}/notes"' in page
    forged = await console.post(f"{path}/notes", data={"text": "电话联系了乡镇"}, allow_redirects=False)
    assert forged.status == 403 and await note_texts(uow_factory, request_id) == []

    token = hidden(page, "csrf")
    empty = await console.post(f"{path}/notes", data={"csrf": token, "text": " "}, allow_redirects=False)
    assert empty.status == 422 and await note_texts(uow_factory, request_id) == []
    added = await console.post(
        f"{path}/notes", data={"csrf": token, "text": "电话联系了乡镇" + MARKUP}, allow_redirects=False
    )
    assert added.status == 303 and added.headers["Location"] == f"{path}#notes"
    shown = await (await console.get(path)).text()
    assert "电话联系了乡镇&lt;script&gt;" in shown and "<script>alert" not in shown and "李审核" in shown
    assert await note_texts(uow_factory, request_id) == ["电话联系了乡镇" + MARKUP]

    await signed_in(console, uow_factory, "钱审核", AdminRole.county_reviewer, "五原县")
    token = await csrf_of(console, "/console/")
    other = await console.post(f"{path}/notes", data={"csrf": token, "text": "看看"})
    assert other.status == 404 and len(await note_texts(uow_factory, request_id)) == 1


async def test_a_made_up_outcome_in_the_address_shows_no_notice(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    advisory_id = await advisory(uow_factory, world)
    complaint_id = await complaint(uow_factory, world)
    await signed_in(console, uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    for path in (
        f"/console/advisories/{advisory_id}",
        f"/console/complaints/{complaint_id}",
        f"/console/experts/{world.experts['王建国']}",
        f"/console/service-objects/{world.service_object_id}",
        "/console/terms",
    ):
        answer = await console.get(path + "?done=%3Cscript%3E")
        assert answer.status == 200, path
        assert 'class="notice"' not in await answer.text(), path


async def test_every_page_and_form_asks_for_a_log_in_first(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    advisory_id = await advisory(uow_factory, world)
    assert console.app is not None
    [mounted] = [r for r in console.app.router.resources() if isinstance(r, web.PrefixedSubAppResource)]
    paths = {
        (route.method, route.resource.canonical, str(route.resource.get_info().get("pattern", "")))
        for route in mounted.get_info()["app"].router.routes()
        if route.resource is not None and route.method in ("GET", "POST")
    }
    asked = 0
    for method, path, pattern in sorted(paths):
        if path.startswith(("/console/login", "/console/static")):
            continue
        # {act} as the first act its pattern allows, any other placeholder ({id}, {member_id}) as 1
        act = re.search(r"\(\?P<act>(\w+)", pattern)
        concrete = re.sub(r"\{\w+\}", "1", path.replace("{act}", act[1] if act else "{act}"))
        answer = await console.request(method, concrete, data={}, allow_redirects=False)
        assert answer.status == 303 and answer.headers["Location"].startswith("/console/login"), (
            method,
            path,
        )
        asked += 1
    assert asked >= 20
    assert await advisory_status(uow_factory, advisory_id) is AdvisoryStatus.pending_review
