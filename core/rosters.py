"""Service objects and their rosters (Art. 10): who may bind in the bot as a farmer of which object.

Households (示范户) are certified by the county (Art. 10(3)); parks and units by the city bureau
(Art. 10(1)), demonstration points by the city jointly with the organisation department (Art. 10(2)):
a county administrator records only households. A roster lists a service object's farmers with their
mobiles; the bot binds a farmer whose shared phone is on one.

A roster import is all or nothing: every row is checked first and one bad row imports none, with a
report saying row, column and what is wrong, so the county fixes the file and sends it again. The
file becomes the roster: members it no longer lists are removed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from core import audit
from core.errors import DomainError, InvalidInput, NotFound, does_not_exist
from core.permissions import Permission
from core.phones import roster_mobile
from core.scope import Staff
from storage.enums import ServiceObjectKind
from storage.models import County, Expert, RosterMember, ServiceObject
from storage.uow import UnitOfWork

COUNTY_CERTIFIES = frozenset({ServiceObjectKind.household})  # Art. 10(3)
NAME_HEADERS = ("姓名", "name")
PHONE_HEADERS = ("手机号", "手机", "phone")
MAX_ROWS = 20_000


@dataclass(frozen=True)
class RowError:
    row: int  # as the county's spreadsheet numbers it: the header is row 1
    column: str
    problem: str


class RosterRejected(InvalidInput):
    """The file imports nothing; `errors` says where and why."""

    code = "roster_rejected"

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            f"{len(errors)} rows are wrong; nothing was imported. Correct them and send the file again",
            errors=[e.__dict__ for e in errors],
        )
        self.errors = errors


async def load_service_object(
    uow: UnitOfWork, staff: Staff, object_id: int, *, lock: bool = False
) -> ServiceObject:
    staff.ensure(Permission.read_certification)
    found = await uow.session.get(ServiceObject, object_id, with_for_update=lock)
    if found is None:
        raise NotFound(does_not_exist("service object", object_id))
    staff.ensure_county(found.county_id, what="service object", object_id=object_id)
    return found


async def phones_held(
    uow: UnitOfWork,
    county_id: int,
    phones: Collection[str],
    *,
    except_object: int | None = None,
    except_member: int | None = None,
) -> dict[str, str]:
    """Which of `phones` bind someone else already: phone → whose and where, in words. The bot binds
    by the mobile alone, so one mobile names one farmer of one service object in the county, and an
    expert's mobile binds the expert."""
    if not phones:
        return {}
    query = (
        select(RosterMember.phone, RosterMember.name, ServiceObject.id, ServiceObject.name)
        .join(ServiceObject, ServiceObject.id == RosterMember.service_object_id)
        .where(ServiceObject.county_id == county_id, RosterMember.phone.in_(phones))
        .order_by(RosterMember.id)
    )
    if except_object is not None:
        query = query.where(RosterMember.service_object_id != except_object)
    if except_member is not None:
        query = query.where(RosterMember.id != except_member)
    held: dict[str, str] = {}
    for phone, name, object_id, object_name in (await uow.session.execute(query)).all():
        held.setdefault(
            phone, f"already {name}'s on the roster of {object_name} (service object {object_id})"
        )
    experts = await uow.session.execute(select(Expert.phone, Expert.id).where(Expert.phone.in_(phones)))
    for phone, expert_id in experts.all():
        held.setdefault(phone, f"expert {expert_id}'s, and binds the expert")
    return held


async def lock_county_rosters(uow: UnitOfWork, county_id: int) -> None:
    """One roster write of a county at a time (PostgreSQL: the county's row locked to the commit), so
    two writes cannot both find a mobile free and both take it. FOR NO KEY UPDATE: rows that only
    refer to the county (a request, a farmer) are written meanwhile without waiting."""
    await uow.session.get(County, county_id, with_for_update={"key_share": True}, populate_existing=True)


async def roster(uow: UnitOfWork, staff: Staff, object_id: int) -> list[RosterMember]:
    await load_service_object(uow, staff, object_id)
    rows = await uow.session.scalars(
        select(RosterMember).where(RosterMember.service_object_id == object_id).order_by(RosterMember.id)
    )
    return list(rows.all())


