"""Binding a Telegram account to a certified service object (farmers) or to an expert record.

A farmer binds by sharing the +86 mobile the county put on the roster, an expert by the one on
record; either may instead send a staff-issued code (core.invite_codes). One account binds one
person, and a person bound to an account is moved to another only with a staff re-binding code;
the previous account is then told (bot.account_pushes reads the "rebind" audit row). Every
refusal is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import BigInteger, Row, Select, Subquery, bindparam, func, select

from core import invite_codes
from core.actors import Actor
from core.audit import record
from core.errors import NotFound, NotPermitted
from core.matching import WAITING_STATUSES
from core.phones import NotMainlandMobile, contact_mobile
from storage.enums import RequestStatus
from storage.models import AuditLog, Expert, Farmer, RosterMember, ServiceObject, ServiceRequest
from storage.types import utcnow
from storage.uow import UnitOfWork

WRONG_CODES_PER_HOUR = 5  # 80 bits make guessing hopeless; this keeps a guesser out of the log
REBIND = "rebind"  # the audit action of an expert moved to another account by a staff code


@dataclass(frozen=True)
class Identity:
    farmer: Farmer | None
    expert: Expert | None
    # How many of the farmer's / the expert's requests are in service (a conversation under way),
    # when identify() counted them (None: not counted). Most messages come from people with none,
    # and those need no query to find where a message belongs.
    farmer_conversations: int | None = None
    expert_conversations: int | None = None
    # How many of the farmer's requests wait for review or for the expert (None: not counted). A
    # farmer with none needs no query to know a new message is a new problem (dialogs.waiting_request).
    farmer_waiting: int | None = None


class BindingRefused(NotPermitted):
    """Why an account was not bound; `reason` picks the message the person reads."""

    code = "binding_refused"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason


async def _refuse(
    uow: UnitOfWork,
    telegram_user_id: int,
    reason: str,
    message: str,
    entity: str,
    entity_id: int | None = None,
) -> NoReturn:
    """Record the refused attempt (committed: the refusal is what is audited) and raise it."""
    await record(
        uow,
        Actor.system(),
        "bind.refuse",
        entity,
        entity_id,
        telegram_user_id=telegram_user_id,
        reason=reason,
    )
    await uow.commit()
    raise BindingRefused(reason, message)


_IN_SERVICE = select(func.count()).where(ServiceRequest.status == RequestStatus.in_service)
_WAITING = select(func.count()).where(ServiceRequest.status.in_(WAITING_STATUSES))


def who_is(me: Subquery) -> Select[Farmer | None, Expert | None, int, int, int]:
    """The identify statement, over a one-row subquery whose column `tg` holds the Telegram user id.

    One round trip: the farmer, the expert, their requests in service and the farmer's waiting
    ones. core.updates puts the update's claim into `me` on PostgreSQL, so that it rides on the same
    round trip.
    """
    return (
        select(
            Farmer,
            Expert,
            _IN_SERVICE.where(ServiceRequest.farmer_id == Farmer.id).scalar_subquery(),
            _IN_SERVICE.where(ServiceRequest.expert_id == Expert.id).scalar_subquery(),
            _WAITING.where(ServiceRequest.farmer_id == Farmer.id).scalar_subquery(),
        )
        .select_from(me)
        .outerjoin(Farmer, Farmer.telegram_user_id == me.c.tg)
        .outerjoin(Expert, Expert.telegram_user_id == me.c.tg)
    )


# Built once: this runs for every update the bot receives, and building it anew cost as much as
# running it.
_WHO = who_is(select(bindparam("telegram_user_id", type_=BigInteger).label("tg")).subquery())


def identity_of(row: Row[Farmer | None, Expert | None, int, int, int]) -> Identity:
    farmer, expert, farmer_conversations, expert_conversations, farmer_waiting = row
    return Identity(farmer, expert, farmer_conversations, expert_conversations, farmer_waiting)


async def identify(uow: UnitOfWork, telegram_user_id: int) -> Identity:
    return identity_of((await uow.session.execute(_WHO, {"telegram_user_id": telegram_user_id})).one())


async def _new_farmer(
    uow: UnitOfWork, telegram_user_id: int, name: str, phone: str | None, service_object: ServiceObject
) -> Farmer:
    farmer = Farmer(
        telegram_user_id=telegram_user_id,
        name=name[:64],
        phone=phone,
        service_object_id=service_object.id,
        county_id=service_object.county_id,
    )
    uow.session.add(farmer)
    await uow.flush()
    await record(
        uow, Actor.farmer(farmer.id), "bind", "farmer", farmer.id, service_object_id=service_object.id
    )
    return farmer


async def _ensure_unbound(uow: UnitOfWork, telegram_user_id: int, entity: str, entity_id: int | None) -> None:
    who = await identify(uow, telegram_user_id)
    if who.farmer is not None or who.expert is not None:
        await _refuse(
            uow,
            telegram_user_id,
            "account_bound",
            "this Telegram account is bound already",
            entity,
            entity_id,
        )


async def _refuse_bound_expert(uow: UnitOfWork, telegram_user_id: int, expert: Expert) -> NoReturn:
    await _refuse(
        uow, telegram_user_id, "person_bound", "this expert is bound to another account", "expert", expert.id
    )


async def _refuse_uncertified(uow: UnitOfWork, telegram_user_id: int, service_object: ServiceObject) -> None:
    """A service object the county took off the list (core.service_objects) binds nobody new."""
    if not service_object.certified:
        await _refuse(
            uow,
            telegram_user_id,
            "not_certified",
            "this service object is not certified",
            "service_object",
            service_object.id,
        )


async def bind_by_phone(
    uow: UnitOfWork, telegram_user_id: int, raw_phone: str, display_name: str
) -> Identity:
    """Bind whoever the shared +86 mobile belongs to: an expert on record or a roster member."""
    try:
        phone = contact_mobile(raw_phone)
    except NotMainlandMobile as exc:
        await _refuse(uow, telegram_user_id, "not_mainland_mobile", exc.message, "phone")
    expert = await uow.session.scalar(select(Expert).where(Expert.phone == phone))
    if expert is not None:
        if expert.telegram_user_id == telegram_user_id:
            return Identity(None, expert)
        if expert.telegram_user_id is not None:
            # A new account with the expert's number (a new phone, a number passed on) does not take
            # the account over: staff move it with a re-binding code, and the old account is told.
            await _refuse_bound_expert(uow, telegram_user_id, expert)
        await _ensure_unbound(uow, telegram_user_id, "expert", expert.id)
        expert.telegram_user_id = telegram_user_id
        await record(uow, Actor.expert(expert.id), "bind", "expert", expert.id)
        await uow.commit()
        return Identity(None, expert)
    member = await uow.session.scalar(select(RosterMember).where(RosterMember.phone == phone).limit(1))
    if member is None:
        raise NotFound(
            "this phone number is on no roster; ask your county office to add you, or use an invite code"
        )
    service_object = await uow.session.get(ServiceObject, member.service_object_id)
    assert service_object is not None
    await _refuse_uncertified(uow, telegram_user_id, service_object)
    await _ensure_unbound(uow, telegram_user_id, "service_object", service_object.id)
    farmer = await _new_farmer(uow, telegram_user_id, member.name, phone, service_object)
    await uow.commit()
    return Identity(farmer, None)


async def _wrong_codes_lately(uow: UnitOfWork, telegram_user_id: int) -> int:
    # Audit rows carry the wall clock's time, so the hour is the wall clock's too.
    counted = await uow.session.scalar(
        select(func.count())
        .select_from(AuditLog)
        .where(
            AuditLog.action == "bind.refuse",
            AuditLog.at >= utcnow() - timedelta(hours=1),
            AuditLog.detail["reason"].as_string() == "code_unknown",
            AuditLog.detail["telegram_user_id"].as_integer() == telegram_user_id,
        )
    )
    return int(counted or 0)


async def bind_by_code(
    uow: UnitOfWork, telegram_user_id: int, raw_code: str, display_name: str, *, now: datetime
) -> Identity:
    """Bind with a staff-issued code: an unbound account to an unbound expert (or, with a
    re-binding code, to a bound one, moving him) or to a service object as one more member."""
    if await _wrong_codes_lately(uow, telegram_user_id) >= WRONG_CODES_PER_HOUR:
        # Not audited: the wrong codes before it are, and a guesser must not fill the log.
        raise BindingRefused("code_throttled", "too many wrong codes; try again in an hour")
    code = await invite_codes.find(uow, raw_code)
    if code is None:
        await _refuse(uow, telegram_user_id, "code_unknown", "this invite code is unknown", "invite_code")
    if (reason := invite_codes.unusable(code, now)) is not None:
        await _refuse(
            uow, telegram_user_id, reason, f"this invite code is {reason[5:]}", "invite_code", code.id
        )
    await _ensure_unbound(uow, telegram_user_id, "invite_code", code.id)
    expert = await uow.session.get(Expert, code.expert_id) if code.expert_id is not None else None
    if expert is not None and expert.telegram_user_id is not None and not code.rebind:
        await _refuse_bound_expert(uow, telegram_user_id, expert)
    if not await invite_codes.spend(uow, code, telegram_user_id, now):  # another account was quicker
        await _refuse(uow, telegram_user_id, "code_used", "this invite code is used", "invite_code", code.id)
    if expert is not None:
        previous = expert.telegram_user_id
        expert.telegram_user_id = telegram_user_id
        await record(
            uow, Actor.expert(expert.id), "bind", "expert", expert.id, by="invite_code", code_id=code.id
        )
        if previous is not None:
            await record(
                uow,
                Actor.admin(code.issued_by),
                REBIND,
                "expert",
                expert.id,
                previous_telegram_user_id=previous,
                telegram_user_id=telegram_user_id,
                code_id=code.id,
            )
        await uow.commit()
        return Identity(None, expert)
    service_object = await uow.session.get(ServiceObject, code.service_object_id)
    assert service_object is not None
    await _refuse_uncertified(uow, telegram_user_id, service_object)
    farmer = await _new_farmer(uow, telegram_user_id, display_name or "农户", None, service_object)
    await uow.commit()
    return Identity(farmer, None)


async def set_language(uow: UnitOfWork, telegram_user_id: int, language: str) -> None:
    who = await identify(uow, telegram_user_id)
    for person in (who.farmer, who.expert):
        if person is not None:
            person.language = language
    await uow.commit()


async def set_advisories(uow: UnitOfWork, farmer_id: int, enabled: bool) -> None:
    farmer = await uow.session.get(Farmer, farmer_id)
    if farmer is None:
        raise NotFound("farmer not found")
    farmer.advisories_enabled = enabled
    await uow.commit()
