"""Garbage into every console page and form: no answer is a 5xx or a traceback.

Built from the console's route table, as tests/admin_api's matrix is from the API's: every GET and
POST route is called, signed in (a county administrator and the city institute, who between them
may open every page), with its path parameters, every query parameter and every form field the
templates name set to values a person or a script could send: huge, negative, non-numeric,
unicode, a NUL, markup, repeated, missing. A refusal is fine (it is a page saying what to fix); a
5xx is not. A route this test cannot reach (a parameter it has no value for) fails it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from admin_api.console import console_app
from core.seed.demo_queue import seed_demo_queue
from storage.enums import AdminRole
from storage.uow import UnitOfWork
from tests.console.conftest import PASSWORD, console_user
from tests.console.test_login import hidden, log_in
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]
TEMPLATES = Path(console_app.__code__.co_filename).parent / "templates"
GARBAGE = [
    "",
    "-1",
    "0",
    "9" * 30,
    "1e309",
    "nan",
    "abc",
    "临河区💥\u202e",
    "\x00",
    '"><script>alert(1)</script>',
    "１２",  # full-width digits: str.isdigit() says yes
    "2026-13",
    "x" * 5000,
]
# Query parameters the views read that no form names (pagination, outcomes, a link's choice).
LINK_PARAMS = ("after", "cursor", "done", "id", "lang", "format", "expert", "next")
PATH_VALUES = {"act": "suspend", "name": "console.css"}
SKIPPED = {"/login", "/logout"}  # their own tests: log-in (and its limit) and log-out change the session


def field_names() -> list[str]:
    names = set(LINK_PARAMS)
    for template in TEMPLATES.glob("*.html"):
        names |= set(re.findall(r'name="([a-z_]+)"', template.read_text(encoding="utf-8")))
    return sorted(names - {"csrf", "viewport"})


def routes() -> list[tuple[str, str]]:
    found = []
    for route in console_app().router.routes():
        path = route.resource.canonical if route.resource else ""
        if route.method in ("GET", "POST") and path not in SKIPPED:
            found.append((route.method, path))
    return found


def _acts() -> dict[str, str]:
    """For a path whose {act} is limited to some words, the first of them (experts' suspend|dismiss|…,
    service objects' deactivate|reactivate), so a walk reaches the view rather than a 404."""
    acts = {}
    for route in console_app().router.routes():
        if route.resource is None:
            continue
        pattern = route.resource.get_info().get("pattern")
        act = re.search(r"\(\?P<act>(\w+)", pattern.pattern) if pattern is not None else None
        if act is not None:
            acts[route.resource.canonical] = act[1]
    return acts


ACTS = _acts()


def filled(path: str, value: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "act" and path in ACTS:
            return ACTS[path]
        return PATH_VALUES.get(name, value)

    filled_path = re.sub(r"\{(\w+)(?::[^}]*)?\}", one, path)
    assert "{" not in filled_path, f"no value for a parameter of {path}"
    return "/console" + filled_path


async def _signed_in(
    console: TestClient, uow_factory: UowFactory, role: AdminRole, county: str | None
) -> str:
    name = f"garbage-{role.value}"
    await console_user(uow_factory, name, role, county)
    console.session.cookie_jar.clear()
    assert (await log_in(console, name, PASSWORD))[0] == 303
    return hidden(await (await console.get("/console/account/password")).text(), "csrf")


def _form(csrf: str, value: str) -> FormData:
    form = FormData()
    form.add_field("csrf", csrf)
    for name in field_names():
        form.add_field(name, value)
        form.add_field(name, value[::-1])  # repeated fields
    return form


@pytest.mark.parametrize(
    ("role", "county"), [(AdminRole.county_admin, "临河区"), (AdminRole.city_institute, None)]
)
async def test_garbage_in_any_page_or_form_never_answers_5xx(
    console: TestClient, uow_factory: UowFactory, role: AdminRole, county: str | None
) -> None:
    await build_world(uow_factory)
    async with uow_factory() as uow:
        await seed_demo_queue(uow)
    csrf = await _signed_in(console, uow_factory, role, county)
    failures: list[str] = []
    for method, path in routes():
        for value in GARBAGE:
            # the path's ids: a real one (1) with garbage around it, and garbage itself
            for address in {filled(path, "1"), filled(path, value or "1")}:
                if method == "GET":
                    query = [(name, value[:200]) for name in field_names()]  # a URL is held to 8 KiB
                    answer = await console.get(address, params=query, allow_redirects=False)
                else:
                    answer = await console.post(address, data=_form(csrf, value), allow_redirects=False)
                body = await answer.text()
                if answer.status == 503 and "/photos/" in address:
                    continue  # no Bot API in this test: a photo cannot be fetched, and the page says so
                if answer.status >= 500 or "Traceback" in body:
                    failures.append(f"{method} {address} {value[:20]!r}: {answer.status} {body[:200]!r}")
        # a form with no field at all, not even its token
        if method == "POST":
            answer = await console.post(filled(path, "1"), data={}, allow_redirects=False)
            if answer.status >= 500:
                failures.append(f"{method} {path} empty: {answer.status}")
    assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} in all)"
