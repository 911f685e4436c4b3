"""The specialty question of the intake (issue 19): asked only when the NLU is unsure of it.

A sure guess goes on the draft at once and nobody is asked. An unsure one is kept in the form's data
(never on the draft: a draft's specialty is one the farmer or a sure reading gave) and put to the farmer
as "是关于「植物保护」的问题吗？", [是] first and the other specialties after. Both answers are ordinary
specialty buttons (SpecialtyCb), so pressing one files it like any chosen specialty. With no guess at all
the farmer chooses among every specialty, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from dialogs.callbacks import SpecialtyCb
from nlu.confidence import needs_confirmation
from nlu.interface import ParseResult
from storage.models import Specialty

GUESS = "specialty_guess"  # FSM data: {"request_id": …, "code": …}, the unsure guess to confirm


def sure_specialty(parsed: ParseResult) -> str | None:
    """The specialty a draft may take from the parse without asking: None when the NLU is unsure."""
    return None if needs_confirmation(parsed) else parsed.specialty.code


async def remember_guess(state: FSMContext, request_id: int, parsed: ParseResult) -> None:
    """Keep an unsure guess for the specialty question of draft `request_id`."""
    if parsed.specialty.code is not None and sure_specialty(parsed) is None:
        await state.update_data({GUESS: {"request_id": request_id, "code": parsed.specialty.code}})


def specialty_label(t: Translator, specialty: Specialty) -> str:
    return specialty.name_zh if t.short == "zh" else specialty.name_en


async def specialty_question(
    state: FSMContext, t: Translator, request_id: int, specialties: Sequence[Specialty]
) -> tuple[str, InlineKeyboardMarkup]:
    """The question and its buttons: "is it about X?" with the guess first, or "which kind?"."""
    guess = await state.get_value(GUESS)
    code = guess.get("code") if isinstance(guess, dict) and guess.get("request_id") == request_id else None
    guessed = next((s for s in specialties if s.code == code), None)

    def row(text: str, specialty: Specialty) -> list[InlineKeyboardButton]:
        data = SpecialtyCb(request_id=request_id, code=specialty.code).pack()
        return [InlineKeyboardButton(text=text, callback_data=data)]

    others = [row(specialty_label(t, s), s) for s in specialties if s is not guessed]
    if guessed is None:
        return t("intake.ask_specialty"), InlineKeyboardMarkup(inline_keyboard=others)
    question = t("intake.confirm_specialty", name=specialty_label(t, guessed))
    return question, InlineKeyboardMarkup(inline_keyboard=[row(t("intake.specialty_yes"), guessed), *others])
