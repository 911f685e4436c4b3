"""The county's expert team in the console (Art. 7): the teams listed (those with a term ending within
N days on request), a team formed, renamed and given a leader of 副高 or above. The leader's list
offers nobody below 副高 and core refuses one posted anyway; forms refuse a post without their CSRF
token; another county's team is absent; a reviewer reads only; typed text is shown as text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from storage.enums import AdminRole
from storage.models import County, Expert, Team
from storage.uow import UnitOfWork
from tests.console.test_desk_pages import csrf_of, signed_in
from tests.console.test_login import hidden
from tests.console.test_registry_pages import team_of
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]


async def leader_of(uow_factory: UowFactory, team_id: int) -> str | None:
    async with uow_factory() as uow:
        return await uow.session.scalar(
            select(Expert.name).where(Expert.team_id == team_id, Expert.is_leader.is_(True))
        )


async def test_teams_are_listed_with_terms_ending_and_another_countys_is_absent(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    team = await team_of(uow_factory, world, "王建国")
    async with uow_factory() as uow:
        expert = await uow.session.get(Expert, world.experts["李秀英"])
        assert expert is not None
        expert.term_end = datetime.now(UTC).date() + timedelta(days=30)
        other = await uow.session.get(Expert, world.other_county_expert_id)
        assert other is not None
        other_team = other.team_id
        await uow.commit()
    await signed_in(console, uow_factory, "李审核", AdminRole.county_reviewer, "临河区")

    listed = await (await console.get("/console/teams")).text()
    assert f'data-id="{team}"' in listed and f'data-id="{other_team}"' not in listed
    assert 'action="/console/teams/new"' not in listed  # a reviewer reads only
    assert 'href="/console/teams"' in listed  # the menu names the page
    ending = await (await console.get("/console/teams?ending=true&within_days=60")).text()
    assert f'data-id="{team}"' in ending
    none_ending = await (await console.get("/console/teams?ending=true&within_days=10")).text()
    assert f'data-id="{team}"' not in none_ending
    bad = await console.get("/console/teams?within_days=-5")
    assert bad.status == 200 and "within_days" in await bad.text()

    page = await (await console.get(f"/console/teams/{team}")).text()
    assert "王建国" in page and 'id="edit-team"' not in page
    assert (await console.get(f"/console/teams/{other_team}")).status == 404
    refused = await console.post(
        f"/console/teams/{team}/edit",
        data={"csrf": hidden(page, "csrf"), "leader_id": world.experts["李秀英"]},
    )
    assert refused.status == 403 and await leader_of(uow_factory, team) == "王建国"


async def test_a_county_renames_its_team_and_sets_a_leader_of_senior_rank(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    team = await team_of(uow_factory, world, "王建国")
    await signed_in(console, uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    path = f"/console/teams/{team}"
    page = await (await console.get(path)).text()
    token = hidden(page, "csrf")
    offered = page[page.index('name="leader_id"') : page.index("</select>", page.index('name="leader_id"'))]
    assert "李秀英" in offered and "刘海燕" not in offered  # 兽医师: below 副高, not offered

    forged = await console.post(f"{path}/edit", data={"leader_id": world.experts["李秀英"]})
    assert forged.status == 403 and await leader_of(uow_factory, team) == "王建国"
    junior = await console.post(f"{path}/edit", data={"csrf": token, "leader_id": world.experts["刘海燕"]})
    text = await junior.text()
    assert junior.status == 422 and "副高" in text and await leader_of(uow_factory, team) == "王建国"
    stranger = await console.post(
        f"{path}/edit", data={"csrf": token, "leader_id": world.other_county_expert_id}
    )
    assert stranger.status == 404 and await leader_of(uow_factory, team) == "王建国"
    typo = await console.post(f"{path}/edit", data={"csrf": token, "leader_id": "abc"})
    assert typo.status == 422 and "leader_id" in await typo.text()

    done = await console.post(
        f"{path}/edit",
        data={"csrf": token, "name": "<b>临河区专家团</b>", "leader_id": world.experts["李秀英"]},
    )
    shown = await done.text()
    assert done.status == 200 and "已保存" in shown and "&lt;b&gt;临河区专家团&lt;/b&gt;" in shown
    assert "<b>临河区专家团</b>" not in shown
    assert await leader_of(uow_factory, team) == "李秀英"


async def test_a_county_without_a_team_forms_one_and_a_second_is_refused(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    async with uow_factory() as uow:
        teamless = await uow.session.scalar(
            select(County).where(County.id.not_in(select(Team.county_id))).order_by(County.id).limit(1)
        )
        assert teamless is not None
        county_name = teamless.name
    await signed_in(console, uow_factory, "钱主任", AdminRole.county_admin, county_name)
    token = await csrf_of(console, "/console/teams")
    english = await (await console.get("/console/teams?lang=en")).text()
    assert "<h1>Teams</h1>" in english and "Form the team" in english
    assert (await console.get("/console/teams?lang=zh")).status == 200  # the cookie keeps the choice

    forged = await console.post("/console/teams/new", data={"name": "新专家团"})
    blank = await console.post("/console/teams/new", data={"csrf": token, "name": ""})
    assert forged.status == 403 and blank.status == 422 and "name" in await blank.text()
    formed = await console.post(
        "/console/teams/new", data={"csrf": token, "name": "新专家团"}, allow_redirects=False
    )
    assert formed.status == 303 and formed.headers["Location"].endswith("?done=formed")
    assert "已组建专家团" in await (await console.get(formed.headers["Location"])).text()
    again = await console.post("/console/teams/new", data={"csrf": token, "name": "<i>第二个</i>"})
    text = await again.text()
    assert again.status == 409 and "Art. 7" in text and 'value="&lt;i&gt;第二个&lt;/i&gt;"' in text
    async with uow_factory() as uow:
        assert len((await uow.session.scalars(select(Team).where(Team.county_id == teamless.id))).all()) == 1
