"""Pushes every status change to the people it concerns, reading the request events in order.

The events table is the source: whoever made the change (the bot, the review CLI in another process,
the admin API, the expiry sweep), the farmer and the expert hear about it, at least once and in order
(bot.event_cursor).
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import func, select

from bot.deps import BotDeps
from bot.event_cursor import FIRST_START_LOOKBACK, announce_in_order, start_after
from bot.i18n import Translator
from bot.outbound import deliver_or_defer
from core import mode_change, offer_origin, threads
from dialogs.callbacks import CompleteCb, ExpertCb
from dialogs.common import decline_reason, yuan
from dialogs.invitation import send_invitation
from dialogs.mode_consent import question
from dialogs.my_requests import rating_keyboard
from storage.enums import RequestStatus
from storage.models import (
    Expert,
    Farmer,
    MessageLink,
    Rating,
    Reimbursement,
    RequestEvent,
    ServiceRequest,
)
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
CURSOR = "notifier"


class Notifier:
    def __init__(self, bot: Bot, deps: BotDeps) -> None:
        self.bot = bot
        self.deps = deps
        self._topics: bool | None = None

    async def start(self) -> None:
        stale = self.deps.clock() - FIRST_START_LOOKBACK
        await start_after(self.deps, CURSOR, select(func.max(RequestEvent.id)).where(RequestEvent.at < stale))

    async def pump(self) -> int:
        """Announce the events not yet announced; how many were handled."""
        return await announce_in_order(
            self.deps,
            CURSOR,
            lambda position: select(RequestEvent).where(RequestEvent.id > position).order_by(RequestEvent.id),
            self._announce,
        )

    async def _topics_enabled(self) -> bool:
        if self._topics is None:
            me = await self.bot.me()
            self._topics = bool(me.has_topics_enabled)
        return self._topics

    async def _people(
        self, uow: UnitOfWork, request: ServiceRequest, event: RequestEvent
    ) -> tuple[Farmer | None, Expert | None]:
        farmer = await uow.session.get(Farmer, request.farmer_id)
        expert_id = request.expert_id or event.expert_id
        expert = await uow.session.get(Expert, expert_id) if expert_id else None
        return farmer, expert

    async def _send(
        self,
        uow: UnitOfWork,
        chat_id: int | None,
        request_id: int,
        text: str,
        *,
        reply_markup: InlineKeyboardMarkup | None = None,
        message_thread_id: int | None = None,
    ) -> None:
        if chat_id is None:
            return
        sent = await deliver_or_defer(
            lambda: self.bot.send_message(
                chat_id, text, reply_markup=reply_markup, message_thread_id=message_thread_id
            ),
            what=f"push for request {request_id}",
        )
        if sent is not None:
            await threads.link_messages(uow, chat_id, [sent.message_id], request_id)

    async def _announce(self, uow: UnitOfWork, event: RequestEvent) -> None:
        request = await uow.session.get(ServiceRequest, event.request_id, populate_existing=True)
        if request is None or _undone_by_a_cancel(request, event):
            return
        farmer, expert = await self._people(uow, request, event)
        ft = self.deps.catalog.translator(farmer.language if farmer else None)
        et = self.deps.catalog.translator(expert.language if expert else None)
        f_chat = farmer.telegram_user_id if farmer else None
        e_chat = expert.telegram_user_id if expert else None
        action, rid = event.action, request.id
        offered = action in ("approve", "reject") and await offer_origin.offer_id_for(uow, rid) is not None
        if action == "approve" and offered:
            return  # in service at once (the expert offered it): the accept that follows tells both
        if action == "approve":
            await self._send(
                uow, f_chat, rid, ft("push.approved", id=rid, expert=expert.name if expert else "")
            )
            if expert is not None:
                await self._invite(uow, request, expert, et)
        elif action == "reject":
            await self._send(uow, f_chat, rid, ft("push.rejected", id=rid, reason=event.reason or ""))
            if offered:  # the expert offered this service and waits for the review's outcome too
                await self._send(
                    uow, e_chat, rid, et("offer.rejected_for_expert", id=rid, reason=event.reason or "")
                )
        elif action == "accept":
            await self._send(
                uow, f_chat, rid, ft("push.accepted", id=rid, expert=expert.name if expert else "")
            )
            if expert is not None and e_chat is not None:
                await self._open_thread(uow, request, e_chat, et, farmer)
        elif action in ("decline", "expire"):
            again = InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        InlineKeyboardButton(
                            text=ft("push.choose_again"),
                            callback_data=ExpertCb(request_id=rid, action="suggest").pack(),
                        )
                    ]
                ]
            )
            name = expert.name if expert else ""
            text = (
                ft("push.declined", id=rid, expert=name, reason=decline_reason(ft, event.reason))
                if action == "decline"
                else ft("push.expired", id=rid, expert=name)
            )
            await self._send(uow, f_chat, rid, text, reply_markup=again)
            if action == "expire":  # the card still shows Accept: say it is gone before it is pressed
                await self._send(uow, e_chat, rid, et("push.expired_for_expert", id=rid))
        elif (
            action == "cancel"
            and event.from_status in ("approved", "pending_review")
            and event.actor_kind != "expert"
        ):
            if event.from_status == "approved" and await self._invitation_reached(uow, e_chat, rid):
                await self._send(uow, e_chat, rid, et("push.cancelled_for_expert", id=rid))
        elif action == "complete":
            mode = ft(f"mode.{request.delivered_mode}") if request.delivered_mode else ""
            await self._send(
                uow,
                f_chat,
                rid,
                ft("push.completed", id=rid, mode=mode, fee=yuan(await self._captured(uow, rid))),
                reply_markup=rating_keyboard(rid),
            )
        elif action == "propose_mode":
            proposal = await mode_change.open_proposal(uow, request, self.deps.clock())
            if proposal is not None and proposal.event_id == event.id:  # not answered meanwhile
                asked, keyboard = question(ft, proposal, expert.name if expert else "")
                await self._send(uow, f_chat, rid, asked, reply_markup=keyboard)
        elif action == "agree_mode":
            await self._send(
                uow,
                e_chat,
                rid,
                et("consent.agreed_for_expert", id=rid, fee=yuan(await self._captured(uow, rid))),
            )
        elif action == "refuse_mode" and request.service_mode is not None:
            chosen = request.service_mode
            complete_as_chosen = CompleteCb(request_id=rid, mode=str(chosen)).pack()
            label = et("consent.complete_as_chosen", id=rid, mode=et(f"mode.{chosen}"))
            await self._send(
                uow,
                e_chat,
                rid,
                et(
                    "consent.refused_for_expert",
                    id=rid,
                    proposed=et(f"mode.{event.reason}"),
                    chosen=et(f"mode.{chosen}"),
                ),
                reply_markup=InlineKeyboardMarkup(
                    inline_keyboard=[[InlineKeyboardButton(text=label, callback_data=complete_as_chosen)]]
                ),
            )
        elif action == "settle":
            rating = await uow.session.scalar(select(Rating).where(Rating.request_id == rid))
            text = (
                et("push.rated", id=rid, stars=rating.stars) if rating else et("push.auto_confirmed", id=rid)
            )
            await self._send(uow, e_chat, rid, text)

    async def _invitation_reached(self, uow: UnitOfWork, chat_id: int | None, request_id: int) -> bool:
        """Whether the expert got the invitation card: one approved and cancelled before it was
        announced never was sent (_undone_by_a_cancel), and its cancellation would be news of a
        request they never heard of."""
        if chat_id is None:
            return False
        linked = select(MessageLink.id).where(
            MessageLink.chat_id == chat_id, MessageLink.request_id == request_id
        )
        return await uow.session.scalar(linked.limit(1)) is not None

    async def _captured(self, uow: UnitOfWork, request_id: int) -> int:
        return int(
            await uow.session.scalar(
                select(Reimbursement.amount_fen).where(Reimbursement.request_id == request_id)
            )
            or 0
        )

    async def _invite(self, uow: UnitOfWork, request: ServiceRequest, expert: Expert, t: Translator) -> None:
        chat_id = expert.telegram_user_id
        if chat_id is None:
            log.info("expert %s is not bound yet; the invitation waits in their queue", expert.id)
            return
        await send_invitation(self.bot, uow, t, request, chat_id, self.deps.clock())

    async def _open_thread(
        self, uow: UnitOfWork, request: ServiceRequest, chat_id: int, t: Translator, farmer: Farmer | None
    ) -> None:
        farmer_name = farmer.name if farmer else ""
        thread_id = None
        if await self._topics_enabled():
            topic = await deliver_or_defer(
                lambda: self.bot.create_forum_topic(
                    chat_id, f"#{request.id} {request.subject or ''} · {farmer_name}"[:128]
                ),
                what="request topic",
            )
            if topic is not None:
                thread_id = topic.message_thread_id
                await threads.remember_topic(uow, chat_id, thread_id, request.id)
        # Completing is on the thread's own message: it was only under /start → 📋 待办请求.
        mode = t(f"mode.{request.service_mode}") if request.service_mode else ""
        complete = CompleteCb(request_id=request.id, mode="").pack()
        await self._send(
            uow,
            chat_id,
            request.id,
            t("push.thread_open", id=request.id, farmer=farmer_name, mode=mode, fee=yuan(request.fee_fen)),
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        InlineKeyboardButton(
                            text=t("push.thread_complete", id=request.id), callback_data=complete
                        )
                    ]
                ]
            ),
            message_thread_id=thread_id,
        )


def _undone_by_a_cancel(request: ServiceRequest, event: RequestEvent) -> bool:
    """Whether what `event` made of the request was undone by a cancel since: a farmer's cancel that
    crossed a reviewer's approval (the CLI, another process) comes after it, both legal, and the
    farmer was answered "cancelled" at once. Announcing the approval now would leave them reading
    "✅ approved" last for a request that is cancelled, and send the expert a card for nothing.
    A cancelled request changes no more, so nothing announced before the cancel is still news."""
    return request.status is RequestStatus.cancelled and event.action != "cancel"
