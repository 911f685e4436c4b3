"""The screening term lists in the console (Art. 11(3)): banned, sensitive and the allowlist, read by
every role; the city institute adds a term, imports many (one a line, `term, category`), removes one.

A view reads the form, calls ONE core use case (core.term_lists, as admin_api.routes.terms does) and
redirects; a refused import comes back with its lines to correct. The running bot screens with a
change within seconds (bot.live_terms).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from admin_api.bodies import read_form
from admin_api.console.render import outcome, page, refusal
from admin_api.console.views import VIA, checked_form, services, signed_in
from admin_api.console.views import request_id as path_id
from admin_api.problems import Problem
from admin_api.schemas.terms import TermsBody
from core import term_lists
from core.errors import DomainError
from core.term_lists import TermList

routes = web.RouteTableDef()


def _list(raw: object) -> TermList | None:
    return TermList(raw) if isinstance(raw, str) and raw in TermList.__members__ else None


def _lines(text: str) -> list[dict[str, str]]:
    """One term a line, a category after a comma (half- or full-width); blank lines skipped."""
    terms = []
    for line in text.replace("，", ",").splitlines():
        term, _, category = line.partition(",")
        if term.strip():
            terms.append({"term": term.strip(), "category": category.strip()})
    return terms


async def _terms_page(
    request: web.Request, which: TermList | None, *, status: int = 200, **shown: Any
) -> web.Response:
    session = signed_in(request)
    async with services(request).uow() as uow:
        rows = await term_lists.terms(uow, session.staff, which)
    context: dict[str, Any] = {
        "error": None,
        "lines": "",
        "done": outcome(request, "added", "removed"),
        **shown,
    }
    return page(
        request,
        "terms.html",
        status=status,
        page_name="terms",
        rows=rows,
        shown=which,
        lists=TermList,
        **context,
    )


def _back(which: TermList | None, done: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(
        "/console/terms?" + urlencode({**({"list": which.value} if which else {}), "done": done})
    )


@routes.get("/terms")
async def terms(request: web.Request) -> web.Response:
    return await _terms_page(request, _list(request.query.get("list")))


@routes.post("/terms/add")
async def add_term(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    body = read_form(
        {
            "list": form.get("list"),
            "terms": [{"term": form.get("term", ""), "category": form.get("category", "")}],
        },
        TermsBody,
    )
    async with services(request).uow() as uow:
        new = [term_lists.NewTerm(t.term, t.category) for t in body.terms]
        await term_lists.add_terms(uow, session.staff, body.list, new, via=VIA)
    raise _back(body.list, "added")


@routes.post("/terms/import")
async def import_terms(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    lines = str(form.get("lines", ""))
    which = _list(form.get("list"))
    try:
        body = read_form({"list": form.get("list"), "terms": _lines(lines)}, TermsBody)
        async with services(request).uow() as uow:
            new = [term_lists.NewTerm(t.term, t.category) for t in body.terms]
            added = await term_lists.add_terms(uow, session.staff, body.list, new, via=VIA)
    except (Problem, DomainError) as refused:
        status, error = refusal(refused)
        if status in (403, 404):
            raise
        return await _terms_page(request, which, status=status, error=error, lines=lines)
    return await _terms_page(request, which, done="imported", imported=len(added))


@routes.post("/terms/{id}/remove")
async def remove_term(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    async with services(request).uow() as uow:
        await term_lists.remove_term(uow, session.staff, path_id(request), via=VIA)
    raise _back(_list(form.get("list")), "removed")
