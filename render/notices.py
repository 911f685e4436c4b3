"""A lifecycle notice (core.notifications) drawn for its reader: the message's text in their
language, and its buttons as an inline keyboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from core.notifications import Buttons, Facts, Notice
from render.callbacks import CompleteCb, ExpertCb, ModeChangeCb, RateCb
from render.i18n import Translator
from render.keyboards import button, column
from render.words import decline_reason, yuan


def _mode(t: Translator, mode: str | None) -> str:
    return t(f"mode.{mode}") if mode else ""


# Each message's parameters, as its text in the catalog names them.
PARAMS: dict[str, Callable[[Translator, Facts], dict[str, Any]]] = {
    "push.approved": lambda t, f: {"expert": f.expert_name},
    "push.rejected": lambda t, f: {"reason": f.reason or ""},
    "offer.rejected_for_expert": lambda t, f: {"reason": f.reason or ""},
    "push.accepted": lambda t, f: {"expert": f.expert_name},
    "push.thread_open": lambda t, f: {
        "farmer": f.farmer_name,
        "mode": _mode(t, f.chosen),
        "fee": yuan(f.fee_fen),
    },
    "push.declined": lambda t, f: {"expert": f.expert_name, "reason": decline_reason(t, f.reason)},
    "push.expired": lambda t, f: {"expert": f.expert_name},
    "push.expired_for_expert": lambda t, f: {},
    "push.cancelled_for_expert": lambda t, f: {},
    "push.completed": lambda t, f: {"mode": _mode(t, f.mode), "fee": yuan(f.fee_fen)},
    "consent.ask": lambda t, f: {
        "expert": f.expert_name,
        "chosen": _mode(t, f.chosen),
        "proposed": _mode(t, f.proposed),
        "fee": yuan(f.fee_fen),
    },
    "consent.agreed_for_expert": lambda t, f: {"fee": yuan(f.fee_fen)},
    "consent.refused_for_expert": lambda t, f: {
        "proposed": _mode(t, f.proposed),
        "chosen": _mode(t, f.chosen),
    },
    "push.rated": lambda t, f: {"stars": f.stars},
    "push.auto_confirmed": lambda t, f: {},
}


def notice_text(t: Translator, notice: Notice, facts: Facts) -> str:
    return t(notice.key, id=facts.request_id, **PARAMS[notice.key](t, facts))


def notice_keyboard(t: Translator, notice: Notice, facts: Facts) -> InlineKeyboardMarkup | None:
    """The buttons under a notice; the invitation card draws its own (render.invitation)."""
    rid = facts.request_id
    if notice.buttons is Buttons.choose_again:
        return column([button(t("push.choose_again"), ExpertCb(request_id=rid, action="suggest"))])
    if notice.buttons is Buttons.rate:
        return rating_keyboard(rid)
    if notice.buttons is Buttons.complete:
        return column([button(t("push.thread_complete", id=rid), CompleteCb(request_id=rid, mode=""))])
    if notice.buttons is Buttons.complete_as_chosen:
        label = t("consent.complete_as_chosen", id=rid, mode=_mode(t, facts.chosen))
        return column([button(label, CompleteCb(request_id=rid, mode=str(facts.chosen)))])
    if notice.buttons is Buttons.answer_mode:
        assert facts.proposal_event_id is not None  # the notice holds only while the proposal is open
        return mode_answers(t, rid, facts.proposal_event_id)
    return None


def rating_keyboard(request_id: int) -> InlineKeyboardMarkup:
    return column(
        button("⭐" * stars, RateCb(request_id=request_id, stars=stars)) for stars in range(5, 0, -1)
    )


def mode_answers(t: Translator, request_id: int, event_id: int) -> InlineKeyboardMarkup:
    """The farmer's two answers to a completion in another mode (dialogs.mode_consent)."""
    return column(
        button(t(key), ModeChangeCb(request_id=request_id, event_id=event_id, answer=answer))
        for key, answer in (("consent.yes", "yes"), ("consent.no", "no"))
    )
