"""The first answer to a call made with an `Idempotency-Key`, kept so a retry changes nothing twice.

A reviewer's connection drops after "approve" was sent: did it happen? They send it again with the
same key and get the first answer back, whatever happened meanwhile.

A key is reserved before the call acts (`reserve`, committed at once: the unique index on admin and
key lets exactly one of two concurrent calls have it) and its answer stored after (`finish`). A
second call meanwhile finds the reservation without an answer and is told the first is in
progress; a call that failed inside the server gives its key back (`release`), so a retry acts.
Keys are kept for a day; older ones are deleted as new ones are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from storage.models.admin import IdempotentCall
from storage.uow import UnitOfWork

KEPT_FOR = timedelta(hours=24)
IN_PROGRESS = 0  # the status of a reserved key whose call has not answered yet


@dataclass(frozen=True)
class Earlier:
    """What an earlier call with the same key was, and (once it answered) what it answered."""

    method: str
    path: str
    body_hash: str
    status: int  # IN_PROGRESS while the first call still runs
    response: str


async def reserve(
    uow: UnitOfWork, admin_id: int, key: str, *, method: str, path: str, body_hash: str, now: datetime
) -> Earlier | None:
    """None: the key is this call's now, to act and then `finish`. Otherwise the earlier call's."""
    for _ in range(3):  # a reservation released between our insert and our read: try again
        await uow.session.execute(delete(IdempotentCall).where(IdempotentCall.at < now - KEPT_FOR))
        uow.session.add(
            IdempotentCall(
                admin_user_id=admin_id,
                key=key,
                method=method,
                path=path,
                body_hash=body_hash,
                status=IN_PROGRESS,
                response="",
                at=now,
            )
        )
        try:
            await uow.commit()
            return None
        except IntegrityError:
            await uow.rollback()
        earlier = await uow.session.scalar(
            select(IdempotentCall).where(IdempotentCall.admin_user_id == admin_id, IdempotentCall.key == key)
        )
        if earlier is not None:
            found = Earlier(earlier.method, earlier.path, earlier.body_hash, earlier.status, earlier.response)
            await uow.rollback()  # ends the read; nothing to keep open while the caller answers
            return found
    raise RuntimeError(f"the Idempotency-Key {key!r} could neither be reserved nor read")


async def finish(uow: UnitOfWork, admin_id: int, key: str, *, status: int, response: str) -> None:
    call = await _reserved(uow, admin_id, key)
    if call is not None:
        call.status, call.response = status, response
        await uow.commit()


async def release(uow: UnitOfWork, admin_id: int, key: str) -> None:
    """The call failed inside the server and changed nothing it kept: the key may be used again."""
    call = await _reserved(uow, admin_id, key)
    if call is not None:
        await uow.session.delete(call)
        await uow.commit()


async def _reserved(uow: UnitOfWork, admin_id: int, key: str) -> IdempotentCall | None:
    return await uow.session.scalar(
        select(IdempotentCall).where(
            IdempotentCall.admin_user_id == admin_id,
            IdempotentCall.key == key,
            IdempotentCall.status == IN_PROGRESS,
        )
    )
