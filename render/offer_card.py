"""How an expert's offer reads to a park's members: who offers (title, specialties), what, the mode
and fee, the park's balance and the deadline, with Accept / Decline."""

from __future__ import annotations

from datetime import datetime

from aiogram.types import InlineKeyboardMarkup

from core.offer_cards import OfferCard
from render.callbacks import OfferReplyCb
from render.i18n import Safe, Translator
from render.keyboards import button, row
from render.words import listing, local_time, yuan


def offer_text(t: Translator, card: OfferCard, now: datetime) -> Safe:
    names = (s.name_zh if t.short == "zh" else s.name_en for s in card.specialties)
    return t(
        "offer.push",
        id=card.offer.id,
        expert=card.expert.name,
        title=card.expert.title,
        specialties=listing(t, names),
        park=card.park.name,
        description=card.offer.description,
        mode=t(f"mode.{card.offer.service_mode}"),
        fee=yuan(card.offer.fee_fen),
        balance=yuan(card.available_fen),
        deadline=local_time(t, card.offer.expires_at, now),
    )


def offer_keyboard(t: Translator, offer_id: int) -> InlineKeyboardMarkup:
    return row(
        button(t("offer.accept"), OfferReplyCb(offer_id=offer_id, action="accept")),
        button(t("offer.decline"), OfferReplyCb(offer_id=offer_id, action="decline")),
    )
