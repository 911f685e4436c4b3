"""The reviewers' web console: server-rendered pages on the API's own aiohttp app, at /console/.

`console_app()` is mounted by `admin_api.app.create_admin_app`; the pages call the same core use
cases as the API's routes, with a password log-in (core.console_users) instead of a bearer token.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from admin_api.console import (
    account,
    desk,
    fees,
    pages,
    registry,
    statements,
    static,
    term_pages,
    views,
    vouchers,
)
from admin_api.console.render import console_middleware
from admin_api.console.sessions import LIMIT, SESSIONS, TRUST_PROXY, LoginLimit, SessionStore

HERE = Path(__file__).resolve().parent


def console_app(*, trust_proxy: bool = False) -> web.Application:
    app = web.Application(middlewares=[console_middleware])
    app[SESSIONS] = SessionStore()
    app[LIMIT] = LoginLimit()
    app[TRUST_PROXY] = trust_proxy
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every page shows what farmers and experts wrote
        undefined=jinja2.StrictUndefined,
    )
    app.add_routes(views.routes)
    app.add_routes(pages.routes)
    app.add_routes(desk.routes)
    app.add_routes(registry.routes)
    app.add_routes(term_pages.routes)
    app.add_routes(account.routes)
    app.add_routes(vouchers.routes)
    app.add_routes(statements.routes)
    app.add_routes(fees.routes)
    app.add_routes(static.routes)
    return app
