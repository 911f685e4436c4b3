from aiogram.fsm.state import State, StatesGroup


class IntakeForm(StatesGroup):
    subject = State()
    description = State()
    media = State()
    confirm = State()


class SubmitForm(StatesGroup):
    place = State()  # where an on-site visit goes, asked before the summary


class RatingForm(StatesGroup):
    comment = State()


class ComplaintForm(StatesGroup):
    text = State()


class CompletionForm(StatesGroup):
    evidence = State()


class DeclineForm(StatesGroup):
    reason = State()


class AdvisoryForm(StatesGroup):
    body = State()
    subjects = State()


class OfferForm(StatesGroup):
    description = State()
    mode = State()
    confirm = State()
