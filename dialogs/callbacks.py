"""Every button's payload, typed and kept together (Telegram limits callback data to 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class SpecialtyCb(CallbackData, prefix="sp"):
    request_id: int
    code: str


class IntakeCb(CallbackData, prefix="in"):
    request_id: int
    action: str  # media_done | confirm | edit | cancel | photos


class ExpertCb(CallbackData, prefix="ex"):
    request_id: int
    action: str  # suggest | page | card | choose
    expert_id: int = 0
    page: int = 0


class ModeCb(CallbackData, prefix="md"):
    request_id: int
    expert_id: int
    mode: str


class RequestCb(CallbackData, prefix="rq"):
    request_id: int
    action: str  # open | cancel | cancel_yes | cancel_no | complain | talk | complete | resume


class RateCb(CallbackData, prefix="rt"):
    request_id: int
    stars: int


class SkipCb(CallbackData, prefix="sk"):
    what: str


class InviteCb(CallbackData, prefix="iv"):
    request_id: int
    action: str  # accept | decline


class DeclineCb(CallbackData, prefix="dc"):
    request_id: int
    reason: str  # a core.declining.DeclineReason name | other | back


class CompleteCb(CallbackData, prefix="cp"):
    request_id: int
    mode: str


class ThreadPickCb(CallbackData, prefix="tp"):
    request_id: int  # 0: this is a new problem, not a message to an expert


class LangCb(CallbackData, prefix="lg"):
    locale: str


class AdvisoryCb(CallbackData, prefix="ad"):
    category: str


class QueuePageCb(CallbackData, prefix="qp"):
    page: int


class WaitingCb(CallbackData, prefix="wt"):
    request_id: int
    action: str  # add (to the request waiting for review) | new (a new problem) | keep (neither)


class OfferCb(CallbackData, prefix="of"):
    action: str  # park | mode | send | cancel | withdraw
    park_id: int = 0
    offer_id: int = 0
    mode: str = ""


class OfferReplyCb(CallbackData, prefix="or"):
    offer_id: int
    action: str  # accept | decline


class TeamCb(CallbackData, prefix="tm"):
    """The team leader's overview of the team (dialogs/team.py)."""

    action: str = "show"
