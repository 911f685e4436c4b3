"""Expert choice: suggestions with reasons, the whole county list (paged), an expert card, the mode.

The farmer chooses freely among the county's serving experts (Art. 11(2)); another county's expert
is refused even if a forged button names one (Art. 11(4)). Choosing again after a decline or an
expiry, the experts who already said no to the request are not offered (core.matching).
"""

from __future__ import annotations

from collections.abc import Iterable

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.refusals import Refusals, alert
from bot.turn import Turn
from core import fees, requests
from core.errors import (
    DomainError,
    IllegalTransition,
)
from core.matching import county_experts, expert_available_to_farmer, experts_who_passed, suggest_experts
from core.queries import expert_year, farmer_balance
from core.reference import specialty_names
from dialogs import submit_confirm
from dialogs.filters import IS_FARMER
from render.callbacks import ExpertCb, ModeCb, RequestCb
from render.i18n import Translator
from render.keyboards import button, column, keyboard
from render.words import listing, yuan
from storage.enums import RequestStatus, ServiceMode

router = Router(name=__name__)
router.callback_query.filter(IS_FARMER)
PAGE_SIZE = 5


def _specialties_of(t: Translator, names: dict[str, str], codes: Iterable[str]) -> str:
    return listing(t, (names.get(code, code) for code in sorted(codes)))


async def show_suggestions(turn: Turn, request_id: int) -> None:
    message, t, uow, deps, farmer = turn.message, turn.t, turn.uow, turn.deps, turn.farmer
    request = await requests.load_request(uow, request_id, lock=False)
    if request.farmer_id != farmer.id:
        return
    suggestions = await suggest_experts(
        uow,
        farmer_county_id=farmer.county_id,
        specialty_code=request.specialty_code,
        subject=request.subject,
        now=deps.clock(),
        request_id=request_id,
    )
    await uow.commit()
    if not suggestions:
        await _none_left(turn, request_id)
        return
    names = await specialty_names(uow, t.short)
    lines = [t("choice.title")]
    rows = []
    others_marked = request.specialty_code is None  # no specialty asked for: nobody is "other"
    for n, suggestion in enumerate(suggestions, start=1):
        card, reason = suggestion.expert, suggestion.reason
        if reason.specialty_match:
            lines.append(t("choice.line", n=n, name=card.name, title=card.title, reason=reason.text(t.short)))
        else:  # after every specialist, under a heading, each with what they do know
            if not others_marked:
                others_marked = True
                lines.append(t("choice.others", specialty=names.get(request.specialty_code or "", "")))
            lines.append(
                t(
                    "choice.line_other",
                    n=n,
                    name=card.name,
                    title=card.title,
                    specialties=_specialties_of(t, names, card.specialty_codes),
                    reason=reason.text(t.short),
                )
            )
        rows.append(
            button(f"{n}. {card.name}", ExpertCb(request_id=request_id, action="card", expert_id=card.id))
        )
    rows.append(button(t("choice.all"), ExpertCb(request_id=request_id, action="page", page=0)))
    await message.answer("\n".join(lines), reply_markup=column(rows))


async def _none_left(turn: Turn, request_id: int) -> None:
    """No expert to offer: either none serves in the county, or every one serving has already
    declined this request (or let it expire). The second farmer is stuck with a request on hold
    unless told plainly what is left: cancelling returns the voucher hold."""
    message, t, uow = turn.message, turn.t, turn.uow
    if not await experts_who_passed(uow, request_id):
        await message.answer(t("choice.none_in_county"))
        return
    cancel = RequestCb(request_id=request_id, action="cancel")
    await message.answer(
        t("choice.all_passed", id=request_id), reply_markup=keyboard([button(t("requests.cancel"), cancel)])
    )


