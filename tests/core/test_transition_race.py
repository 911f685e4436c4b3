"""A status changes only from the status its writer read: two writers cannot both move one request.

The use cases lock the request as they read it (core.requests.load_request), but a caller that read
it unlocked, or any code added later that forgets the lock, would let two transactions on PostgreSQL
both see `pending_review` and both write: an approval and a cancellation each recorded from the same
state, the request ending as whichever wrote last. The transition itself (core.lifecycle.apply) now
writes only where the status is still the one read, so the second writer is refused.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from contextlib import suppress

from core import lifecycle
from core.actors import Actor
from core.errors import IllegalTransition
from core.lifecycle import Action
from core.requests import create_draft, history, load_request
from storage.enums import RequestStatus
from storage.uow import UnitOfWork
from tests.demo_world import build_world


async def _pending(uow_factory: Callable[[], UnitOfWork]) -> tuple[int, int]:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        request = await create_draft(uow, world.farmer_id, description="葵花叶子发黄")
        request.status = RequestStatus.pending_review  # as submitted; the hold is not the point here
        await uow.commit()
        return request.id, world.farmer_id


async def _until(event: asyncio.Event, seconds: float = 0.5) -> None:
    """Wait for `event`, but not for ever: on SQLite the other side cannot even read until this
    side's transaction ends (one writer at a time), and that is a fine outcome too."""
    with suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


async def test_an_approval_and_a_cancel_read_at_once_cannot_both_be_recorded(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    request_id, farmer_id = await _pending(uow_factory)
    cancel_read, approved = asyncio.Event(), asyncio.Event()

    async def approve() -> None:
        async with uow_factory() as uow:
            request = await load_request(uow, request_id, lock=False)
            await _until(cancel_read)
            await lifecycle.apply(uow, request, Action.approve, Actor.admin(1))
            await uow.commit()
            approved.set()

    async def cancel() -> None:
        async with uow_factory() as uow:
            request = await load_request(uow, request_id, lock=False)
            cancel_read.set()
            await _until(approved)
            await lifecycle.apply(uow, request, Action.cancel, Actor.farmer(farmer_id))
            await uow.commit()

    outcomes = await asyncio.gather(approve(), cancel(), return_exceptions=True)
    assert outcomes[0] is None
    async with uow_factory() as uow:
        request = await load_request(uow, request_id, lock=False)
        chain = [(e.from_status, e.action, e.to_status) for e in await history(uow, request_id)]
    # One story: every event starts where the one before ended, and the last ends where the request is.
    assert all(a[2] == b[0] for a, b in itertools.pairwise(chain)), chain
    assert chain[-1][2] is request.status
    if isinstance(outcomes[1], BaseException):  # PostgreSQL: both read pending_review; cancel refused
        refused = outcomes[1]
        assert isinstance(refused, IllegalTransition), refused
        assert refused.details["status"] == "approved"  # the current state, for the loser to say
        assert chain == [(RequestStatus.pending_review, "approve", RequestStatus.approved)]
    else:  # SQLite: the cancel read after the approval and cancelled an approved request
        assert [action for _, action, _ in chain] == ["approve", "cancel"]