def _member(name: str, phone: str, row: int, errors: list[RowError]) -> tuple[str, str] | None:
    before = len(errors)
    name = name.strip()
    if not name:
        errors.append(RowError(row, "姓名", "empty"))
    elif len(name) > 64:
        errors.append(RowError(row, "姓名", f"{len(name)} characters; at most 64"))
    try:
        mobile = roster_mobile(phone)
    except DomainError as refused:
        errors.append(RowError(row, "手机号", f"{phone.strip() or 'empty'}: {refused.message}"))
        mobile = ""
    return (name, mobile) if len(errors) == before else None


def check_rows(rows: list[list[str]]) -> list[tuple[int, str, str]]:
    """(row, name, national mobile) of each data row, or RosterRejected with every bad row.

    `rows[0]` is the header: a column named 姓名/name and one named 手机号/手机/phone, in any order."""
    if not rows:
        raise RosterRejected([RowError(1, "", "the file is empty")])
    header = [cell.strip().lstrip("\ufeff").lower() for cell in rows[0]]
    name_at = next((header.index(h) for h in NAME_HEADERS if h in header), None)
    phone_at = next((header.index(h) for h in PHONE_HEADERS if h in header), None)
    if name_at is None or phone_at is None:
        raise RosterRejected([RowError(1, "", "the header needs the columns 姓名 and 手机号")])
    if len(rows) - 1 > MAX_ROWS:
        raise RosterRejected([RowError(MAX_ROWS + 2, "", f"at most {MAX_ROWS} members in one roster")])
    errors: list[RowError] = []
    members: list[tuple[int, str, str]] = []
    first_row: dict[str, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line between blocks of names is not an error
        cells = cells + [""] * (max(name_at, phone_at) + 1 - len(cells))
        member = _member(cells[name_at], cells[phone_at], number, errors)
        if member is None:
            continue
        if member[1] in first_row:
            errors.append(RowError(number, "手机号", f"{member[1]} is already on row {first_row[member[1]]}"))
            continue
        first_row[member[1]] = number
        members.append((number, *member))
    if errors:
        raise RosterRejected(errors)
    return members


@dataclass(frozen=True)
class ImportOutcome:
    added: int
    updated: int
    removed: int
    kept: int


async def import_roster(
    uow: UnitOfWork, staff: Staff, object_id: int, read: Callable[[], list[list[str]]], *, via: str
) -> ImportOutcome:
    """Make the service object's roster the file's (checked whole first: all or nothing). Commits.

    `read` gives the file's rows; it is called once the object is known to be in the caller's
    scope, so another county's object answers as missing whatever was sent."""
    staff.ensure(Permission.certify)
    found = await load_service_object(uow, staff, object_id, lock=True)
    members = check_rows(read())
    await lock_county_rosters(uow, found.county_id)
    held = await phones_held(
        uow, found.county_id, [phone for _, _, phone in members], except_object=object_id
    )
    if held:
        raise RosterRejected(
            [
                RowError(row, "手机号", f"{phone} is {held[phone]}")
                for row, _, phone in members
                if phone in held
            ]
        )
    current = {m.phone: m for m in await roster(uow, staff, object_id)}
    wanted = dict((phone, name) for _, name, phone in members)
    added = updated = 0
    for phone, name in wanted.items():
        existing = current.get(phone)
        if existing is None:
            uow.session.add(RosterMember(service_object_id=object_id, name=name, phone=phone))
            added += 1
        elif existing.name != name:
            existing.name = name
            updated += 1
    gone = [phone for phone in current if phone not in wanted]
    if gone:
        await uow.session.execute(
            delete(RosterMember).where(
                RosterMember.service_object_id == object_id, RosterMember.phone.in_(gone)
            )
        )
    outcome = ImportOutcome(added, updated, len(gone), len(wanted) - added - updated)
    detail: dict[str, Any] = {"members": len(current)}
    await audit.record(
        uow,
        staff.actor,
        "roster.import",
        "service_object",
        object_id,
        before=detail,
        after={"members": len(wanted), "added": added, "updated": updated, "removed": gone},
        via=via,
    )
    await uow.commit()
    return outcome
