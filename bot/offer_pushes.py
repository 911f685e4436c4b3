"""Pushes an expert's offer to every member of the park, and each outcome to whom it concerns.

The offers' audit rows are the source (core.offers writes one for every change), read in order with
the notifier's cursor mechanism (bot.event_cursor): whoever changed the offer (a member in the bot,
the expert, the expiry sweep), the push goes out at least once, and an outage delays it.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.event_cursor import AuditRowPusher
from bot.outbound import deliver_or_defer
from core import offers
from core.offer_cards import OfferCard, members, offer_card
from render.offer_card import offer_keyboard, offer_text
from storage.enums import OfferStatus
from storage.models import AuditLog
from storage.uow import UnitOfWork

TO_EXPERT = {
    "offer.accept": "offer.accepted_for_expert",
    "offer.decline": "offer.declined_for_expert",
    "offer.expire": "offer.expired_for_expert",
}


class OfferPusher(AuditRowPusher):
    CURSOR = "offers"
    WANTED = AuditLog.entity == offers.ENTITY

    async def _send(
        self, chat_id: int | None, text: str, *, reply_markup: InlineKeyboardMarkup | None = None
    ) -> None:
        if chat_id is not None:
            await deliver_or_defer(
                lambda: self.bot.send_message(chat_id, text, reply_markup=reply_markup), what="offer push"
            )

    async def _announce(self, uow: UnitOfWork, entry: AuditLog) -> None:
        assert entry.entity_id is not None
        now = self.deps.clock()
        card = await offer_card(uow, entry.entity_id, now)
        open_now = card.offer.status is OfferStatus.offered and card.offer.expires_at > now
        if entry.action == "offer.make" and open_now:
            # Not once it is answered or gone (a push that waited out an outage): Accept would only fail.
            for member in await members(uow, card.park.id):
                t = self.deps.catalog.translator(member.language)
                await self._send(
                    member.telegram_user_id,
                    offer_text(t, card, now),
                    reply_markup=offer_keyboard(t, card.offer.id),
                )
        elif entry.action == "offer.withdraw":
            for member in await members(uow, card.park.id):
                t = self.deps.catalog.translator(member.language)
                await self._send(member.telegram_user_id, t("offer.withdrawn_for_member", id=card.offer.id))
        elif entry.action in TO_EXPERT:
            await self._tell_expert(TO_EXPERT[entry.action], card)

    async def _tell_expert(self, key: str, card: OfferCard) -> None:
        t = self.deps.catalog.translator(card.expert.language)
        text = t(
            key,
            id=card.offer.id,
            park=card.park.name,
            member=card.decided_by.name if card.decided_by else "",
            request=card.offer.request_id or "",
        )
        await self._send(card.expert.telegram_user_id, text)
