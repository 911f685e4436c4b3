"""Who hears of each step of the lifecycle (core.lifecycle.RULES), as data: for an event's
(action, status before), the notices it sends — to whom, which message of the catalog, which buttons
under it, and on what condition. The notifier (bot.notifier) reads the facts here and sends what
render.notices draws; a step nobody is told of is listed in SILENT with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from core import mode_change, offer_origin
from core.lifecycle import Action
from storage.enums import RequestStatus as S
from storage.enums import ServiceMode
from storage.models import Expert, Farmer, MessageLink, Rating, Reimbursement, RequestEvent, ServiceRequest
from storage.uow import UnitOfWork


class Audience(StrEnum):
    farmer = "farmer"
    expert = "expert"


class Buttons(StrEnum):
    """The buttons under a notice, drawn for its request (render.notices)."""

    invitation = "invitation"  # Accept / Decline: the whole invitation card, the farmer's media first
    choose_again = "choose_again"  # the farmer picks another expert
    rate = "rate"  # one to five stars
    complete = "complete"  # the expert completes from the conversation's own message
    complete_as_chosen = "complete_as_chosen"  # the expert completes in the mode the farmer chose
    answer_mode = "answer_mode"  # the farmer agrees to, or refuses, another mode


class When(StrEnum):
    """A notice's condition beyond the step itself."""

    always = "always"
    # Approved from an expert's offer, the request is in service at once: the accept that follows
    # tells both. The expert who offered waits for a rejection too.
    not_offered = "not_offered"
    offered = "offered"
    # A cancel after the approval is news only to an expert who got the invitation card: one
    # approved and cancelled before it was announced never was sent.
    invitation_reached = "invitation_reached"
    proposal_open = "proposal_open"  # not answered by the farmer before it was announced
    mode_chosen = "mode_chosen"  # the request has a mode the farmer chose to complete it in
    rated = "rated"
    not_rated = "not_rated"  # settled by the waiting period


@dataclass(frozen=True)
class Notice:
    to: Audience
    key: str  # the message in the catalog (render/locales)
    buttons: Buttons | None = None
    when: When = When.always
    topic: bool = False  # in a forum topic of its own for the request, where the bot has topics


FARMER, EXPERT = Audience.farmer, Audience.expert

NOTICES: dict[tuple[Action, S], tuple[Notice, ...]] = {
    (Action.approve, S.pending_review): (
        Notice(FARMER, "push.approved", when=When.not_offered),
        Notice(EXPERT, "invite.title", Buttons.invitation, When.not_offered),
    ),
    (Action.reject, S.pending_review): (
        Notice(FARMER, "push.rejected"),
        Notice(EXPERT, "offer.rejected_for_expert", when=When.offered),
    ),
    (Action.accept, S.approved): (
        Notice(FARMER, "push.accepted"),
        # Completing is on the conversation's own message: it was only under /start → 📋 待办请求.
        Notice(EXPERT, "push.thread_open", Buttons.complete, topic=True),
    ),
    (Action.decline, S.approved): (Notice(FARMER, "push.declined", Buttons.choose_again),),
    (Action.expire, S.approved): (
        Notice(FARMER, "push.expired", Buttons.choose_again),
        # The card still shows Accept: say it is gone before it is pressed.
        Notice(EXPERT, "push.expired_for_expert"),
    ),
    (Action.cancel, S.approved): (Notice(EXPERT, "push.cancelled_for_expert", when=When.invitation_reached),),
    (Action.complete, S.in_service): (Notice(FARMER, "push.completed", Buttons.rate),),
    (Action.propose_mode, S.in_service): (
        Notice(FARMER, "consent.ask", Buttons.answer_mode, When.proposal_open),
    ),
    (Action.agree_mode, S.in_service): (Notice(EXPERT, "consent.agreed_for_expert"),),
    (Action.refuse_mode, S.in_service): (
        Notice(EXPERT, "consent.refused_for_expert", Buttons.complete_as_chosen, When.mode_chosen),
    ),
    (Action.settle, S.completed): (
        Notice(EXPERT, "push.rated", when=When.rated),
        Notice(EXPERT, "push.auto_confirmed", when=When.not_rated),
    ),
}

# Steps nobody is pushed a message for, on purpose: whoever took them was answered in the
# conversation at once, and nobody else knew of the request yet.
SILENT: dict[tuple[Action, S], str] = {
    (Action.screen_block, S.draft): "the farmer is answered as the text is screened",
    (Action.rephrase, S.blocked): "the farmer's own edit",
    (Action.submit, S.draft): "the farmer is answered at once; reviewers see it in their queue",
    (Action.cancel, S.draft): "only the farmer knew of a draft",
    (Action.cancel, S.blocked): "only the farmer knew of a blocked draft",
    (Action.cancel, S.pending_review): "no expert was invited yet; the farmer or the reviewer did it",
    (Action.repick, S.repick): "the farmer chose; the new expert hears once it is approved",
    (Action.cancel, S.repick): "no expert holds the request any more",
}


