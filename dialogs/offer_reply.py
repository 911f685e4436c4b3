"""A park member answers an expert's offer: Accept submits the park's request for review (the first
member to accept wins), Decline closes the offer for the park."""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.refusals import Refusals, alert, message
from bot.turn import Turn
from core import offers
from core.errors import InsufficientBalance, NotFound, NotPermitted
from core.membership import NoLongerMember
from core.requests import Submission
from dialogs.common import balance_short
from dialogs.filters import IS_FARMER
from render.callbacks import OfferReplyCb
from render.i18n import Safe, Translator
from render.words import local_time, yuan

router = Router(name=__name__)
router.callback_query.filter(IS_FARMER)


def closed_text(t: Translator, closed: offers.OfferClosed) -> Safe:
    """Why an offer can no longer be answered: who accepted or declined it, or that it is gone."""
    status, member = closed.details.get("status"), closed.details.get("member")
    return t(f"offer.closed_{status}", member=member or "")


REFUSED = Refusals(
    (offers.OfferClosed, message(lambda t, closed: closed_text(t, closed))),
    # The offer stays open: the county may top the vouchers up.
    (InsufficientBalance, message(lambda t, short: balance_short(t, "offer.insufficient", short))),
    (NoLongerMember, message("submit.no_longer_member")),
    ((NotPermitted, NotFound), alert("offer.not_for_you")),
)


@router.callback_query(OfferReplyCb.filter())
async def offer_answered(query: CallbackQuery, callback_data: OfferReplyCb, turn: Turn) -> None:
    t, uow, farmer = turn.t, turn.uow, turn.farmer
    offer_id, now = callback_data.offer_id, turn.deps.clock()
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
    except REFUSED.errors as error:
        await turn.refuse(error, REFUSED, query)
        return
    await query.answer()
    await turn.answer(reply)


def _accepted(t: Translator, offer_id: int, submission: Submission, now: datetime) -> Safe:
    """As the farmer's own submission reads (held fee, when review comes), after whose offer it is."""
    when = (
        t("submit.review_now")
        if submission.review_expected_at <= now
        else local_time(t, submission.review_expected_at, now)
    )
    submitted = t("submit.done", id=submission.request.id, fee=yuan(submission.fee_fen), when=when)
    return Safe(f"{t('offer.you_accepted', id=offer_id)}\n{submitted}")
