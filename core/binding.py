"""Binding a Telegram account to a certified service object (farmers) or to an expert record.

A farmer binds by sharing the phone number the county put on the roster, or with the service
object's invite code; an expert by the phone on record or the personal invite code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import BigInteger, Row, Select, Subquery, bindparam, func, select

from core.actors import Actor
from core.audit import record
from core.errors import InvalidInput, NotFound
from core.matching import WAITING_STATUSES
from storage.enums import RequestStatus
from storage.models import Expert, Farmer, RosterMember, ServiceObject, ServiceRequest
from storage.uow import UnitOfWork


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


def normalise_phone(raw: str) -> str:
    """Telegram sends '+8613904781001' or '8613904781001'; rosters hold the 11-digit mobile number."""
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not re.fullmatch(r"1\d{10}", digits):
        raise InvalidInput("this is not a mainland mobile number")
    return digits


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
    if (await identify(uow, telegram_user_id)).farmer is not None:
        raise InvalidInput("this Telegram account is already bound")
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


async def bind_by_phone(
    uow: UnitOfWork, telegram_user_id: int, raw_phone: str, display_name: str
) -> Identity:
    """Bind whoever the phone number belongs to: an expert on record or a roster member."""
    phone = normalise_phone(raw_phone)
    expert = await uow.session.scalar(select(Expert).where(Expert.phone == phone))
    if expert is not None:
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
    farmer = await _new_farmer(uow, telegram_user_id, member.name, phone, service_object)
    await uow.commit()
    return Identity(farmer, None)


async def bind_by_code(uow: UnitOfWork, telegram_user_id: int, raw_code: str, display_name: str) -> Identity:
    code = raw_code.strip().upper()
    expert = await uow.session.scalar(select(Expert).where(Expert.invite_code == code))
    if expert is not None:
        expert.telegram_user_id = telegram_user_id
        await record(uow, Actor.expert(expert.id), "bind", "expert", expert.id, by="invite_code")
        await uow.commit()
        return Identity(None, expert)
    service_object = await uow.session.scalar(
        select(ServiceObject).where(ServiceObject.invite_code == code, ServiceObject.certified.is_(True))
    )
    if service_object is None:
        raise NotFound("this invite code is unknown")
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
