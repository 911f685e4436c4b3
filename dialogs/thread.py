"""The request's conversation: messages, photos, voice and files relayed both ways, screened, stored.

Where a message belongs is decided explicitly (see core.threads): a reply to a relayed message or a
message in a request's topic goes to that request; a person with exactly one conversation under way
is routed there; with several, the bot asks which one before anything is delivered.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.outbound import TelegramUnreachable
from bot.refusals import Refusals, message
from bot.relay import Content, lane, relay
from bot.turn import Turn
from core import threads
from core.binding import Identity
from core.errors import DomainError
from dialogs.common import screen_text
from dialogs.form_data import ChatData, read, write
from dialogs.intake import start_intake
from render.callbacks import ThreadPickCb
from render.i18n import Translator
from render.keyboards import button, column
from storage.enums import ActorKind, MessageKind
from storage.models import Expert, Farmer
from storage.uow import UnitOfWork

router = Router(name=__name__)
CONTENT = F.text | F.photo | F.voice | F.document | F.video | F.video_note | F.audio | F.location
MAX_HELD = 10
SWITCHER_SIZE = 12  # conversations offered by "which one is this for?"


def _may_belong_to_a_conversation(
    message: Message, farmer: Farmer | None, expert: Expert | None, identity: Identity | None = None
) -> bool:
    """Router-level: False exactly where `conversation_message` would skip without looking further.

    This router sits ahead of intake, and most farmers' messages are new problems from farmers with
    no conversation under way (the count comes with the identity): for those the handler need not
    be called only to raise SkipHandler. An expert is always let through (with nothing under way the
    expert is told so), and so is anything that replies to a message or sits in a topic (those are
    looked up).
    """
    if expert is not None:
        return True
    if farmer is None:
        return False
    return (
        identity is None
        or identity.farmer_conversations != 0  # None (not counted) or some: the handler finds out
        or message.reply_to_message is not None
        or message.message_thread_id is not None
    )


router.message.filter(_may_belong_to_a_conversation)


def _party(identity: Identity | None) -> tuple[ActorKind, int, str] | None:
    farmer, expert = (identity.farmer, identity.expert) if identity else (None, None)
    if expert is not None:
        return ActorKind.expert, expert.id, expert.name
    if farmer is not None:
        return ActorKind.farmer, farmer.id, farmer.name
    return None


async def _route(
    message: Message, uow: UnitOfWork, kind: ActorKind, person_id: int, under_way: int | None
) -> tuple[int | None, list[int]]:
    """(request id, candidates): a definite request, or the open conversations to choose from.

    `under_way`: how many conversations the person has, if already counted (core.binding.identify).
    """
    chat_id = message.chat.id
    if message.reply_to_message is not None:
        linked = await threads.request_for_reply(uow, chat_id, message.reply_to_message.message_id)
        if linked is not None:
            return linked, []
    if message.message_thread_id is not None:
        linked = await threads.request_for_topic(uow, chat_id, message.message_thread_id)
        if linked is not None:
            return linked, []
    if under_way == 0:
        return None, []
    open_now = await threads.open_conversations(uow, kind, person_id)
    if len(open_now) == 1:
        return open_now[0], []
    return None, open_now


CLOSED = Refusals((DomainError, message("thread.closed")))


async def deliver(
    turn: Turn, bot: Bot, party: tuple[ActorKind, int, str], request_id: int, content: Content
) -> bool:
    """Store and relay; whether it reached the other party (the person was told if not)."""
    message, deps, uow, t = turn.message, turn.deps, turn.uow, turn.t
    kind, person_id, name = party
    if content.text:
        screened = await screen_text(turn, content.text, context="thread", request_id=None)
        if screened is None:
            return False
        verdict = str(screened.verdict)
    else:
        verdict = "clean"
    # The conversation's lane is taken before the message is stored waiting for Telegram, so the
    # relay pump (which sends waiting messages) cannot take it up in between: a message goes from
    # here only when the lane is free and no earlier message waits (it must not overtake one);
    # otherwise the pump sends it, in order (bot.relay.lane).
    with lane(request_id, kind) as ours:
        try:
            stored, request = await threads.post(
                uow,
                request_id,
                kind,
                person_id,
                message_kind=content.kind,
                text=content.stored_text,
                file_id=content.file_id,
                screening_verdict=verdict,
                telegram_message_id=message.message_id,
            )
        except DomainError as error:
            await turn.refuse(error, CLOSED)
            return False
        if ours and not await threads.waiting_before(uow, stored):
            try:
                if await relay(bot, deps, uow, request, kind, name, content, stored=stored):
                    return True
                await threads.set_relay_pending(uow, stored, False)  # nobody to give it to: settled
                await message.answer(t("thread.not_reachable"))
                return False
            except TelegramUnreachable:
                pass  # still waiting, for the pump's next round
    await message.answer(t("thread.queued", id=request.id))
    return False


@router.message(StateFilter(None), CONTENT)
async def conversation_message(message: Message, bot: Bot, turn: Turn) -> None:
    t, uow, identity = turn.t, turn.uow, turn.identity
    party = _party(identity)
    if party is None:
        raise SkipHandler
    content = Content.of(message)
    if content is None:
        raise SkipHandler
    under_way = None
    if identity is not None:
        is_expert = party[0] is ActorKind.expert
        under_way = identity.expert_conversations if is_expert else identity.farmer_conversations
    request_id, candidates = await _route(message, uow, party[0], party[1], under_way)
    if request_id is not None:
        await deliver(turn, bot, party, request_id, content)
        return
    if not candidates:
        if party[0] is ActorKind.farmer:
            raise SkipHandler  # nothing under way: the farmer is describing a new problem
        await message.answer(t("thread.expert_nothing_open"))
        return
    # The newest few: a keyboard of dozens is unreadable on a phone (and Telegram takes at most 100
    # buttons). An older conversation is reached by replying to one of its messages.
    offered, unlisted = candidates[:SWITCHER_SIZE], len(candidates) - SWITCHER_SIZE
    labels = await threads.conversation_labels(uow, party[0], offered)
    question = (
        t("thread.which") if unlisted <= 0 else t("thread.which_more", shown=SWITCHER_SIZE, count=unlisted)
    )
    await message.answer(question, reply_markup=_switcher(t, party[0], labels, message.message_id))
    await _hold(turn.state, message.message_id, content)


class HeldPickCb(CallbackData, prefix="th"):
    """Where a held message goes. `held` is the id of the person's own message, so each question's
    buttons send exactly the message that question was about."""

    request_id: int  # 0: this is a new problem, not a message to an expert
    held: int


def _switcher(
    t: Translator, kind: ActorKind, candidates: list[threads.ConversationLabel], held: int
) -> InlineKeyboardMarkup:
    def pick(c: threads.ConversationLabel) -> InlineKeyboardButton:
        label = t("thread.pick_labelled", id=c.request_id, subject=c.subject, name=c.other_party)
        return button(label, HeldPickCb(request_id=c.request_id, held=held))

    picks = [pick(c) for c in candidates]
    if kind is ActorKind.farmer:  # or it is not for an expert at all, but a new problem
        picks.append(button(t("thread.new_problem"), HeldPickCb(request_id=0, held=held)))
    return column(picks)


async def _hold(state: FSMContext, held: int, content: Content) -> None:
    """Every message waiting for a choice is kept under its own id: an expert who writes twice
    before choosing must neither lose the first message nor send the second with the first
    question's button."""
    waiting = dict((await read(state, ChatData)).get("held") or {})
    waiting[str(held)] = content.as_dict()
    # Only the latest few: a question left unanswered for long is not worth keeping forever.
    await write(state, ChatData(held=dict(list(waiting.items())[-MAX_HELD:]), held_latest=held))


