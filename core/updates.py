"""Telegram updates handled once: an update id is claimed in the same transaction as its effects.

Telegram may deliver an update twice (a retry after a timeout, a restart mid-batch). The bot's
context middleware claims the update id as the first write of the update's unit of work; a second
delivery finds it (or waits for the first delivery's transaction, on PostgreSQL) and is dropped.
Plain Core statements, not ORM objects: this runs for every update the bot receives, and an ORM
flush of one row cost several times the statement itself. On PostgreSQL the claim and the sender's
identity take one round trip (`claim_and_identify`).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from core.binding import Identity, identify, identity_of, who_is
from storage.models import ProcessedUpdate
from storage.types import utcnow
from storage.uow import UnitOfWork

# On the table, not the mapped class: an insert of the class goes through the ORM's bulk-insert path
# (mapper lookups, parameter conversion) for nothing here, since no object is wanted back.
_TABLE = ProcessedUpdate.__table__
assert isinstance(_TABLE, Table)
_CLAIM = insert(_TABLE)


async def claim(uow: UnitOfWork, update_id: int) -> bool:
    """Write the update id, uncommitted; False when another delivery has already claimed it."""
    try:
        await uow.session.execute(_CLAIM, {"update_id": update_id})
    except IntegrityError:
        return False
    return True


async def record_alone(uow: UnitOfWork, update_id: int) -> bool:
    """Drop whatever is uncommitted, then commit the update id by itself; False when another
    delivery recorded it meanwhile."""
    await uow.rollback()
    try:
        await uow.session.execute(_CLAIM, {"update_id": update_id})
        await uow.commit()
    except IntegrityError:
        await uow.rollback()
        return False
    return True


# PostgreSQL runs a data-modifying CTE whether or not its rows are read, and the identify statement
# reads its Telegram user id "from" the claimed row: a duplicate fails the whole statement with the
# same IntegrityError as the plain insert, and a first delivery gets its identity in the same round
# trip (the server is a network hop away: one of the five an update took). SQLite has no INSERT in a
# WITH clause, and its statements cost no round trip.
_CLAIMED = (
    insert(_TABLE)
    .values(update_id=bindparam("update_id"), at=bindparam("at"))
    .returning(_TABLE.c.update_id)
    .cte("claimed")
)
_CLAIM_AND_WHO = who_is(
    select(bindparam("telegram_user_id", type_=BigInteger).label("tg")).select_from(_CLAIMED).subquery()
)


async def claim_and_identify(
    uow: UnitOfWork, update_id: int, telegram_user_id: int | None
) -> tuple[bool, Identity | None]:
    """`claim`, then `core.binding.identify` for the sender if there is one: (claimed, identity).
    When the update was already claimed, nothing is identified."""
    if telegram_user_id is None:
        return await claim(uow, update_id), None
    if uow.session.get_bind().dialect.name != "postgresql":
        if not await claim(uow, update_id):
            return False, None
        return True, await identify(uow, telegram_user_id)
    parameters = {"update_id": update_id, "at": utcnow(), "telegram_user_id": telegram_user_id}
    try:
        row = (await uow.session.execute(_CLAIM_AND_WHO, parameters)).one()
    except IntegrityError:
        return False, None
    return True, identity_of(row)
