"""Rendering and screening helpers the conversations share."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import cast

from aiogram.types import KeyboardButton, ReplyKeyboardMarkup

from bot.i18n import Safe, Translator
from bot.turn import Turn
from core.budget import LOCAL_TZ
from core.declining import common_reason
from core.errors import InsufficientBalance
from core.evidence import Evidence
from core.requests import record_blocked_text
from dialogs.attachments import counts
from nlu.screening import ScreeningResult, Verdict, explain
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


def yuan(fen: int | None) -> str:
    return f"¥{(fen or 0) / 100:.2f}".replace(".00", "")


def balance_short(t: Translator, key: str, short: InsufficientBalance) -> Safe:
    """The message `key` for a voucher balance too low: what is available and what was needed."""
    return t(
        key,
        available=yuan(cast(int, short.details.get("available_fen", 0))),
        fee=yuan(cast(int, short.details.get("amount_fen", 0))),
    )


def listing(t: Translator, items: Iterable[str]) -> str:
    """Items in a line, separated as the language does: '作物栽培、植物保护', 'Crop cultivation, Plant
    protection'."""
    return str(t("list.separator")).join(items)


def local_time(t: Translator, at: datetime, now: datetime) -> Safe:
    """'今天 15:00' / '明天 09:00' / a date: what the farmer needs to know about waiting."""
    local, today = at.astimezone(LOCAL_TZ), now.astimezone(LOCAL_TZ).date()
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return t("time.today", clock=clock)
    if local.date() == today + timedelta(days=1):
        return t("time.tomorrow", clock=clock)
    return t("time.date", date=local.strftime("%m-%d"), clock=clock)


def menu_keyboard(t: Translator, *, expert: bool) -> ReplyKeyboardMarkup:
    keys = EXPERT_MENU if expert else FARMER_MENU
    labels = [KeyboardButton(text=t(key)) for key in keys]
    rows = [labels[i : i + 2] for i in range(0, len(labels), 2)]
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, is_persistent=True)


def status_label(t: Translator, request: ServiceRequest) -> Safe:
    return t(f"status.{request.status}")


def decline_reason(t: Translator, recorded: str | None) -> str:
    """A decline's reason for its reader: a common one in their language, a written one as written
    (a plain str, so it is escaped where it is put into a message)."""
    common = common_reason(recorded)
    if common is not None:
        return t(f"decline.{common.name}")
    return recorded or t("summary.none")


def evidence_text(t: Translator, evidence: Evidence) -> Safe:
    """'现场照片：已指导喷药' / '现场位置': what the evidence of a visit is, with the expert's note."""
    if evidence.kind == "location":
        return t("evidence.location")
    return t("evidence.photo_note", note=evidence.note) if evidence.note else t("evidence.photo")


def request_summary(t: Translator, request: ServiceRequest, specialty_name: str | None) -> Safe:
    attached = counts(request.photo_file_ids)
    scale = request.scale_words or (
        f"{request.scale_quantity:g}{request.scale_unit or ''}"
        if request.scale_quantity
        else t("summary.none")
    )
    body = t(
        "summary.body",
        id=request.id,
        specialty=specialty_name or t("summary.none"),
        subject=request.subject or t("summary.none"),
        description=request.description or t("summary.none"),
        stage=request.growth_stage or t("summary.none"),
        scale=scale,
        photos=attached["photo"],
        location=t("summary.yes") if request.latitude is not None else t("summary.none"),
    )
    # Voice notes and videos are listed only when there are some: most requests have none.
    extra = [t("summary.voices", n=attached["voice"])] if attached["voice"] else []
    if videos := attached["video"] + attached["videonote"]:
        extra.append(t("summary.videos", n=videos))
    return Safe("\n".join([body, *extra]))


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
