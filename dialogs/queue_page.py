"""One page of an expert's queue: the lines and the buttons of at most PAGE_SIZE open requests.

An expert carries a handful of requests, but in an outbreak it can be dozens, and Telegram takes
neither a message over 4,096 characters nor a keyboard over 100 buttons: the whole queue in one
message would fail for exactly the expert who needs it most. Pages of ten, oldest first, each line
with the buttons to act on it.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from core.queries import QueueLine, expert_queue_lines, expert_queue_size
from dialogs.common import status_label
from dialogs.fitting import shortened
from render.callbacks import CompleteCb, InviteCb, QueuePageCb
from render.i18n import Safe, Translator
from render.keyboards import button, keyboard
from render.words import yuan
from storage.enums import RequestStatus
from storage.models import Expert, ServiceRequest
from storage.uow import UnitOfWork

PAGE_SIZE = 10


def _quoted(description: str) -> str:
    """A description on one line of the queue, with '…' where it was cut: '…black spots, 20 ' read
    as if that were all."""
    return shortened(" ".join(description.split()), 60)


def _buttons(t: Translator, r: ServiceRequest) -> list[InlineKeyboardButton]:
    if r.status is RequestStatus.in_service:
        complete = CompleteCb(request_id=r.id, mode="")
        return [button(t("queue.complete", id=r.id, subject=r.subject or ""), complete)]
    # An invitation still open, e.g. approved before the expert had bound their account.
    return [
        button(t("queue.accept", id=r.id), InviteCb(request_id=r.id, action="accept")),
        # With several invitations listed, a bare "Decline" could be the wrong row's.
        button(t("queue.decline", id=r.id), InviteCb(request_id=r.id, action="decline")),
    ]


def _line(t: Translator, line: QueueLine) -> Safe:
    r = line.request
    shown = {
        "id": r.id,
        "subject": r.subject or "",
        "status": status_label(t, r),
        "description": _quoted(r.description),
    }
    if r.status is RequestStatus.approved and r.service_mode is not None:
        # An open invitation shows what accepting it commits to: the mode and its fee.
        return t("queue.line_offer", mode=t(f"mode.{r.service_mode}"), fee=yuan(r.fee_fen), **shown)
    if r.status is RequestStatus.in_service:
        # A request in service shows whose it is: several farmers often ask about the same crop.
        return t("queue.line_in_service", farmer=line.farmer_name, **shown)
    return t("queue.line", **shown)


async def queue_page(
    t: Translator, uow: UnitOfWork, expert: Expert, page: int
) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """The text and keyboard of page `page` (from 0; past the end: the last page); None when the
    queue is empty."""
    total = await expert_queue_size(uow, expert.id)
    if total == 0:
        return None
    pages = -(-total // PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    mine = await expert_queue_lines(uow, expert.id, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
    title = (
        t("queue.title") if pages == 1 else t("queue.title_paged", page=page + 1, pages=pages, total=total)
    )
    lines = [title] + [_line(t, line) for line in mine]
    rows = [_buttons(t, line.request) for line in mine]
    turn = []
    if page > 0:
        turn.append(button(t("choice.prev"), QueuePageCb(page=page - 1)))
    if page < pages - 1:
        turn.append(button(t("choice.next"), QueuePageCb(page=page + 1)))
    if turn:
        rows.append(turn)
    return "\n".join(lines), keyboard(*rows) if rows else None
