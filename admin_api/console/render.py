"""Rendering a console page: the template, the language, the session's CSRF token, the headers.

Every page answers with a Content-Security-Policy allowing this origin only (no inline script or
style: the templates link /console/static files), is never cached (it shows farmers' data), and
sets the language cookie when ?lang= chose one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from admin_api.console.i18n import COMMON_REASONS, LANG_COOKIE, language, status_namer, translator
from admin_api.console.sessions import current, set_cookie
from admin_api.console.static import VERSION
from admin_api.problems import Problem, detail_of, status_of
from admin_api.statement_files import yuan
from core.errors import DomainError
from core.permissions import Permission, allows

log = logging.getLogger(__name__)
# aiohttp's own refusals (no such route, a link to a form's address, a body over the limit), said in
# the user's language instead of the HTTP reason phrase
_HTTP_WORDS = {404: "no_page", 405: "wrong_method", 413: "too_large"}
BEIJING = ZoneInfo("Asia/Shanghai")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def beijing(at: datetime | None) -> str:
    return "" if at is None else at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def other_language(request: web.Request, lang: str) -> str:
    """The header's link to this page in the other language, its filters kept. A page a form's post
    rendered (a refused form, a preview) reloads its path by GET when the path has a GET page, else
    the queue: never "method not allowed"."""
    other = "en" if lang == "zh" else "zh"
    resource = request.match_info.route.resource
    has_page = resource is not None and any(route.method == "GET" for route in resource)
    if request.method not in ("GET", "HEAD") and not has_page:
        return f"/console/?lang={other}"
    kept = [(k, v) for k, v in request.query.items() if k != "lang"] if request.method == "GET" else []
    return request.path + "?" + urlencode([*kept, ("lang", other)])


def page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    lang = language(request)
    session = current(request)
    response = aiohttp_jinja2.render_template(
        template,
        request,
        {
            "t": translator(lang),
            "status_name": status_namer(lang),
            "lang": lang,
            "other_language": other_language(request, lang),
            "session": session,
            "csrf": session.csrf if session else "",
            "reasons": COMMON_REASONS,
            "bj": beijing,
            "yuan": yuan,  # integer fen as "123.45", never through a float
            "v": VERSION,
            # The menu shows only what the role may open (core refuses the rest all the same).
            "may": lambda name: session is not None and allows(session.staff.role, Permission[name]),
            "page_name": "",
            **context,
        },
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"
    if request.query.get("lang") == lang:
        set_cookie(response, request, LANG_COOKIE, lang, "/console")
    return response


def outcome(request: web.Request, *known: str) -> str:
    """The `?done=` a redirect after a form named, if it is one of `known` (an address can say
    anything; only the console's own outcomes are shown)."""
    done = request.query.get("done", "")
    return done if done in known else ""


def refusal(exc: Problem | DomainError) -> tuple[int, str]:
    """The HTTP status and the words of a refusal, from the API's own mapping (admin_api.problems)."""
    if isinstance(exc, Problem):
        return exc.status, exc.detail
    return status_of(exc), detail_of(exc)


@web.middleware
async def console_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Security headers on every answer; refusals as a page a person reads, not problem+json."""
    try:
        response = await handler(request)
    except (DomainError, Problem) as exc:
        status, detail = refusal(exc)
        response = page(request, "error.html", status=status, detail=detail)
    except web.HTTPException as exc:
        if exc.status < 400:
            exc.headers.update(PAGE_HEADERS)
            raise
        said = _HTTP_WORDS.get(exc.status)
        detail = translator(language(request))(said) if said else exc.reason
        response = page(request, "error.html", status=exc.status, detail=detail)
    except Exception:
        # A person reads this, not a script: the error page, in their language, never the details.
        log.exception("%s %s failed", request.method, request.rel_url.path)
        response = page(request, "error.html", status=500, detail=translator(language(request))("failed"))
    response.headers.update(PAGE_HEADERS)
    return response
