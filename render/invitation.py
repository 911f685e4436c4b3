"""The invitation card an expert answers: the problem summary, the county, the mode with its fee and
the deadline, with Accept / Decline (the farmer's media go before it: bot.invitation)."""

from __future__ import annotations

from datetime import datetime

from aiogram.types import InlineKeyboardMarkup

from render.callbacks import InviteCb
from render.i18n import Translator
from render.keyboards import button, row
from render.words import local_time, request_summary, yuan
from storage.models import ServiceRequest


def invitation_text(
    t: Translator, request: ServiceRequest, name: str | None, county: str, now: datetime
) -> str:
    """`name`: the specialty's name in the reader's language; `county`: the county's name."""
    deadline = local_time(t, request.invitation_expires_at, now) if request.invitation_expires_at else ""
    return "\n".join(
        [
            t("invite.title", id=request.id, county=county),
            request_summary(t, request, name),
            t(
                "invite.mode",
                mode=t(f"mode.{request.service_mode}"),
                fee=yuan(request.fee_fen),
                deadline=deadline,
            ),
        ]
    )


def invitation_buttons(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    return row(
        button(t("invite.accept"), InviteCb(request_id=request_id, action="accept")),
        button(t("invite.decline"), InviteCb(request_id=request_id, action="decline")),
    )