async def _page(turn: Turn, data: ExpertCb) -> None:
    t, uow, deps, farmer = turn.t, turn.uow, turn.deps, turn.farmer
    page = await county_experts(
        uow,
        farmer.county_id,
        offset=data.page * PAGE_SIZE,
        limit=PAGE_SIZE,
        now=deps.clock(),
        request_id=data.request_id,
    )
    names = await specialty_names(uow, t.short)
    rows = [
        button(
            f"{card.name} · {card.title} · {_specialties_of(t, names, card.specialty_codes)}",
            ExpertCb(request_id=data.request_id, action="card", expert_id=card.id),
        )
        for card in page.experts
    ]
    nav = []
    if data.page > 0:
        nav.append(
            button(t("choice.prev"), ExpertCb(request_id=data.request_id, action="page", page=data.page - 1))
        )
    if page.offset + len(page.experts) < page.total:
        nav.append(
            button(t("choice.next"), ExpertCb(request_id=data.request_id, action="page", page=data.page + 1))
        )
    back = button(t("choice.back_to_suggestions"), ExpertCb(request_id=data.request_id, action="suggest"))
    pages = max(1, -(-page.total // PAGE_SIZE))
    await turn.answer(
        t("choice.page", page=data.page + 1, pages=pages, total=page.total),
        reply_markup=keyboard(*([b] for b in rows), nav, [back]),
    )


async def _card(turn: Turn, data: ExpertCb) -> None:
    t, uow, deps, farmer = turn.t, turn.uow, turn.deps, turn.farmer
    expert = await expert_available_to_farmer(
        uow, data.expert_id, farmer.county_id, now=deps.clock(), request_id=data.request_id
    )
    year = await expert_year(uow, expert.id, deps.clock())
    specialties = _specialties_of(t, await specialty_names(uow, t.short), expert.specialty_codes)
    rating = (
        f"{year.rating_avg:.1f} ({year.rating_count})" if year.rating_avg is not None else t("card.no_rating")
    )
    text = t(
        "card.body",
        name=expert.name,
        title=expert.title,
        org=expert.organisation,
        specialties=specialties,
        keywords=listing(t, expert.keywords),
        rating=rating,
        services=year.services,
    )
    rows = [
        button(t("card.choose"), ExpertCb(request_id=data.request_id, action="choose", expert_id=expert.id)),
        button(t("choice.back_to_suggestions"), ExpertCb(request_id=data.request_id, action="suggest")),
    ]
    await turn.answer(text, reply_markup=column(rows))


async def _modes(turn: Turn, data: ExpertCb) -> None:
    t, uow, deps, farmer = turn.t, turn.uow, turn.deps, turn.farmer
    await expert_available_to_farmer(
        uow, data.expert_id, farmer.county_id, now=deps.clock(), request_id=data.request_id
    )
    request = await requests.load_request(uow, data.request_id, lock=False)
    if request.status is RequestStatus.repick:
        await submit_confirm.submit_now(
            turn, ModeCb(request_id=request.id, expert_id=data.expert_id, mode="")
        )
        return
    schedule = await fees.fee_schedule(uow, deps.clock())
    balance = await farmer_balance(uow, farmer.id, deps.clock())
    available_fen = balance.available_fen if balance else 0
    # A mode the balance cannot pay for stays on the list (pressing it says so plainly, with the
    # amounts), marked so the farmer need not press it to find out.
    rows = [
        button(
            t(
                "mode.option" if fee <= available_fen else "mode.option_short",
                mode=t(f"mode.{mode}"),
                fee=yuan(fee),
            ),
            ModeCb(request_id=data.request_id, expert_id=data.expert_id, mode=mode.value),
        )
        for mode, fee in schedule.items()
    ]
    available = yuan(available_fen)
    await turn.answer(t("mode.choose", balance=available), reply_markup=column(rows))


def _submitted(t: Translator, refused: IllegalTransition, id: int) -> str:
    return t("choice.already_submitted", id=id, status=t(f"status.{refused.details.get('status', '')}"))


NOT_CHOOSING = Refusals((IllegalTransition, alert(_submitted)), (DomainError, alert("button.gone")))


async def _still_choosing(query: CallbackQuery, turn: Turn, request_id: int) -> bool:
    """False, the farmer told why, for a button of a request submitted (or ended) since: an old
    card or "✅ 选择这位专家" is refused at the first press, not after the modes were shown."""
    try:
        await requests.choosing_expert(turn.uow, request_id, turn.farmer.id)
    except DomainError as error:
        await turn.refuse(error, NOT_CHOOSING, query, id=request_id)
        return False
    return True


@router.callback_query(ExpertCb.filter())
async def expertbutton(query: CallbackQuery, callback_data: ExpertCb, turn: Turn) -> None:
    if not await _still_choosing(query, turn, callback_data.request_id):
        return
    try:
        if callback_data.action == "suggest":
            await show_suggestions(turn, callback_data.request_id)
        elif callback_data.action == "page":
            await _page(turn, callback_data)
        elif callback_data.action == "card":
            await _card(turn, callback_data)
        elif callback_data.action == "choose":
            await _modes(turn, callback_data)
    except DomainError as error:
        await turn.refuse(error, submit_confirm.CHOICE_REFUSED, query)
        return
    await query.answer()


@router.callback_query(ModeCb.filter())
async def mode_chosen(query: CallbackQuery, callback_data: ModeCb, turn: Turn) -> None:
    """The summary to confirm (dialogs.submit_confirm); nothing is held yet."""
    if callback_data.mode not in set(ServiceMode):
        await query.answer()
        return
    if not await _still_choosing(query, turn, callback_data.request_id):
        return
    try:
        await submit_confirm.offer(turn, callback_data)
    except DomainError as error:
        await turn.refuse(error, submit_confirm.CHOICE_REFUSED, query)
        return
    await query.answer()
