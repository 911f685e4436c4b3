"""The expert's side: answer invitations, see the queue, complete a service, yearly figures, advisories."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.edits import show
from bot.refusals import Refusals, message, too_long_or
from bot.turn import Turn
from core import advisories, mode_change, requests, threads
from core.errors import DomainError, InvalidInput
from core.evidence import Evidence
from core.queries import expert_year
from dialogs.common import evidence_text, screen_text, screening_flags
from dialogs.filters import IS_EXPERT
from dialogs.form_data import AdvisoryData, CompletionData, read, write
from dialogs.forms import close_form
from dialogs.invitation import NOT_OPEN
from dialogs.queue_page import queue_page
from dialogs.states import AdvisoryForm, CompletionForm
from dialogs.team import team_keyboard
from render.callbacks import AdvisoryCb, CompleteCb, InviteCb, QueuePageCb, SkipCb
from render.i18n import Safe, Translator
from render.keyboards import button, column, keyboard
from render.words import yuan
from storage.enums import AdvisoryCategory, RequestStatus, ServiceMode
from storage.uow import UnitOfWork

router = Router(name=__name__)
router.message.filter(IS_EXPERT)
router.callback_query.filter(IS_EXPERT)
# The form stays at its question: the expert shortens and sends again.
EVIDENCE_AGAIN = Refusals((InvalidInput, message(too_long_or("complete.ask_evidence"))))
BODY_AGAIN = Refusals((InvalidInput, message(too_long_or("advisory.ask_body"))))


def _subject_too_long(t: Translator, error: InvalidInput) -> str:
    shown = str(error.details["subject"])[:10]
    return t("advisory.subject_too_long", subject=shown, limit=error.details["limit"])


SUBJECTS_AGAIN = Refusals((InvalidInput, message(_subject_too_long)))


async def _not_completed(
    t: Translator, _error: DomainError, *, uow: UnitOfWork, id: int, expert_id: int
) -> str:
    status = await threads.status_for_expert(uow, id, expert_id)
    done = status in (RequestStatus.completed, RequestStatus.settled)
    return t("invite.already_completed", id=id) if done else t("complete.not_possible")


NOT_COMPLETED = Refusals(
    (InvalidInput, message("complete.ask_evidence")),  # on site: the evidence is still missing
    (DomainError, message(_not_completed)),
)


@router.callback_query(InviteCb.filter(F.action == "accept"))  # Decline: dialogs.decline
async def invitation_accepted(query: CallbackQuery, callback_data: InviteCb, turn: Turn) -> None:
    t, uow, deps, expert = turn.t, turn.uow, turn.deps, turn.expert
    try:
        await requests.accept(uow, callback_data.request_id, expert.id, now=deps.clock())
    except NOT_OPEN.errors as error:
        await turn.refuse(error, NOT_OPEN, query, uow=uow, id=callback_data.request_id, expert_id=expert.id)
        return
    await query.answer()
    await turn.answer(t("invite.accepted", id=callback_data.request_id))


@router.message(F.text, lambda m, deps: m.text in deps.catalog.all_variants("menu.queue"))
async def queue(message: Message, turn: Turn) -> None:
    t = turn.t
    await close_form(turn.state)  # opens something else: see dialogs.forms
    screen = await queue_page(t, turn.uow, turn.expert, 0)
    if screen is None:
        await message.answer(t("queue.none"))
        return
    text, keyboard = screen
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(QueuePageCb.filter())
async def queue_turned(query: CallbackQuery, callback_data: QueuePageCb, turn: Turn) -> None:
    await query.answer()
    screen = await queue_page(turn.t, turn.uow, turn.expert, callback_data.page)
    if screen is None:
        await show(turn.message, turn.t("queue.none"))
        return
    await show(turn.message, *screen)


@router.callback_query(CompleteCb.filter())
async def completion(query: CallbackQuery, callback_data: CompleteCb, turn: Turn) -> None:
    state, t = turn.state, turn.t
    await query.answer()
    if not callback_data.mode:
        modes = column(
            button(t(f"mode.{mode}"), CompleteCb(request_id=callback_data.request_id, mode=mode.value))
            for mode in ServiceMode
        )
        await turn.answer(
            t("complete.which_mode", id=callback_data.request_id),
            reply_markup=modes,
        )
        return
    if callback_data.mode not in set(ServiceMode):
        return
    mode = ServiceMode(callback_data.mode)
    if mode in requests.ON_SITE:
        await state.set_state(CompletionForm.evidence)
        await write(state, CompletionData(request_id=callback_data.request_id, mode=mode.value))
        await turn.answer(t("complete.ask_evidence"), reply_markup=_evidence_cancel(t))
        return
    await _complete(turn, callback_data.request_id, mode, None)


async def _complete(turn: Turn, request_id: int, mode: ServiceMode, evidence: Evidence | None) -> None:
    message, t, uow, deps, expert = turn.message, turn.t, turn.uow, turn.deps, turn.expert
    try:
        credited = await mode_change.finish(
            uow, request_id, expert.id, delivered_mode=mode, evidence=evidence, now=deps.clock()
        )
    except DomainError as error:
        await turn.refuse(error, NOT_COMPLETED, uow=uow, id=request_id, expert_id=expert.id)
        return
    if isinstance(credited, mode_change.Proposal):  # another mode than the farmer's: asked first
        await message.answer(
            t(
                "complete.asked_farmer",
                id=request_id,
                proposed=t(f"mode.{credited.proposed}"),
                chosen=t(f"mode.{credited.chosen}"),
            )
        )
        return
    reply = t("complete.done", id=request_id, fee=yuan(credited.amount_fen))
    if evidence is not None:
        reply = Safe(f"{reply}\n{t('complete.evidence', evidence=evidence_text(t, evidence))}")
    await message.answer(reply)


@router.message(CompletionForm.evidence, F.location | F.photo)
async def evidence_received(message: Message, turn: Turn) -> None:
    state = turn.state
    data = await read(state, CompletionData)
    if message.location is not None:
        evidence = Evidence.location(message.location.latitude, message.location.longitude)
    else:
        assert message.photo
        try:  # what the expert wrote on the photo is kept with it
            evidence = Evidence.photo(message.photo[-1].file_id, message.caption)
        except InvalidInput as error:  # the question stays open: shorten and send again
            await turn.refuse(error, EVIDENCE_AGAIN)
            return
        if evidence.note and await screen_text(turn, evidence.note, context="evidence") is None:
            return  # blocked: explained; the question stays open
    await close_form(state)
    await _complete(turn, data["request_id"], ServiceMode(data["mode"]), evidence)


@router.message(F.text, lambda m, deps: m.text in deps.catalog.all_variants("menu.stats"))
async def stats(message: Message, turn: Turn) -> None:
    t, uow, deps, expert = turn.t, turn.uow, turn.deps, turn.expert
    year = await expert_year(uow, expert.id, deps.clock())
    rating = (
        f"{year.rating_avg:.1f} ({year.rating_count})" if year.rating_avg is not None else t("card.no_rating")
    )
    await message.answer(
        t(
            "stats.body",
            services=year.services,
            minimum=year.minimum,
            rating=rating,
            earned=yuan(year.earned_fen),
        ),
        reply_markup=team_keyboard(t) if expert.is_leader else None,
    )


@router.message(F.text, lambda m, deps: m.text in deps.catalog.all_variants("menu.publish"))
async def publish_start(message: Message, turn: Turn) -> None:
    t = turn.t
    await close_form(turn.state)  # opens something else: see dialogs.forms
    categories = column(button(t(f"advisory.{c}"), AdvisoryCb(category=c.value)) for c in AdvisoryCategory)
    await message.answer(t("advisory.choose"), reply_markup=categories)


@router.callback_query(AdvisoryCb.filter())
async def publish_category(query: CallbackQuery, callback_data: AdvisoryCb, turn: Turn) -> None:
    await query.answer()
    if callback_data.category not in set(AdvisoryCategory):
        return
    await turn.state.set_state(AdvisoryForm.body)
    await write(turn.state, AdvisoryData(category=callback_data.category))
    await turn.answer(turn.t("advisory.ask_body"), reply_markup=_advisory_cancel(turn.t))


@router.message(AdvisoryForm.body, F.text)
async def publish_body(message: Message, turn: Turn) -> None:
    assert message.text is not None
    state, t = turn.state, turn.t
    try:
        advisories.check_body(message.text)
    except InvalidInput as error:  # the form stays at the body: shorten and send again
        await turn.refuse(error, BODY_AGAIN)
        return
    screened = await screen_text(turn, message.text, context="advisory")
    if screened is None:
        return
    await write(state, AdvisoryData(body=message.text, body_screening=screening_flags(screened)))
    await state.set_state(AdvisoryForm.subjects)
    await message.answer(t("advisory.ask_subjects"), reply_markup=_all_subjects(t))


def _all_subjects(t: Translator) -> InlineKeyboardMarkup:
    everyone = button(t("advisory.all_subjects"), SkipCb(what="subjects"))
    return keyboard([everyone], *_advisory_cancel(t).inline_keyboard)


def _advisory_cancel(t: Translator) -> InlineKeyboardMarkup:
    """A way out of the advisory form without /start or the menu: an expert who pressed 📢 by
    mistake had their next words to a farmer taken as an advisory and submitted for review."""
    return keyboard([button(t("advisory.cancel"), SkipCb(what="advisory"))])


@router.callback_query(SkipCb.filter(F.what == "advisory"), StateFilter(AdvisoryForm))
async def publish_cancelled(query: CallbackQuery, turn: Turn) -> None:
    await query.answer()
    await close_form(turn.state)
    await turn.answer(turn.t("advisory.cancelled"))


@router.message(AdvisoryForm.body)
async def publish_body_not_text(message: Message, turn: Turn) -> None:
    """A photo or voice note cannot be an advisory's body (farmers receive text); say so instead of
    the generic 'not understood'."""
    await message.answer(turn.t("advisory.body_as_text"), reply_markup=_advisory_cancel(turn.t))


async def _publish(
    turn: Turn, subjects: list[str], subjects_screening: dict[str, object] | None = None
) -> None:
    data = await read(turn.state, AdvisoryData)
    await close_form(turn.state)
    advisory = await advisories.submit_advisory(
        turn.uow,
        turn.expert.id,
        category=AdvisoryCategory(data["category"]),
        body=data["body"],
        target_subjects=subjects,
        # The reviewer sees what screening flagged (core.advisory_review), as for a farmer's request.
        screening={"body": data.get("body_screening"), "subjects": subjects_screening},
    )
    await turn.answer(turn.t("advisory.submitted", id=advisory.id))


@router.message(AdvisoryForm.subjects, F.text)
async def publish_subjects(message: Message, turn: Turn) -> None:
    assert message.text is not None
    try:
        subjects = advisories.parse_subjects(message.text)
    except InvalidInput as error:  # the form stays at this question
        await turn.refuse(error, SUBJECTS_AGAIN)
        return
    # The names are printed in every farmer's copy, so they are screened like the body.
    screened = await screen_text(turn, message.text, context="advisory")
    if screened is None:
        return
    await _publish(turn, subjects, screening_flags(screened))


@router.message(AdvisoryForm.subjects)
async def publish_subjects_not_text(message: Message, turn: Turn) -> None:
    await message.answer(turn.t("advisory.ask_subjects"), reply_markup=_all_subjects(turn.t))


@router.callback_query(SkipCb.filter(F.what == "subjects"), AdvisoryForm.subjects)
async def publish_all_subjects(query: CallbackQuery, turn: Turn) -> None:
    await query.answer()
    await _publish(turn, [])


@router.callback_query(SkipCb.filter(F.what.in_({"subjects", "advisory"})))
async def advisory_button_gone(query: CallbackQuery, turn: Turn) -> None:
    """适用于全部 or 取消发布 after the advisory was submitted or cancelled: say so, and how to start."""
    await query.answer(turn.t("advisory.gone"), show_alert=True)


def _evidence_cancel(t: Translator) -> InlineKeyboardMarkup:
    """A way out of the evidence question: an expert who chose on-site by mistake, or who first
    needs to write to the farmer, was held there until they sent a location or a photo."""
    return keyboard([button(t("complete.cancel"), SkipCb(what="evidence"))])


@router.callback_query(SkipCb.filter(F.what == "evidence"), CompletionForm.evidence)
async def evidence_cancelled(query: CallbackQuery, turn: Turn) -> None:
    await query.answer()
    request_id = (await read(turn.state, CompletionData)).get("request_id")
    await close_form(turn.state)
    await turn.answer(turn.t("complete.cancelled", id=request_id))


@router.callback_query(SkipCb.filter(F.what == "evidence"))
async def evidence_cancel_gone(query: CallbackQuery, turn: Turn) -> None:
    await query.answer(turn.t("complete.evidence_gone"), show_alert=True)


# Last of the message handlers: while the evidence is awaited, the menu buttons above still work
# (📊 answers and the question stays open; 📋 and 📢 close it).
@router.message(CompletionForm.evidence)
async def evidence_missing(message: Message, turn: Turn) -> None:
    await message.answer(turn.t("complete.ask_evidence"), reply_markup=_evidence_cancel(turn.t))
