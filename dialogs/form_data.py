"""What each form keeps in the chat's conversation state, typed so that mypy checks the keys.

aiogram keeps one dict of data per chat (in Redis in production), shared by every form. Each form
reads and writes it through its own shape below and the two helpers `read` and `write`, never with
bare string keys: a misspelt key read None, and the form silently lost its request.
`data["key"]` with a key the shape lacks is a type error; `data.get("key")` of a misspelt key types
as `object`, which fails wherever it is used.

The keys are the ones stored before these shapes existed, so a form half filled before a deploy
reads the same after it. Values are what JSON keeps (the Redis storage serialises them).
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict, TypeVar, cast

from aiogram.fsm.context import FSMContext

# A message an expert or farmer sent while in several conversations, held until they pick which
# request it is for (dialogs.thread): the id of their own message, as text -> `Content.as_dict()`.
MessagesAwaitingRequest = dict[str, dict[str, Any]]


class ChatData(TypedDict, total=False):
    """What belongs to the whole chat, not to one form: `dialogs.forms.close_form` keeps it."""

    language: str  # an unbound user's choice (a bound one's is stored with the account)
    held: MessagesAwaitingRequest  # stored as "held" since before the name said what it holds
    held_latest: int  # the latest of them: the one an old button without an id sends
    problem_before_binding: str | None  # what an unbound farmer wrote before binding


class HeldProblem(TypedDict):
    """A new problem written at the crop question, held until the farmer says what it is."""

    request_id: int
    text: str


class SpecialtyGuess(TypedDict):
    """An unsure reading of a draft's specialty, kept to be confirmed (dialogs.specialty_confirm)."""

    request_id: int
    code: str


class IntakeData(TypedDict, total=False):
    request_id: int  # the draft being filled
    media_asked: bool
    album: str | None  # the media group acknowledged last: an album is acknowledged once
    subject_left_open: int  # the draft whose crop the farmer left open ("不知道")
    subject_asked_again: int  # the draft whose crop question was asked again for a non-farming answer
    held_problem: HeldProblem | None
    specialty_guess: SpecialtyGuess | None  # the NLU's unsure guess, asked before it is filed


class AddOrNewQuestion(TypedDict):
    """A text or attachments written while a request waits, held until the farmer answers whether
    it is about that request or a new problem (dialogs.waiting_question)."""

    request_id: int
    text: str
    attachments: list[str]
    saved: str | None  # the catalog key of the acknowledgement, for attachments
    album: NotRequired[str]  # the media group whose first item asked: the rest join it unasked


class WaitingQuestionData(TypedDict, total=False):
    waiting_held: AddOrNewQuestion | None


class RequestFormData(TypedDict, total=False):
    """A form about one request and nothing more: a complaint, a decline's reason."""

    request_id: int


class SubmitData(TypedDict, total=False):
    """The expert and mode chosen, kept while the farmer says where an on-site visit goes."""

    request_id: int
    expert_id: int
    mode: str


class CompletionData(TypedDict, total=False):
    request_id: int
    mode: str  # a ServiceMode value


class RatingData(TypedDict, total=False):
    request_id: int
    stars: int


class AdvisoryData(TypedDict, total=False):
    category: str  # an AdvisoryCategory value
    body: str
    body_screening: dict[str, object]


class OfferData(TypedDict, total=False):
    offer_park: int
    offer_description: str
    offer_screening: dict[str, object]
    offer_specialty: str | None
    offer_subject: str | None
    offer_mode: str  # a ServiceMode value


FormData = TypeVar(
    "FormData",
    ChatData,
    IntakeData,
    WaitingQuestionData,
    RequestFormData,
    SubmitData,
    CompletionData,
    RatingData,
    AdvisoryData,
    OfferData,
)


async def read(state: FSMContext, shape: type[FormData]) -> FormData:
    """The chat's data as the form `shape` sees it (keys never written are absent)."""
    return cast(FormData, await state.get_data())


async def write(state: FSMContext, data: FormData) -> None:
    """Add `data`, a form's shape with the keys to change, to the chat's data."""
    await state.update_data(data)
