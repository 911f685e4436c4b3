"""Reviewers' internal notes on a request ("the farmer sent the same problem yesterday", "phoned the
township"): read by the back office only, never by the farmer or the expert.

Nothing that tells the farmer or the expert about a request (the bot's notifier, the invitation, the
thread) reads this table; the test of that is the bot's recorded messages after a note, an approval
and a relay (tests/admin_api/test_request_notes.py).
"""

from __future__ import annotations

import re
from datetime import datetime

from core import audit
from core.errors import InvalidInput, NotFound, does_not_exist, within_limit
from core.permissions import Permission
from core.scope import Staff
from storage.models import ServiceRequest
from storage.models.admin import ReviewNote
from storage.uow import UnitOfWork

MAX_NOTE = 2000
# What no database stores: a NUL, and a lone UTF-16 surrogate ("\ud800" is valid JSON).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def cleaned_note(text: str) -> str:
    """The note as it can be stored: NUL removed, a lone surrogate shown as U+FFFD, ends trimmed."""
    text = _LONE_SURROGATE.sub("\ufffd", text.replace("\x00", "")).strip()
    if not text:
        raise InvalidInput("a note needs words", field="text")
    return within_limit(text, MAX_NOTE, field="text", what="a note")


async def add_note(
    uow: UnitOfWork, staff: Staff, request_id: int, text: str, *, via: str, now: datetime
) -> ReviewNote:
    staff.ensure(Permission.review_requests)
    text = cleaned_note(text)
    request = await uow.session.get(ServiceRequest, request_id)
    if request is None:
        raise NotFound(does_not_exist("request", request_id))
    staff.ensure_county(request.county_id, object_id=request.id)
    note = ReviewNote(request_id=request.id, admin_user_id=staff.admin_id, at=now, text=text)
    uow.session.add(note)
    await uow.flush()
    await audit.record(
        uow, staff.actor, "request.note", "service_request", request.id, via=via, note_id=note.id, text=text
    )
    await uow.commit()
    return note