@dataclass(frozen=True)
class Facts:
    """What the notices of one event say, read once for all of them."""

    request_id: int
    farmer_name: str
    expert_name: str
    reason: str | None  # the event's reason, as recorded
    mode: ServiceMode | None  # the mode the step is about: the one delivered at completion
    chosen: ServiceMode | None  # the mode the farmer chose
    proposed: str | None  # another mode the expert recorded the service as
    fee_fen: int  # what was paid (completion, agreement), proposed, or held for the service
    stars: int | None
    proposal_event_id: int | None  # the proposal the farmer's answer buttons answer


@dataclass(frozen=True)
class Announcement:
    """An event's notices that hold, with the people and the facts they need."""

    notices: tuple[Notice, ...]
    facts: Facts
    request: ServiceRequest
    farmer: Farmer | None
    expert: Expert | None


def undone_by_a_cancel(request: ServiceRequest, event: RequestEvent) -> bool:
    """Whether what `event` made of the request was undone by a cancel since: a farmer's cancel that
    crossed a reviewer's approval (the CLI, another process) comes after it, both legal, and the
    farmer was answered "cancelled" at once. Announcing the approval now would leave them reading
    "✅ approved" last for a request that is cancelled, and send the expert a card for nothing.
    A cancelled request changes no more, so nothing announced before the cancel is still news."""
    return request.status is S.cancelled and event.action != Action.cancel


async def announcement(uow: UnitOfWork, event: RequestEvent, now: datetime) -> Announcement | None:
    """The notices `event` sends now, or None when it sends none."""
    request = await uow.session.get(ServiceRequest, event.request_id, populate_existing=True)
    if request is None or undone_by_a_cancel(request, event):
        return None
    notices = NOTICES.get((Action(event.action), S(event.from_status)), ()) if event.from_status else ()
    if not notices:
        return None
    farmer = await uow.session.get(Farmer, request.farmer_id)
    expert_id = request.expert_id or event.expert_id
    expert = await uow.session.get(Expert, expert_id) if expert_id else None
    facts = await _facts(uow, request, event, farmer, expert, now)
    holding = {when for when in {n.when for n in notices} if await _holds(uow, when, request, expert, facts)}
    held = [n for n in notices if n.when in holding]
    return Announcement(tuple(held), facts, request, farmer, expert) if held else None


async def _facts(
    uow: UnitOfWork,
    request: ServiceRequest,
    event: RequestEvent,
    farmer: Farmer | None,
    expert: Expert | None,
    now: datetime,
) -> Facts:
    action = event.action
    fee, mode, chosen, proposed = request.fee_fen or 0, request.service_mode, request.service_mode, None
    stars, proposal_event_id = None, None
    if action in (Action.complete, Action.agree_mode):
        fee, mode = await _captured(uow, request.id), request.delivered_mode
    elif action == Action.propose_mode:
        proposal = await mode_change.open_proposal(uow, request, now)
        if proposal is not None and proposal.event_id == event.id:  # not answered meanwhile
            fee, chosen, proposed = proposal.amount_fen, proposal.chosen, str(proposal.proposed)
            proposal_event_id = proposal.event_id
    elif action == Action.refuse_mode:
        proposed = event.reason
    elif action == Action.settle:
        stars = await uow.session.scalar(select(Rating.stars).where(Rating.request_id == request.id))
    return Facts(
        request_id=request.id,
        farmer_name=farmer.name if farmer else "",
        expert_name=expert.name if expert else "",
        reason=event.reason,
        mode=mode,
        chosen=chosen,
        proposed=proposed,
        fee_fen=fee,
        stars=stars,
        proposal_event_id=proposal_event_id,
    )


async def _holds(
    uow: UnitOfWork,
    when: When,
    request: ServiceRequest,
    expert: Expert | None,
    facts: Facts,
) -> bool:
    if when is When.always:
        return True
    if when in (When.offered, When.not_offered):
        offered = await offer_origin.offer_id_for(uow, request.id) is not None
        return offered is (when is When.offered)
    if when is When.invitation_reached:
        return await _invitation_reached(uow, expert, request.id)
    if when is When.proposal_open:
        return facts.proposal_event_id is not None
    if when is When.mode_chosen:
        return request.service_mode is not None
    return (facts.stars is not None) is (when is When.rated)


async def _invitation_reached(uow: UnitOfWork, expert: Expert | None, request_id: int) -> bool:
    """Whether the expert got the invitation card: a message of the request is linked in their chat."""
    if expert is None or expert.telegram_user_id is None:
        return False
    linked = select(MessageLink.id).where(
        MessageLink.chat_id == expert.telegram_user_id, MessageLink.request_id == request_id
    )
    return await uow.session.scalar(linked.limit(1)) is not None


async def _captured(uow: UnitOfWork, request_id: int) -> int:
    return int(
        await uow.session.scalar(
            select(Reimbursement.amount_fen).where(Reimbursement.request_id == request_id)
        )
        or 0
    )
