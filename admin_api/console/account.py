"""The signed-in user's own account: changing the password (core.console_users.change_password,
argon2 in a worker thread). The user's other sessions end with the old password."""

from __future__ import annotations

from aiohttp import web

from admin_api.console.i18n import language, translator
from admin_api.console.render import page
from admin_api.console.sessions import SESSIONS
from admin_api.console.views import checked_form, services, signed_in
from admin_api.problems import status_of
from core import console_users
from core.errors import InvalidInput

routes = web.RouteTableDef()
_FIELD_WORDS = {"current": "pw_wrong_current", "repeated": "pw_differ", "new": "pw_too_short"}


@routes.get("/account/password")
async def password_form(request: web.Request) -> web.Response:
    signed_in(request)
    return page(request, "password.html", page_name="account", error=None, done=False)


@routes.post("/account/password")
async def change_password(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    try:
        async with services(request).uow() as uow:
            await console_users.change_password(
                uow,
                session.staff,
                current=str(form.get("current", "")),
                new=str(form.get("new", "")),
                repeated=str(form.get("repeated", "")),
            )
    except InvalidInput as refused:
        # The passwords are never put back in the form; the refusal says which one to type again.
        word = _FIELD_WORDS.get(str(refused.details.get("field")), "")
        error = translator(language(request))(word) if word else refused.message
        return page(
            request, "password.html", status=status_of(refused), page_name="account", error=error, done=False
        )
    request.config_dict[SESSIONS].close_others(session)
    return page(request, "password.html", page_name="account", error=None, done=True)
