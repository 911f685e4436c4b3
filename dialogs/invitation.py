"""What an old invitation card pressed again says: the card itself is render.invitation, sent by
bot.invitation."""

from __future__ import annotations

from collections.abc import Awaitable

from bot.refusals import Refusals, alert
from core import threads
from core.errors import IllegalTransition, NotPermitted
from render.i18n import Translator
from storage.enums import RequestStatus
from storage.uow import UnitOfWork


async def why_not_open(uow: UnitOfWork, t: Translator, request_id: int, expert_id: int) -> str:
    """An old card pressed again: "expired" would alarm an expert who already took the request."""
    status = await threads.status_for_expert(uow, request_id, expert_id)
    if status is RequestStatus.in_service:
        return t("invite.already_accepted", id=request_id)
    if status in (RequestStatus.completed, RequestStatus.settled):
        return t("invite.already_completed", id=request_id)
    return t("invite.no_longer_open")


def _not_open(
    t: Translator, _error: Exception, *, uow: UnitOfWork, id: int, expert_id: int
) -> Awaitable[str]:
    return why_not_open(uow, t, id, expert_id)


# An invitation answered (accepted, declined) when it is no longer open to this expert.
NOT_OPEN = Refusals(((IllegalTransition, NotPermitted), alert(_not_open)))
