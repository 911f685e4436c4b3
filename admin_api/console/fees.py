"""The console's fee schedule (Art. 15): every role reads it; the city sets a mode's fee from a date.

The views call the same core use cases as the API's fee routes (admin_api/routes/fees.py). The fee
is typed in yuan (read as integer fen, exactly) and the date as Beijing time; left empty it is now.
Core refuses a date in the past: a change never alters a fee already held.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from admin_api.console.forms import fen_of
from admin_api.console.i18n import language, translator
from admin_api.console.render import BEIJING, page
from admin_api.console.views import checked_form, services, signed_in
from core import fees
from core.errors import InvalidInput
from storage.enums import ServiceMode

routes = web.RouteTableDef()


async def _schedule(request: web.Request, status: int = 200, **context: object) -> web.Response:
    session = signed_in(request)
    svc = services(request)
    async with svc.uow() as uow:
        entries = await fees.schedule_entries(uow, session.staff)
        in_force = await fees.fee_schedule(uow, svc.clock())
    context = {"error": None, "typed": {}, "done": request.query.get("done") == "set", **context}
    return page(
        request,
        "fees.html",
        status=status,
        page_name="fees",
        entries=entries,
        in_force=in_force,
        modes=ServiceMode,
        **context,
    )


@routes.get("/fees")
async def schedule(request: web.Request) -> web.Response:
    return await _schedule(request)


def _starts(typed: str, t: Callable[[str], str]) -> datetime | None:
    if not typed:
        return None
    try:
        return datetime.fromisoformat(typed).replace(tzinfo=BEIJING)
    except ValueError as exc:
        raise InvalidInput(t("bad_date")) from exc


@routes.post("/fees")
async def set_fee(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    t = translator(language(request))
    typed = {name: str(form.get(name, "")).strip()[:32] for name in ("mode", "fee", "effective_from")}
    svc = services(request)
    try:
        if typed["mode"] not in ServiceMode.__members__:
            raise InvalidInput(t("bad_mode"))
        fee_fen = fen_of(typed["fee"])
        if fee_fen is None:
            raise InvalidInput(t("bad_amount"))
        async with svc.uow() as uow:
            await fees.set_fee(
                uow,
                session.staff,
                ServiceMode(typed["mode"]),
                fee_fen,
                effective_from=_starts(typed["effective_from"], t),
                now=svc.clock(),
                via="console",
            )
    except InvalidInput as exc:
        return await _schedule(request, status=422, error=str(exc), typed=typed)
    raise web.HTTPSeeOther("/console/fees?done=set")
