"""Intake: the farmer writes freely; NLU pre-fills the form; the bot asks only for what is missing.

Every text is screened first. A blocked text is explained and kept for audit, and the farmer
rephrases; nothing blocked reaches a reviewer.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.deps import BotDeps
from bot.refusals import Refusals, message
from bot.turn import Turn
from core import requests
from core.actors import Actor
from core.description import is_describable
from core.errors import IllegalTransition, NotFound, NotPermitted
from core.queries import request_known
from core.reference import specialty_name, specialty_names
from dialogs.common import screen_text, screening_flags
from dialogs.expert_choice import show_suggestions
from dialogs.filters import IS_FARMER
from dialogs.form_data import HeldProblem, IntakeData, WaitingQuestionData, read, write
from dialogs.forms import close_form
from dialogs.intake_fields import fields_from_parse
from dialogs.specialty_confirm import remember_guess, specialty_question
from dialogs.states import IntakeForm
from dialogs.waiting_question import asked_about_waiting
from nlu.confidence import surely_out_of_domain
from nlu.interface import ParseResult
from nlu.non_answer import is_non_answer
from nlu.problem_text import is_problem_description
from nlu.small_talk import is_small_talk
from render.attachments import MEDIA, attachment, saved_key
from render.callbacks import IntakeCb, SpecialtyCb
from render.i18n import Translator
from render.keyboards import button, column, keyboard
from render.words import request_summary
from storage.models import ServiceRequest

router = Router(name=__name__)  # free text and media that start an intake: registered last
router_states = Router(name=__name__ + ".states")
for _router in (router, router_states):
    _router.message.filter(IS_FARMER)
    _router.callback_query.filter(IS_FARMER)

NON_PROBLEM_INTENTS = {"greet", "help", "check_balance", "my_requests", "advisories_on", "advisories_off"}


def _intake_buttons(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    def press(key: str, action: str) -> InlineKeyboardButton:
        return button(t(key), IntakeCb(request_id=request_id, action=action))

    return keyboard(
        [press("intake.confirm", "confirm")],
        [press("intake.edit", "edit"), press("intake.add_photos", "photos")],
        [press("intake.cancel", "cancel")],
    )


async def ask_next(turn: Turn, request_id: int, *, lead: str | None = None) -> None:
    """Ask for the first missing piece, or show the summary when nothing essential is missing.

    `lead` opens the same message: one reply to one message. Telegram limits a bot to about one
    message a second in a chat, and an acknowledgement sent apart would spend that on "got it".
    """
    message, state, t, uow = turn.message, turn.state, turn.t, turn.uow
    # Usually just written by this update, so the identity map answers without a query.
    request = await request_known(uow, request_id)
    if request is None:
        return

    async def reply(text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
        await message.answer(text if lead is None else f"{lead}\n{text}", reply_markup=reply_markup)

    await write(state, IntakeData(request_id=request_id))
    form = await read(state, IntakeData)  # one read: with Redis, each is a round trip
    if not is_describable(request.description):  # none yet, or a caption like "？"
        await state.set_state(IntakeForm.description)
        await reply(t("intake.ask_description"))
    elif request.specialty_code is None:
        names = await specialty_names(uow, t.short)
        question, buttons = specialty_question(t, request_id, names, form.get("specialty_guess"))
        await reply(question, reply_markup=buttons)
    elif not request.subject and form.get("subject_left_open") != request_id:
        await state.set_state(IntakeForm.subject)
        await reply(t("intake.ask_subject"))
    elif not form.get("media_asked"):
        await write(state, IntakeData(media_asked=True))
        await state.set_state(IntakeForm.media)
        done = IntakeCb(request_id=request_id, action="media_done")
        await reply(t("intake.ask_media"), reply_markup=keyboard([button(t("intake.media_done"), done)]))
    else:
        await state.set_state(IntakeForm.confirm)
        name = await specialty_name(uow, request.specialty_code, t.short)
        await reply(request_summary(t, request, name), reply_markup=_intake_buttons(t, request_id))


async def start_intake(turn: Turn, text: str, *, waiting_checked: bool = False) -> None:
    """A new problem from free text. `waiting_checked`: the farmer already said it is new, though a
    request of theirs is waiting (dialogs.waiting_question)."""
    message, t, deps = turn.message, turn.t, turn.deps
    screened = await screen_text(turn, text, context="problem")
    if screened is None:
        return
    parsed = await deps.nlu.parse(text)
    if parsed.intent.name in NON_PROBLEM_INTENTS and parsed.specialty.code is None:
        await message.answer(t(f"intent.{parsed.intent.name}"))
        return
    if is_small_talk(parsed) or is_non_answer(parsed):  # "谢谢", "不知道": nothing to ask an expert
        await message.answer(t("intent.not_a_problem"))
        return
    fields = fields_from_parse(parsed)
    # Asked first: with a request waiting, "补充一下，昨天又下了一场雨" reads as weather talk but is news
    # for the expert; the farmer says whether it is, and "new" comes back here with waiting_checked.
    if not waiting_checked and await asked_about_waiting(turn, text, subject=fields.get("subject")):
        return
    if surely_out_of_domain(parsed):  # weather, phone credit, a joke: what the bot is for, no request
        await message.answer(t("intent.out_of_scope"))
        return
    await close_form(turn.state)
    draft = await requests.create_draft(
        turn.uow, turn.farmer.id, description=text, screening=screening_flags(screened), **fields
    )
    await remember_guess(turn.state, draft.id, parsed)
    await ask_next(turn, draft.id, lead=t("intake.received"))


# The form's request may have been submitted or cancelled meanwhile, from another screen or an old
# button: then the form closes and the farmer is told, rather than "something went wrong".
DRAFT_GONE = Refusals(((IllegalTransition, NotFound, NotPermitted), message("intake.draft_gone")))


async def _editable(turn: Turn, request_id: int) -> ServiceRequest | None:
    """The form's draft, locked until this update commits (the photos of an album arrive at once,
    and each must be added to the others); None, the farmer told and the form closed, when it is no
    longer a draft."""
    try:
        return await requests.editable_draft(turn.uow, request_id, turn.farmer.id)
    except DRAFT_GONE.errors as error:
        await close_form(turn.state)
        await turn.refuse(error, DRAFT_GONE, id=request_id)
        return None


async def _edit_draft(turn: Turn, request_id: int, **fields: Any) -> bool:
    """`requests.update_draft`; False when it is no longer a draft (see `_editable`)."""
    if await _editable(turn, request_id) is None:
        return False
    await requests.update_draft(turn.uow, request_id, turn.farmer.id, **fields)
    return True


async def _photo_into_draft(turn: Turn, request_id: int, item: str) -> bool:
    request = await _editable(turn, request_id)
    if request is None:
        return False
    photos = [*request.photo_file_ids, item]
    await requests.update_draft(turn.uow, request_id, turn.farmer.id, photo_file_ids=photos)
    return True


@router_states.message(F.text, lambda m, deps: m.text in deps.catalog.all_variants("menu.describe"))
async def describe_button(message: Message, turn: Turn) -> None:
    # Ahead of the form's handlers: at "what crop?" the button's own text was taken as the crop.
    await close_form(turn.state)
    await turn.state.set_state(IntakeForm.description)
    await message.answer(turn.t("intake.ask_description"))


@router_states.message(StateFilter(*IntakeForm.__all_states__), MEDIA)
async def media_received(message: Message, turn: Turn) -> None:
    state, t, uow = turn.state, turn.t, turn.uow
    request_id = (await read(state, IntakeData)).get("request_id")
    item = attachment(message)
    if request_id is None or item is None:
        return
    if not await _photo_into_draft(turn, request_id, item):
        return
    if message.caption:
        request = await requests.load_request(uow, request_id, lock=False)
        described = f"{request.description}\n{message.caption}".strip()
        if not await _edit_draft(turn, request_id, description=described):
            return
    # An album arrives as one message per photo: acknowledge the album once.
    acknowledged = (await read(state, IntakeData)).get("album")
    if message.media_group_id is None or message.media_group_id != acknowledged:
        await write(state, IntakeData(album=message.media_group_id))
        await message.answer(t(saved_key(message)))


@router_states.message(StateFilter(*IntakeForm.__all_states__), F.location)
async def location_received(message: Message, turn: Turn) -> None:
    request_id = (await read(turn.state, IntakeData)).get("request_id")
    assert message.location is not None
    if request_id is None:
        return
    where = {"latitude": message.location.latitude, "longitude": message.location.longitude}
    if await _edit_draft(turn, request_id, **where):
        await message.answer(turn.t("intake.location_saved"))


@router_states.message(IntakeForm.subject, F.text)
async def subject_received(message: Message, turn: Turn) -> None:
    assert message.text is not None
    state, t, deps = turn.state, turn.t, turn.deps
    data = await read(state, IntakeData)
    request_id = data.get("request_id")
    if request_id is None:  # the form was cleared meanwhile (e.g. /menu): treat as a new problem
        await start_intake(turn, message.text)
        return
    if await screen_text(turn, message.text, context="problem", request_id=request_id) is None:
        return
    parsed = await deps.nlu.parse(message.text)
    if is_non_answer(parsed):  # "不知道", "问专家": nothing is filed, the expert will ask
        await write(state, IntakeData(subject_left_open=request_id))
        await ask_next(turn, request_id, lead=t("intake.left_open"))
        return
    if is_small_talk(parsed):  # "好的", "😀": no crop or animal in it, ask again
        await message.answer(t("intake.ask_subject_again"))
        return
    # "今天天气咋样" (surely no farming, no crop or animal named): asked again, once; a crop the NLU
    # does not know (锁阳) is read the same way, so the second answer is filed as written
    surely_not_a_subject = surely_out_of_domain(parsed) and not fields_from_parse(parsed).get("subject")
    if surely_not_a_subject and data.get("subject_asked_again") != request_id:
        await write(state, IntakeData(subject_asked_again=request_id))
        await message.answer(t("intake.ask_subject_again"))
        return
    if is_problem_description(parsed):  # a new problem, or a long answer: the farmer says which
        await write(state, IntakeData(held_problem=HeldProblem(request_id=request_id, text=message.text)))
        await message.answer(t("intake.new_or_answer"), reply_markup=_held_buttons(t, request_id, parsed))
        return
    await _file_subject(turn, request_id, parsed)


async def _file_subject(turn: Turn, request_id: int, parsed: ParseResult) -> None:
    # "我种的是葵花，第一年种" names 向日葵: the canonical name is what experts are matched on
    subject = fields_from_parse(parsed).get("subject") or parsed.text.strip()[:64]
    if await _edit_draft(turn, request_id, subject=subject):
        await ask_next(turn, request_id)


def _held_buttons(t: Translator, request_id: int, parsed: ParseResult) -> InlineKeyboardMarkup:
    subject = fields_from_parse(parsed).get("subject")
    answer = t("intake.held_answer", subject=subject) if subject else t("intake.held_answer_plain")
    return column(
        [
            button(t("intake.held_new"), IntakeCb(request_id=request_id, action="held_new")),
            button(answer, IntakeCb(request_id=request_id, action="held_answer")),
        ]
    )


async def _says_none(message: Message, deps: BotDeps) -> bool:
    return message.text is not None and is_non_answer(await deps.nlu.parse(message.text))


# Only a non-answer: any other text at "send photos" goes where it went before (a new problem, or
# the conversation of a request in service).
@router_states.message(IntakeForm.media, F.text, _says_none)
async def no_more_media(message: Message, turn: Turn) -> None:
    """At "send photos", "没有" or "没了" means done: on to the summary."""
    request_id = (await read(turn.state, IntakeData)).get("request_id")
    if request_id is not None and await _editable(turn, request_id) is not None:
        await ask_next(turn, request_id)


@router_states.message(IntakeForm.description, F.text)
async def description_received(message: Message, turn: Turn) -> None:
    assert message.text is not None
    state, t, uow, deps = turn.state, turn.t, turn.uow, turn.deps
    request_id = (await read(state, IntakeData)).get("request_id")
    if is_describable(message.text) and is_non_answer(await deps.nlu.parse(message.text)):
        await message.answer(t("intake.describe_in_words"))  # "不知道" describes nothing
        return
    if request_id is None and is_describable(message.text):
        # The farmer pressed "describe a problem" and is writing it now.
        await start_intake(turn, message.text)
        return
    screened = await screen_text(turn, message.text, context="problem", request_id=request_id)
    if screened is None:
        return
    if not is_describable(message.text):  # "？", "。。。": nothing is drafted or changed; the form stays
        await message.answer(t("intake.describe_in_words"))
        return
    assert request_id is not None
    parsed = await deps.nlu.parse(message.text)
    request = await requests.load_request(uow, request_id, lock=False)
    known = {k: v for k, v in fields_from_parse(parsed).items() if v is not None and not getattr(request, k)}
    described = {"description": message.text, "screening": screening_flags(screened), **known}
    if await _edit_draft(turn, request_id, **described):
        await remember_guess(state, request_id, parsed)
        await ask_next(turn, request_id)


@router_states.callback_query(SpecialtyCb.filter())
async def specialty_chosen(query: CallbackQuery, callback_data: SpecialtyCb, turn: Turn) -> None:
    await query.answer()
    request_id = callback_data.request_id
    if await _edit_draft(turn, request_id, specialty_code=callback_data.code):
        await ask_next(turn, request_id)


@router_states.callback_query(IntakeCb.filter())
async def intake_button(query: CallbackQuery, callback_data: IntakeCb, turn: Turn) -> None:
    await query.answer()
    state, t = turn.state, turn.t
    request_id = callback_data.request_id
    if callback_data.action in ("held_new", "held_answer"):
        await _held_answered(turn, request_id, callback_data.action)
        return
    # An old intake button of a request submitted (or cancelled) since: cancelling a submitted request
    # is done from its card, where it is confirmed.
    if await _editable(turn, request_id) is None:
        return
    if callback_data.action == "media_done":
        await ask_next(turn, request_id)
    elif callback_data.action == "photos":
        await write(state, IntakeData(request_id=request_id, media_asked=False))
        await ask_next(turn, request_id)
    elif callback_data.action == "edit":
        await write(state, IntakeData(request_id=request_id))
        await state.set_state(IntakeForm.description)
        await turn.answer(t("intake.ask_description"))
    elif callback_data.action == "cancel":
        farmer = Actor.farmer(turn.farmer.id)
        await requests.cancel(turn.uow, request_id, farmer, reason="cancelled at intake")
        await close_form(state)
        await turn.answer(t("intake.cancelled"))
    elif callback_data.action == "confirm":
        await close_form(state)
        await show_suggestions(turn, request_id)


async def _held_answered(turn: Turn, request_id: int, action: str) -> None:
    """The farmer said what the text written at the crop question was: a new problem (the draft
    stays, to finish from 我的请求) or the answer after all."""
    message, state, t = turn.message, turn.state, turn.t
    held = (await read(state, IntakeData)).get("held_problem")
    if not held or held["request_id"] != request_id:
        await message.answer(t("button.gone"))
        return
    await write(state, IntakeData(held_problem=None))
    text = str(held["text"])
    if action == "held_new":
        await message.answer(t("intake.held_as_new", id=request_id))
        await start_intake(turn, text)
    elif await _editable(turn, request_id) is not None:
        await _file_subject(turn, request_id, await turn.deps.nlu.parse(text))


@router.message(F.text)
async def free_text(message: Message, turn: Turn) -> None:
    assert message.text is not None
    if message.text.startswith("/"):
        await message.answer(turn.t("intake.unknown_command"))
        return
    await start_intake(turn, message.text)


@router.message(MEDIA)
async def media_first(message: Message, turn: Turn) -> None:
    """A photo, voice note or video without a running intake: offered to a request that waits, as
    a text is, or it starts an intake and the farmer is asked to describe it."""
    state, deps = turn.state, turn.deps
    caption = (message.caption or "").strip()
    if caption and await screen_text(turn, caption, context="problem") is None:
        return
    item = attachment(message)
    items = (item,) if item else ()
    held = (await read(state, WaitingQuestionData)).get("waiting_held")
    if message.media_group_id is not None and held and held.get("album") == message.media_group_id:
        # The rest of an album whose first photo is being asked about: held with it, asked once.
        held["attachments"] = [*held.get("attachments", []), *items]
        await write(state, WaitingQuestionData(waiting_held=held))
        return
    subject = fields_from_parse(await deps.nlu.parse(caption)).get("subject") if caption else None
    if await asked_about_waiting(turn, caption, subject=subject, attachments=items, saved=saved_key(message)):
        if message.media_group_id is not None:
            asked = (await read(state, WaitingQuestionData)).get("waiting_held")
            if asked is not None:  # just written by the question
                await write(
                    state, WaitingQuestionData(waiting_held={**asked, "album": message.media_group_id})
                )
        return
    await start_from_media(turn, caption, items, saved_key(message))
    await write(state, IntakeData(album=message.media_group_id))


async def start_from_media(turn: Turn, caption: str, items: tuple[str, ...], saved: str) -> None:
    """A new draft from attachments and their caption (screened already); the farmer is asked for
    what is missing, the acknowledgement `saved` leading."""
    parsed = await turn.deps.nlu.parse(caption) if caption else None
    parsed_fields = fields_from_parse(parsed) if parsed else {}
    draft = await requests.create_draft(turn.uow, turn.farmer.id, description=caption, **parsed_fields)
    for item in items:
        await _photo_into_draft(turn, draft.id, item)
    await close_form(turn.state)
    await write(turn.state, IntakeData(request_id=draft.id, media_asked=True))
    if parsed:
        await remember_guess(turn.state, draft.id, parsed)
    await ask_next(turn, draft.id, lead=turn.t(saved))
