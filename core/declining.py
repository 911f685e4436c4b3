"""Why an expert declines an invitation: the farmer reads it, and it stays in the request's record.

Most declines have one of a few reasons, offered as buttons; anything else the expert writes in a
sentence. A common reason is recorded as its words below (the audit record, like the system's own
reasons, is in English) and shown to each person in their own language; a written reason is recorded
and shown as written. Screening what the expert wrote (Art. 11(3)) is the caller's job.
"""

from __future__ import annotations

from enum import StrEnum

from core.errors import InvalidInput, within_limit

MAX_REASON_LENGTH = 200  # a sentence, read in a push; not a letter


class DeclineReason(StrEnum):
    not_my_specialty = "not my specialty"
    no_time = "no time in the next days"
    too_far = "too far for an on-site visit"


def checked_reason(reason: str | None) -> str:
    """The reason as it will be recorded; refused when empty or over the limit."""
    cleaned = (reason or "").strip()
    if not cleaned:
        raise InvalidInput("a decline needs a reason the farmer can read", field="reason")
    return within_limit(cleaned, MAX_REASON_LENGTH, field="reason", what="the reason")


def common_reason(recorded: str | None) -> DeclineReason | None:
    """The common reason a recorded one is, if it is one (to be shown in the reader's language)."""
    try:
        return DeclineReason(recorded) if recorded else None
    except ValueError:
        return None
