"""Sends approved advisories to the farmers they concern, and tells experts how review went.

Deliveries are rows written when an advisory is approved (by the review CLI in another process, or
the admin API), so this only sends what is pending and records each copy as it goes: a restart
neither skips nor repeats a farmer. Telegram allows about 30 messages a second to different chats;
the sender keeps below that, and waits when Telegram says to (429). A farmer who blocked the bot is
marked unreachable; a network failure leaves the copy pending for the next round.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from aiogram import Bot

from bot.deps import BotDeps
from bot.outbound import attempt, deliver
from core import advisories
from render.words import listing
from storage.enums import AdvisoryStatus
from storage.models import Advisory, County, Expert, Farmer
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
BATCH = 100
PER_SECOND = 25.0


class AdvisorySender:
    def __init__(self, bot: Bot, deps: BotDeps, *, per_second: float = PER_SECOND) -> None:
        self.bot = bot
        self.deps = deps
        self.gap_s = 1.0 / per_second

    async def pump(self) -> int:
        """Tell experts their review outcomes, then send pending copies; how many messages were handled."""
        async with self.deps.uow() as uow:
            handled = await self._tell_experts(uow)
        async with self.deps.uow() as uow:
            for delivery, advisory, farmer in await advisories.due_deliveries(uow, BATCH):
                text = await self._text(uow, advisory, farmer)
                sent, blocked = await attempt(
                    partial(self.bot.send_message, farmer.telegram_user_id, text), what="advisory"
                )
                if sent is None and not blocked:
                    break  # the network, not this farmer: the copy stays pending for the next round
                await advisories.record_delivery(
                    uow, delivery, reached=sent is not None, now=self.deps.clock()
                )
                handled += 1
                await asyncio.sleep(self.gap_s)
            await advisories.finish_sent(uow)
        return handled

    async def _tell_experts(self, uow: UnitOfWork) -> int:
        told = 0
        for advisory in await advisories.outcomes_to_tell(uow, BATCH):
            expert = await uow.session.get(Expert, advisory.expert_id)
            if expert is not None and expert.telegram_user_id is not None:
                t = self.deps.catalog.translator(expert.language)
                if advisory.status is AdvisoryStatus.rejected:
                    text = t("advisory.rejected", id=advisory.id, reason=advisory.reason or "")
                else:
                    count = await advisories.copies(uow, advisory.id)
                    # "being sent to 0 farmers" reads like a fault; say why nobody gets it.
                    key = "advisory.approved" if count else "advisory.approved_nobody"
                    text = t(key, id=advisory.id, count=count)
                await deliver(
                    partial(self.bot.send_message, expert.telegram_user_id, text), what="advisory outcome"
                )
            await advisories.mark_expert_told(uow, advisory, self.deps.clock())
            told += 1
        return told

    async def _text(self, uow: UnitOfWork, advisory: Advisory, farmer: Farmer) -> str:
        t = self.deps.catalog.translator(farmer.language)
        county = await uow.session.get(County, advisory.county_id)
        expert = await uow.session.get(Expert, advisory.expert_id)
        subjects = (
            t("advisory.push_subjects", subjects=listing(t, advisory.target_subjects))
            if advisory.target_subjects
            else ""
        )
        return t(
            "advisory.push",
            category=t(f"advisory.{advisory.category.value}"),
            county=county.name if county else "",
            body=advisory.body,
            expert=expert.name if expert else "",
            subjects=subjects,
        )
