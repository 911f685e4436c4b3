"""The console's pages: log-in, the review queue, a request, and the decisions on it.

A view reads the form or query, calls ONE core use case (the same the API's routes call), and
renders a page or redirects. The checks (role, county, state, claims) are core's.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from pydantic import ValidationError
from yarl import URL

from admin_api.console.render import page
from admin_api.console.sessions import (
    COOKIE,
    LIMIT,
    LOGIN_COOKIE,
    SESSIONS,
    ConsoleSession,
    current,
    set_cookie,
    tokens_match,
)
from admin_api.endpoints import ID_MAX, Call
from admin_api.problems import Problem
from admin_api.routes import requests as api_requests
from admin_api.schemas.queue import QueueQuery
from admin_api.services import SERVICES, AdminServices
from core import claims, console_users, request_detail, review
from core.request_detail import ScreeningMark
from core.review_queue import review_queue

VIA = "console"
routes = web.RouteTableDef()
_QUEUE_FIELDS = ("county", "township", "specialty", "flagged", "overdue", "claimed", "cursor")
PAGE = 50
_DONE = {"approved": "done_approved", "rejected": "done_rejected", "claimed": "done_claimed"}


def signed_in(request: web.Request) -> ConsoleSession:
    session = current(request)
    if session is None:
        raise web.HTTPSeeOther(f"/console/login?{urlencode({'next': _page_after_log_in(request)})}")
    return session


def _page_after_log_in(request: web.Request) -> str:
    """The page to open after logging in: the one asked for; for a form posted after the session
    ended, the page the form was on (the browser's same-origin Referer), never the form's address,
    which is no page (405)."""
    if request.method in ("GET", "HEAD"):
        return request.rel_url.path_qs
    referer = URL(request.headers.get("Referer", ""))
    if referer.is_absolute() and referer.raw_authority == request.host:
        return console_path(referer.raw_path_qs)
    return "/console/"


async def checked_form(request: web.Request) -> tuple[ConsoleSession, Any]:
    """The signed-in session and the form it posted; 403 when the form lacks the session's token."""
    session = signed_in(request)
    form = await request.post()
    if not tokens_match(form.get("csrf"), session.csrf):
        raise Problem(403, "Forbidden", _t(request, "csrf"))
    return session, form


def _t(request: web.Request, key: str) -> str:
    from admin_api.console.i18n import language, translator

    return translator(language(request))(key)


def services(request: web.Request) -> AdminServices:
    return request.config_dict[SERVICES]


def request_id(request: web.Request, name: str = "id") -> int:
    raw = request.match_info[name]
    if not raw.isdigit() or not 1 <= int(raw) <= ID_MAX:
        raise web.HTTPNotFound()
    return int(raw)


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    return _login_page(request)


def _login_page(
    request: web.Request, error: str | None = None, status: int = 200, name: str = ""
) -> web.Response:
    token = secrets.token_urlsafe(32)
    response = page(
        request,
        "login.html",
        status=status,
        login_csrf=token,
        error=error,
        next=request.query.get("next", ""),
        name=name,
    )
    set_cookie(response, request, LOGIN_COOKIE, token, "/console/login")
    return response


@routes.post("/login")
async def log_in(request: web.Request) -> web.Response:
    form = await request.post()
    if not tokens_match(form.get("csrf"), request.cookies.get(LOGIN_COOKIE, "")):
        return _login_page(request, _t(request, "csrf"), status=403)
    if not request.config_dict[LIMIT].allow(request.remote or ""):
        response = _login_page(request, _t(request, "too_many"), status=429)
        response.headers["Retry-After"] = "900"
        return response
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    async with services(request).uow() as uow:
        found = await console_users.log_in(uow, name, password)
    if found is None:
        return _login_page(request, _t(request, "wrong_password"), status=401, name=name[:64])
    staff, shown = found
    # A new session key at every log-in, and the one this browser had (another person's, or a key
    # someone planted) ends: nobody keeps or foists a session across a log-in.
    request.config_dict[SESSIONS].close(request.cookies.get(COOKIE))
    session = request.config_dict[SESSIONS].open(staff, shown)
    response = web.HTTPSeeOther(console_path(str(form.get("next", ""))))
    set_cookie(response, request, COOKIE, session.key, "/console")
    response.del_cookie(LOGIN_COOKIE, path="/console/login")
    raise response


def console_path(target: str) -> str:
    """Where a log-in leads: a path of this console, else the queue. Never another site (`//host`,
    `/\\host`), never out of the console (`..`), nothing a header cannot carry."""
    unsafe = ("//", "\\", "..")
    if not target.startswith("/console/") or any(u in target for u in unsafe) or not target.isprintable():
        return "/console/"
    return target


@routes.post("/logout")
async def log_out(request: web.Request) -> web.Response:
    session, _ = await checked_form(request)
    request.config_dict[SESSIONS].close(session.key)
    response = web.HTTPSeeOther("/console/login")
    response.del_cookie(COOKIE, path="/console")
    raise response


def _queue_query(request: web.Request) -> tuple[QueueQuery, str | None]:
    given = {k: v for k, v in request.query.items() if k in _QUEUE_FIELDS and v}
    try:
        return QueueQuery.model_validate(given), None
    except ValidationError as exc:
        return QueueQuery(), "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors(include_input=False))


@routes.get("/")
async def queue(request: web.Request) -> web.Response:
    session = signed_in(request)
    query, error = _queue_query(request)
    svc = services(request)
    async with svc.uow() as uow:
        result = await review_queue(
            uow, session.staff, query.filters(), now=svc.clock(), limit=PAGE, after=query.after()
        )
    filters = {k: v for k, v in request.query.items() if k in _QUEUE_FIELDS and k != "cursor" and v}
    more = None if result.next_cursor is None else "?" + urlencode({**filters, "cursor": result.next_cursor})
    done = _DONE.get(request.query.get("done", ""))
    return page(
        request,
        "queue.html",
        page_name="queue",
        result=result,
        query=query,
        error=error,
        done=done,
        done_id=request.query.get("id", ""),
        more=more,
    )


def segments(text: str, marks: list[ScreeningMark]) -> list[tuple[str, ScreeningMark | None]]:
    """The farmer's text cut at screening's hits, so the template marks them (escaped as any text)."""
    placed = sorted(
        (m for m in marks if m.start is not None and m.end is not None), key=lambda m: m.start or 0
    )
    parts: list[tuple[str, ScreeningMark | None]] = []
    at = 0
    for mark in placed:
        start, end = mark.start or 0, mark.end or 0
        if start < at:
            continue  # overlapping hits: the first one marks the span
        parts.append((text[at:start], None))
        parts.append((text[start:end], mark))
        at = end
    parts.append((text[at:], None))
    return [part for part in parts if part[0]]


@routes.get("/requests/{id}")
async def request_page(request: web.Request) -> web.Response:
    session = signed_in(request)
    svc = services(request)
    async with svc.uow() as uow:
        detail = await request_detail.request_detail(uow, session.staff, request_id(request), now=svc.clock())
    return page(
        request,
        "request.html",
        page_name="queue",
        d=detail,
        r=detail.request,
        parts=segments(detail.request.description, detail.marks),
    )


@routes.get("/requests/{id}/photos/{n}")
async def photo(request: web.Request) -> web.StreamResponse:
    session = signed_in(request)
    # The API's own handler: one place fetches through the Bot API and caches on disk.
    response: web.StreamResponse = await api_requests.get_photo(
        Call(request, session.staff, services(request))
    )
    return response


def _done(what: str, request_id: int) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"/console/?{urlencode({'done': what, 'id': request_id})}")


@routes.post("/requests/{id}/claim")
async def claim(request: web.Request) -> web.Response:
    session, _ = await checked_form(request)
    svc = services(request)
    async with svc.uow() as uow:
        claimed = await claims.claim(uow, request_id(request), session.staff, now=svc.clock(), via=VIA)
    raise web.HTTPSeeOther(f"/console/requests/{claimed.request_id}")


@routes.post("/requests/{id}/approve")
async def approve(request: web.Request) -> web.Response:
    session, _ = await checked_form(request)
    svc = services(request)
    async with svc.uow() as uow:
        decided = await review.approve(uow, request_id(request), session.staff, via=VIA, now=svc.clock())
    raise _done("approved", decided.id)


@routes.post("/requests/{id}/reject")
async def reject(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    # The words typed win; a common reason picked stands alone otherwise (core refuses neither given).
    reason = str(form.get("reason", "")).strip() or str(form.get("preset", ""))
    svc = services(request)
    async with svc.uow() as uow:
        decided = await review.reject(
            uow, request_id(request), session.staff, reason=reason, via=VIA, now=svc.clock()
        )
    raise _done("rejected", decided.id)
