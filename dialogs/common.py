"""Rendering and screening helpers the conversations share."""

from __future__ import annotations

import html
from typing import cast

from aiogram.types import KeyboardButton, ReplyKeyboardMarkup

from bot.turn import Turn
from core.errors import InsufficientBalance
from core.evidence import Evidence
from core.requests import record_blocked_text
from nlu.screening import ScreeningResult, Verdict, explain
from render.i18n import Safe, Translator
from render.words import yuan
from storage.models import ServiceRequest

FARMER_MENU = (
    "menu.describe",
    "menu.my_requests",
    "menu.balance",
    "menu.advisories",
    "menu.help",
    "menu.language",
)
EXPERT_MENU = ("menu.queue", "menu.stats", "menu.publish", "menu.offer", "menu.help", "menu.language")


def balance_short(t: Translator, key: str, short: InsufficientBalance) -> Safe:
    """The message `key` for a voucher balance too low: what is available and what was needed."""
    return t(
        key,
        available=yuan(cast(int, short.details.get("available_fen", 0))),
        fee=yuan(cast(int, short.details.get("amount_fen", 0))),
    )


def menu_keyboard(t: Translator, *, expert: bool) -> ReplyKeyboardMarkup:
    keys = EXPERT_MENU if expert else FARMER_MENU
    labels = [KeyboardButton(text=t(key)) for key in keys]
    rows = [labels[i : i + 2] for i in range(0, len(labels), 2)]
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, is_persistent=True)


def status_label(t: Translator, request: ServiceRequest) -> Safe:
    return t(f"status.{request.status}")


def evidence_text(t: Translator, evidence: Evidence) -> Safe:
    """'现场照片：已指导喷药' / '现场位置': what the evidence of a visit is, with the expert's note."""
    if evidence.kind == "location":
        return t("evidence.location")
    return t("evidence.photo_note", note=evidence.note) if evidence.note else t("evidence.photo")


async def screen_text(
    turn: Turn, text: str, *, context: str, request_id: int | None = None
) -> ScreeningResult | None:
    """Screen what a user wrote (Art. 11(3)). Blocked: explain, keep the attempt for audit, return None."""
    message, deps, uow, t = turn.message, turn.deps, turn.uow, turn.t
    result = deps.screener.check(text)
    if result.verdict is Verdict.BLOCK:
        await record_blocked_text(
            uow,
            telegram_user_id=message.chat.id,
            context=context,
            text=text,
            hits=[
                {"term": h.term, "category": h.category, "start": h.start, "end": h.end} for h in result.hits
            ],
            request_id=request_id,
        )
        await message.answer(html.escape(explain(result, t.locale) or "", quote=False) or t("screen.blocked"))
        return None
    # Advice (a banned pesticide, say) is shown whatever else was flagged for the reviewer.
    note = explain(result, t.locale)
    if note:
        await message.answer(html.escape(note, quote=False))
    return result


def screening_flags(result: ScreeningResult) -> dict[str, object]:
    """What the reviewer should see highlighted: flagged and advised terms with their spans."""
    return {
        "verdict": str(result.verdict),
        "hits": [
            {"term": h.term, "category": h.category, "action": str(h.action), "start": h.start, "end": h.end}
            for h in result.hits
        ],
    }
