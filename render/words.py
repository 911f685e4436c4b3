"""How amounts, lists, times and a request read in a message: shared by the conversations (dialogs/)
and the pushes (bot/), so both say them alike."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from core.budget import LOCAL_TZ
from core.declining import common_reason
from render.attachments import counts
from render.i18n import Safe, Translator
from storage.models import ServiceRequest


def yuan(fen: int | None) -> str:
    return f"¥{(fen or 0) / 100:.2f}".replace(".00", "")


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


def decline_reason(t: Translator, recorded: str | None) -> str:
    """A decline's reason for its reader: a common one in their language, a written one as written
    (a plain str, so it is escaped where it is put into a message)."""
    common = common_reason(recorded)
    if common is not None:
        return t(f"decline.{common.name}")
    return recorded or t("summary.none")


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