async def _release(state: FSMContext, held: int | None) -> Content | None:
    waiting = dict((await read(state, ChatData)).get("held") or {})
    found = waiting.pop(str(held), None)
    await write(state, ChatData(held=waiting))
    return Content.from_dict(found) if found is not None else None


@router.callback_query(HeldPickCb.filter())
@router.callback_query(ThreadPickCb.filter())
async def conversation_picked(
    query: CallbackQuery, callback_data: HeldPickCb | ThreadPickCb, bot: Bot, turn: Turn
) -> None:
    state, t = turn.state, turn.t
    # Buttons sent before questions named their message (ThreadPickCb) carry no id: they send the
    # latest one.
    held = (
        callback_data.held
        if isinstance(callback_data, HeldPickCb)
        else (await read(state, ChatData)).get("held_latest")
    )
    content = await _release(state, held)
    request_id = callback_data.request_id
    party = _party(turn.identity)
    if party is None or content is None:
        # Already sent (a second press) or too old: say so rather than leave the button silent.
        await query.answer(t("thread.pick_gone"), show_alert=True)
        return
    await query.answer()
    if request_id == 0 and turn.identity is not None and turn.identity.farmer is not None:
        if content.text:
            await start_intake(turn, content.text)
        return
    if await deliver(turn, bot, party, request_id, content):
        await turn.answer(t("thread.sent", id=request_id))


@router.edited_message(F.text | F.caption)
async def edited(message: Message, bot: Bot, turn: Turn) -> None:
    """A message of a conversation edited after it was relayed: the other party gets the new
    version, marked as an edit (Telegram cannot edit our copy for us, and the farmer would act on
    the first one: a corrected dose, say). Screened like any text; a refused edit is not relayed
    and the first version stands. Edits of anything else are not the threads' business."""
    t, uow, deps = turn.t, turn.uow, turn.deps
    party = _party(turn.identity)
    text = message.text or message.caption
    if party is None or not text:
        return
    screened = await screen_text(turn, text, context="thread")
    if screened is None:
        return
    kind, person_id, name = party
    revised = await threads.revise(
        uow, kind, person_id, message.message_id, text, screening_verdict=str(screened.verdict)
    )
    if revised is None:
        return
    _, request = revised
    content = Content(MessageKind.text, text)
    try:
        reached = await relay(bot, deps, uow, request, kind, name, content, header_key="thread.edited_header")
    except TelegramUnreachable:
        await message.answer(t("thread.edit_not_relayed"))
        return
    if not reached:
        await message.answer(t("thread.not_reachable"))
