"""Pushes every status change to the people it concerns, reading the request events in order.

Who hears what is core.notifications (beside the lifecycle's rules), drawn by render.notices. The
events table is the source: whoever made the change (the bot, the review CLI in another process,
the admin API, the expiry sweep), the farmer and the expert hear about it, at least once and in order
(bot.event_cursor).
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import func, select

from bot.deps import BotDeps
from bot.event_cursor import FIRST_START_LOOKBACK, announce_in_order, start_after
from bot.invitation import send_invitation
from bot.outbound import deliver_or_defer
from core import notifications, threads
from core.notifications import Announcement, Audience, Buttons, Notice
from render.i18n import Translator
from render.notices import notice_keyboard, notice_text
from storage.models import Expert, RequestEvent, ServiceRequest
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
        told = await notifications.announcement(uow, event, self.deps.clock())
        if told is None:
            return
        for notice in told.notices:
            person = told.farmer if notice.to is Audience.farmer else told.expert
            chat_id = person.telegram_user_id if person else None
            t = self.deps.catalog.translator(person.language if person else None)
            if notice.buttons is Buttons.invitation:
                await self._invite(uow, told.request, told.expert, t)
            elif notice.topic and chat_id is not None:
                await self._open_thread(uow, told, notice, chat_id, t)
            else:
                text, keyboard = notice_text(t, notice, told.facts), notice_keyboard(t, notice, told.facts)
                await self._send(uow, chat_id, told.request.id, text, reply_markup=keyboard)

    async def _invite(
        self, uow: UnitOfWork, request: ServiceRequest, expert: Expert | None, t: Translator
    ) -> None:
        if expert is None:
            return
        chat_id = expert.telegram_user_id
        if chat_id is None:
            log.info("expert %s is not bound yet; the invitation waits in their queue", expert.id)
            return
        await send_invitation(self.bot, uow, t, request, chat_id, self.deps.clock())

    async def _open_thread(
        self, uow: UnitOfWork, told: Announcement, notice: Notice, chat_id: int, t: Translator
    ) -> None:
        """The notice in a forum topic of the request's own, when the bot's chats have topics."""
        request, thread_id = told.request, None
        if await self._topics_enabled():
            title = f"#{request.id} {request.subject or ''} · {told.facts.farmer_name}"[:128]
            topic = await deliver_or_defer(
                lambda: self.bot.create_forum_topic(chat_id, title), what="request topic"
            )
            if topic is not None:
                thread_id = topic.message_thread_id
                await threads.remember_topic(uow, chat_id, thread_id, request.id)
        await self._send(
            uow,
            chat_id,
            request.id,
            notice_text(t, notice, told.facts),
            reply_markup=notice_keyboard(t, notice, told.facts),
            message_thread_id=thread_id,
        )
