"""My requests: status, history and the conversation; cancel before service, complain, rate."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.edits import show
from bot.refusals import Refusals, alert
from bot.turn import Turn
from core import lifecycle, mode_change, requests, threads
from core.actors import Actor
from core.budget import LOCAL_TZ
from core.errors import DomainError
from core.evidence import Evidence
from core.queries import farmer_requests, latest_draft
from dialogs.common import evidence_text, status_label
from dialogs.filters import IS_FARMER
from dialogs.fitting import fitted, shortened
from dialogs.form_data import IntakeData, RequestFormData, write
from dialogs.forms import close_form
from dialogs.intake import ask_next
from dialogs.states import ComplaintForm
from render.callbacks import ExpertCb, RequestCb
from render.i18n import Safe, Translator
from render.keyboards import button, column, keyboard
from render.notices import rating_keyboard
from render.words import decline_reason, yuan
from storage.enums import ActorKind, MessageKind, RequestStatus
from storage.models import RequestEvent

router = Router(name=__name__)
router.message.filter(IS_FARMER)
router.callback_query.filter(IS_FARMER)


@router.message(Command("requests"))
@router.message(F.text, lambda m, deps: m.text in deps.catalog.all_variants("menu.my_requests"))
async def list_requests(message: Message, turn: Turn) -> None:
    state, t, uow, farmer = turn.state, turn.t, turn.uow, turn.farmer
    await close_form(state)  # the farmer went elsewhere; a half-filled draft waits in the list below
    mine = await farmer_requests(uow, farmer.id)
    draft = await latest_draft(uow, farmer.id)
    if not mine and draft is None:
        await message.answer(t("requests.none"))
        return
    rows = []
    if draft is not None:  # first: it is what the farmer was last doing
        resume = RequestCb(request_id=draft.id, action="resume")
        rows.append(button(t("requests.resume", id=draft.id, subject=draft.subject or ""), resume))
    rows += [
        button(f"#{r.id} {r.subject or ''} · {status_label(t, r)}", RequestCb(request_id=r.id, action="open"))
        for r in mine
    ]
    await message.answer(t("requests.title"), reply_markup=column(rows))


async def _card(turn: Turn, request_id: int) -> None:
    message, t, uow, farmer = turn.message, turn.t, turn.uow, turn.farmer
    request = await threads.ensure_party(uow, request_id, ActorKind.farmer, farmer.id)
    events = await requests.history(uow, request_id)
    said = await threads.conversation(uow, request_id, limit=10)
    head = t(
        "requests.card",
        id=request.id,
        status=status_label(t, request),
        subject=request.subject or "",
        description=shortened(request.description),
        fee=yuan(request.fee_fen),
    )
    history = [
        t(
            "requests.event",
            at=e.at.astimezone(LOCAL_TZ).strftime("%m-%d %H:%M"),  # stored in UTC
            status=t(f"status.{e.to_status}"),
            reason=_event_reason(t, e),
        )
        for e in events
    ]
    conversation = [
        t(
            "requests.said",
            who=t(f"who.{m.sender_kind}"),
            # A location's text is its coordinates, kept to relay it again: the card names it.
            text=shortened(m.text) if m.text and m.kind is not MessageKind.location else t(f"kind.{m.kind}"),
        )
        for m in said
    ]
    # Both lists grow with the request; the card must still fit one message (dialogs.fitting).
    card = fitted(head, [(None, history), (t("requests.conversation"), conversation)])
    buttons = []
    if request.status is RequestStatus.repick:
        # The push that asked to choose again may be far up the chat, or gone with another device;
        # first, above Cancel, as what the farmer most likely came for.
        buttons.append(button(t("push.choose_again"), ExpertCb(request_id=request_id, action="suggest")))
    if request.status in lifecycle.CANCELLABLE:
        buttons.append(button(t("requests.cancel"), RequestCb(request_id=request_id, action="cancel")))
    if request.status is not RequestStatus.draft:
        buttons.append(button(t("requests.complain"), RequestCb(request_id=request_id, action="complain")))
    markup = column(buttons) if buttons else None
    await message.answer(card, reply_markup=markup)
    if request.status is RequestStatus.completed:
        await message.answer(t("rating.ask", id=request_id), reply_markup=rating_keyboard(request_id))


MODE_ANSWERS = {str(action) for action in mode_change.ANSWERS}


def _event_reason(t: Translator, event: RequestEvent) -> str:
    """What the farmer should read in the history: why it was rejected or declined, and the evidence
    of an on-site visit."""
    if event.action == "reject" and event.reason:
        return f" ({event.reason})"
    if event.action == "decline" and event.reason:
        return f" ({decline_reason(t, event.reason)})"
    if event.action in MODE_ANSWERS and (proposed := mode_change.read(event.reason)) is not None:
        return f" ({t(f'history.{event.action}', mode=t(f'mode.{proposed[0]}'))})"
    if event.action == "complete" and (evidence := Evidence.from_record(event.reason)) is not None:
        return Safe(f" ({evidence_text(t, evidence)})")  # the visit's photo or place, with the note
    return ""


def _cancel_confirmation(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    def press(key: str, action: str) -> InlineKeyboardButton:
        return button(t(key), RequestCb(request_id=request_id, action=action))

    return keyboard([press("requests.cancel_yes", "cancel_yes"), press("requests.cancel_no", "cancel_no")])


@router.callback_query(RequestCb.filter())
async def request_button(query: CallbackQuery, callback_data: RequestCb, turn: Turn) -> None:
    state, t, uow, farmer = turn.state, turn.t, turn.uow, turn.farmer
    request_id = callback_data.request_id
    try:
        if callback_data.action == "open":
            await _card(turn, request_id)
        elif callback_data.action == "cancel":
            # Asked first: one press could not be undone, and it sits among the card's buttons.
            await turn.answer(
                t("requests.cancel_confirm", id=request_id), reply_markup=_cancel_confirmation(t, request_id)
            )
        elif callback_data.action == "cancel_yes":
            await requests.cancel(uow, request_id, Actor.farmer(farmer.id), reason="cancelled by the farmer")
            await show(turn.message, t("requests.cancelled", id=request_id))
        elif callback_data.action == "cancel_no":
            await show(turn.message, t("requests.cancel_kept", id=request_id))
        elif callback_data.action == "resume":
            await requests.own_draft(uow, request_id, farmer.id)
            await close_form(state)
            # Photos may already be in: go to what is missing, or straight to the summary.
            await write(state, IntakeData(media_asked=True))
            await ask_next(turn, request_id)
        elif callback_data.action == "complain":
            await threads.ensure_party(uow, request_id, ActorKind.farmer, farmer.id)
            await state.set_state(ComplaintForm.text)
            await write(state, RequestFormData(request_id=request_id))
            await turn.answer(t("complaint.ask"))
    except DomainError as error:
        await turn.refuse(error, REFUSED, query, request_id=request_id)
        return
    await query.answer()


def _not_possible(t: Translator, error: DomainError, request_id: int) -> str:
    """Why a press did nothing. When the request moved meanwhile (the expert accepted as the farmer
    cancelled, the reviewer decided), where it stands now: the farmer's screen still shows before."""
    status = error.details.get("status") if isinstance(error, lifecycle.IllegalTransition) else None
    if status in set(RequestStatus):
        return t("requests.not_possible_now", id=request_id, status=t(f"status.{status}"))
    return t("requests.not_possible")


REFUSED = Refusals((DomainError, alert(_not_possible)))
