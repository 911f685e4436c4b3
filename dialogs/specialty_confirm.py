"""The specialty question of the intake (issue 19): asked only when the NLU is unsure of it.

A sure guess goes on the draft at once and nobody is asked. An unsure one is kept in the form's data
(never on the draft: a draft's specialty is one the farmer or a sure reading gave) and put to the farmer
as "是关于「植物保护」的问题吗？", [是] first and the other specialties after. Both answers are ordinary
specialty buttons (SpecialtyCb), so pressing one files it like any chosen specialty. With no guess at all
the farmer chooses among every specialty, as before.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from dialogs.form_data import IntakeData, SpecialtyGuess, write
from nlu.confidence import needs_confirmation
from nlu.interface import ParseResult
from render.callbacks import SpecialtyCb
from render.i18n import Translator
from render.keyboards import button, column


def sure_specialty(parsed: ParseResult) -> str | None:
    """The specialty a draft may take from the parse without asking: None when the NLU is unsure."""
    return None if needs_confirmation(parsed) else parsed.specialty.code


async def remember_guess(state: FSMContext, request_id: int, parsed: ParseResult) -> None:
    """Keep an unsure guess for the specialty question of draft `request_id`."""
    if parsed.specialty.code is not None and sure_specialty(parsed) is None:
        await write(
            state,
            IntakeData(specialty_guess=SpecialtyGuess(request_id=request_id, code=parsed.specialty.code)),
        )


def specialty_question(
    t: Translator, request_id: int, names: Mapping[str, str], guess: SpecialtyGuess | None
) -> tuple[str, InlineKeyboardMarkup]:
    """The question and its buttons: "is it about X?" with the guess first, or "which kind?".
    `names`: every specialty's name by code, in the order the buttons list them; `guess`: the unsure
    reading kept by `remember_guess` (the intake form's data)."""
    guessed = guess["code"] if guess is not None and guess["request_id"] == request_id else None

    def press(text: str, code: str) -> InlineKeyboardButton:
        return button(text, SpecialtyCb(request_id=request_id, code=code))

    others = [press(name, code) for code, name in names.items() if code != guessed]
    if guessed is None or guessed not in names:
        return t("intake.ask_specialty"), column(others)
    question = t("intake.confirm_specialty", name=names[guessed])
    return question, column([press(t("intake.specialty_yes"), guessed), *others])
