"""One request as the reviewer reads it, its photos, reviewers' notes, and decisions on a selection.

Parse → one core call → render; the checks (role, county, state) are core's.
"""

from __future__ import annotations

import logging

from aiohttp import web

from admin_api.endpoints import Api, Call
from admin_api.photo_cache import content_type, photo_bytes
from admin_api.problems import Problem, detail_of, status_of
from admin_api.schemas.requests import (
    NoteBody,
    NoteOut,
    Refusal,
    RequestOut,
    SelectionBody,
    SelectionItem,
    SelectionOut,
)
from core import request_detail, review_notes, selection
from core.permissions import Permission
from core.request_detail import Note
from core.selection import Decision, Outcome

api = Api(tag="requests")
VIA = "api"
log = logging.getLogger(__name__)


@api.route(
    "GET",
    "/api/v1/requests/{id}",
    summary="A request with all a reviewer weighs: text, screening, expert, voucher, timeline, thread",
    permission=Permission.read_requests,
)
async def get_request(call: Call) -> RequestOut:
    async with call.uow() as uow:
        detail = await request_detail.request_detail(uow, call.staff, call.path_id(), now=call.now())
    return RequestOut.of(detail)


@api.route(
    "GET",
    "/api/v1/requests/{id}/photos/{n}",
    summary="The request's nth photo (from 1), as Telegram holds it",
    permission=Permission.read_requests,
    produces="image/*",  # Telegram's photos are JPEG; others (the shell's, a PNG sent as photo) exist
    errors=(502, 503),
)
async def get_photo(call: Call) -> web.Response:
    async with call.uow() as uow:
        file_id = await request_detail.photo_file_id(uow, call.staff, call.path_id(), call.path_id("n"))
    source = call.services.photos
    if source is None:
        raise Problem(503, "Service Unavailable", "photos need the bot's token (TELEGRAM_BOT_TOKEN)")
    try:
        data = await photo_bytes(source, call.services.photo_dir, file_id)
    except LookupError as exc:
        raise Problem(404, "Not Found", f"Telegram no longer has this photo ({exc})") from None
    except ConnectionError as exc:
        log.warning("a photo could not be fetched from Telegram: %s", exc)
        raise Problem(502, "Bad Gateway", "Telegram could not be reached for the photo; try again") from None
    return web.Response(
        body=data,
        content_type=content_type(data),
        headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


@api.route(
    "POST",
    "/api/v1/requests/{id}/notes",
    summary="Add a reviewers' note; the farmer and the expert never see it",
    permission=Permission.review_requests,
    status=201,
)
async def add_note(call: Call, body: NoteBody) -> NoteOut:
    async with call.uow() as uow:
        note = await review_notes.add_note(
            uow, call.staff, call.path_id(), body.text, via=VIA, now=call.now()
        )
    return NoteOut.of(Note(note.id, note.at, note.admin_user_id, None, note.text))


@api.route(
    "POST",
    "/api/v1/requests/actions",
    summary="Approve or reject a selection of requests, each decided and audited on its own",
    permission=Permission.review_requests,
)
async def act_on_selection(call: Call, body: SelectionBody) -> SelectionOut:
    outcomes = await selection.decide_each(
        call.uow, call.staff, Decision(body.action), body.ids, reason=body.reason, via=VIA, now=call.now()
    )
    results = [_item(outcome) for outcome in outcomes]
    succeeded = sum(item.ok for item in results)
    return SelectionOut(
        action=body.action, succeeded=succeeded, failed=len(results) - succeeded, results=results
    )


def _item(outcome: Outcome) -> SelectionItem:
    error = outcome.error
    if error is None:
        return SelectionItem(id=outcome.request_id, ok=True, status=outcome.status, problem=None)
    current = error.details.get("status")
    problem = Refusal(
        status=status_of(error),
        code=error.code,
        detail=detail_of(error),
        current_status=current if isinstance(current, str) else None,
    )
    return SelectionItem(id=outcome.request_id, ok=False, status=None, problem=problem)
