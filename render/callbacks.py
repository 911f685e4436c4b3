"""Every button's payload, typed and kept together (Telegram limits callback data to 64 bytes)."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Row ids are INTEGER columns, 32 bits on PostgreSQL. Button data comes back from the client, so it
# can be anything: a number beyond the column reached the database and failed there ("out of int32
# range", the generic error), a negative one was looked up for nothing. Bounded here, such data
# matches no button's filter and gets the answer of any stale button (dialogs.binding).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
RowIdOrNone = Annotated[int, Field(ge=0, le=MAX_ROW_ID)]  # 0: none (a new problem, no expert yet)
Page = Annotated[int, Field(ge=0, le=MAX_ROW_ID)]
Stars = Annotated[int, Field(ge=1, le=5)]


class SpecialtyCb(CallbackData, prefix="sp"):
    request_id: RowId
    code: str


class IntakeCb(CallbackData, prefix="in"):
    request_id: RowId
    action: str  # media_done | confirm | edit | cancel | photos


class ExpertCb(CallbackData, prefix="ex"):
    request_id: RowId
    action: str  # suggest | page | card | choose
    expert_id: RowIdOrNone = 0
    page: Page = 0


class ModeCb(CallbackData, prefix="md"):
    request_id: RowId
    expert_id: RowId
    mode: str


class SubmitCb(CallbackData, prefix="sb"):
    """Confirm the summary of a request before its voucher is held (dialogs.submit_confirm)."""

    request_id: RowId
    expert_id: RowId
    mode: str


class RequestCb(CallbackData, prefix="rq"):
    request_id: RowId
    action: str  # open | cancel | cancel_yes | cancel_no | complain | talk | complete | resume


class RateCb(CallbackData, prefix="rt"):
    request_id: RowId
    stars: Stars


class SkipCb(CallbackData, prefix="sk"):
    what: str


class InviteCb(CallbackData, prefix="iv"):
    request_id: RowId
    action: str  # accept | decline


class DeclineCb(CallbackData, prefix="dc"):
    request_id: RowId
    reason: str  # a core.declining.DeclineReason name | other | back


class CompleteCb(CallbackData, prefix="cp"):
    request_id: RowId
    mode: str


class ModeChangeCb(CallbackData, prefix="mc"):
    """The farmer's answer to a completion in another mode (core.mode_change)."""

    request_id: RowId
    event_id: RowId  # the proposal answered: an older one's button is refused
    answer: str  # yes | no


class ThreadPickCb(CallbackData, prefix="tp"):
    request_id: RowIdOrNone  # 0: this is a new problem, not a message to an expert


class LangCb(CallbackData, prefix="lg"):
    locale: str


class AdvisoryCb(CallbackData, prefix="ad"):
    category: str


class QueuePageCb(CallbackData, prefix="qp"):
    page: Page


class WaitingCb(CallbackData, prefix="wt"):
    request_id: RowId
    action: str  # add (to the request waiting for review) | new (a new problem) | keep (neither)


class OfferCb(CallbackData, prefix="of"):
    action: str  # park | mode | send | cancel | withdraw
    park_id: RowIdOrNone = 0
    offer_id: RowIdOrNone = 0
    mode: str = ""


class OfferReplyCb(CallbackData, prefix="or"):
    offer_id: RowId
    action: str  # accept | decline


class TeamCb(CallbackData, prefix="tm"):
    """The team leader's overview of the team (dialogs/team.py)."""

    action: str = "show"
