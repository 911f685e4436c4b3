"""A park member answers an expert's offer: Accept submits the park's request for review (the first
member to accept wins), Decline closes the offer for the park."""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.deps import BotDeps
from core import offers
from core.errors import InsufficientBalance, NotFound, NotPermitted
from core.membership import NoLongerMember
from core.requests import Submission
from dialogs.common import balance_short
from dialogs.filters import IS_FARMER
from render.callbacks import OfferReplyCb
from render.i18n import Safe, Translator
from render.words import local_time, yuan
from storage.models import Farmer
from storage.uow import UnitOfWork

router = Router(name=__name__)
router.callback_query.filter(IS_FARMER)


def closed_text(t: Translator, closed: offers.OfferClosed) -> Safe:
    """Why an offer can no longer be answered: who accepted or declined it, or that it is gone."""
    status, member = closed.details.get("status"), closed.details.get("member")
    return t(f"offer.closed_{status}", member=member or "")


@router.callback_query(OfferReplyCb.filter())
async def offer_answered(
    query: CallbackQuery,
    callback_data: OfferReplyCb,
    t: Translator,
    uow: UnitOfWork,
    deps: BotDeps,
    farmer: Farmer,
) -> None:
    assert isinstance(query.message, Message)
    offer_id, now = callback_data.offer_id, deps.clock()
    try:
        if callback_data.action == "accept":
            submission = await offers.accept(uow, offer_id, farmer.id, now=now)
            reply = _accepted(t, offer_id, submission, now)
        elif callback_data.action == "decline":
            await offers.decline(uow, offer_id, farmer.id, now=now)
            reply = t("offer.you_declined", id=offer_id)
        else:
            await query.answer()
            return
    except offers.OfferClosed as closed:
        reply = closed_text(t, closed)
    except InsufficientBalance as short:  # the offer stays open: the county may top the vouchers up
        reply = balance_short(t, "offer.insufficient", short)
    except NoLongerMember:
        reply = t("submit.no_longer_member")
    except (NotPermitted, NotFound):
        await query.answer(t("offer.not_for_you"), show_alert=True)
        return
    await query.answer()
    await query.message.answer(reply)


def _accepted(t: Translator, offer_id: int, submission: Submission, now: datetime) -> Safe:
    """As the farmer's own submission reads (held fee, when review comes), after whose offer it is."""
    when = (
        t("submit.review_now")
        if submission.review_expected_at <= now
        else local_time(t, submission.review_expected_at, now)
    )
    submitted = t("submit.done", id=submission.request.id, fee=yuan(submission.fee_fen), when=when)
    return Safe(f"{t('offer.you_accepted', id=offer_id)}\n{submitted}")
