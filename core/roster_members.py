"""One farmer at a time on a service object's roster (Art. 10): add, correct, remove.

The bot binds a farmer by the mobile on a roster (core.binding), so a mobile names one person of one
service object in the county: a second entry for it, on this roster or another of the county, would
leave the bot to guess whose farmer shares it, and an expert's mobile binds the expert. Both are
refused, saying where the number already is. A removed member can no longer bind with that mobile.
"""

from __future__ import annotations

from core import audit
from core.errors import InvalidInput, NotFound, does_not_exist, required_text
from core.permissions import Permission
from core.phones import roster_mobile
from core.rosters import load_service_object, lock_county_rosters, phones_held
from core.scope import Staff
from storage.models import RosterMember
from storage.uow import UnitOfWork


def _name(raw: str) -> str:
    return required_text(raw, 64, field="name", what="the name")


async def _check_phone_free(uow: UnitOfWork, county_id: int, phone: str, member_id: int | None) -> None:
    await lock_county_rosters(uow, county_id)
    held = await phones_held(uow, county_id, [phone], except_member=member_id)
    if phone in held:
        raise InvalidInput(
            f"the phone {phone} is {held[phone]}: a mobile binds one farmer of one service object",
            field="phone",
        )


def _snapshot(member: RosterMember) -> dict[str, str]:
    return {"name": member.name, "phone": member.phone}


async def add_member(
    uow: UnitOfWork, staff: Staff, object_id: int, *, name: str, phone: str, via: str
) -> RosterMember:
    """Put one farmer on the roster; the phone as a county writes it, kept as the 11-digit national
    mobile. Commits."""
    staff.ensure(Permission.certify)
    found = await load_service_object(uow, staff, object_id, lock=True)
    member = RosterMember(service_object_id=object_id, name=_name(name), phone=roster_mobile(phone))
    await _check_phone_free(uow, found.county_id, member.phone, None)
    uow.session.add(member)
    await uow.flush()
    await audit.record(
        uow,
        staff.actor,
        "roster.add",
        "service_object",
        object_id,
        after={"member_id": member.id, **_snapshot(member)},
        via=via,
    )
    await uow.commit()
    return member


async def _load_member(uow: UnitOfWork, staff: Staff, object_id: int, member_id: int) -> RosterMember:
    await load_service_object(uow, staff, object_id, lock=True)
    member = await uow.session.get(RosterMember, member_id)
    if member is None or member.service_object_id != object_id:
        raise NotFound(does_not_exist("roster member", member_id))
    return member


async def edit_member(
    uow: UnitOfWork,
    staff: Staff,
    object_id: int,
    member_id: int,
    *,
    name: str | None,
    phone: str | None,
    via: str,
) -> RosterMember:
    """Correct a member's name or mobile (None: unchanged). Commits."""
    staff.ensure(Permission.certify)
    member = await _load_member(uow, staff, object_id, member_id)
    before = _snapshot(member)
    if name is not None:
        member.name = _name(name)
    if phone is not None:
        mobile = roster_mobile(phone)
        if mobile != member.phone:
            found = await load_service_object(uow, staff, object_id)
            await _check_phone_free(uow, found.county_id, mobile, member.id)
            member.phone = mobile
    was, now = audit.changes(before, _snapshot(member))
    await audit.record(
        uow,
        staff.actor,
        "roster.edit",
        "service_object",
        object_id,
        before={"member_id": member.id, **was},
        after={"member_id": member.id, **now},
        via=via,
    )
    await uow.commit()
    return member


async def remove_member(
    uow: UnitOfWork, staff: Staff, object_id: int, member_id: int, *, via: str
) -> RosterMember:
    """Take a farmer off the roster: the mobile no longer binds to this service object. Commits."""
    staff.ensure(Permission.certify)
    member = await _load_member(uow, staff, object_id, member_id)
    await audit.record(
        uow,
        staff.actor,
        "roster.remove",
        "service_object",
        object_id,
        before={"member_id": member.id, **_snapshot(member)},
        via=via,
    )
    await uow.session.delete(member)
    await uow.commit()
    return member
