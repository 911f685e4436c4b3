"""Keeping the county's list of service objects (Art. 10): read, correct, take off and put back.

Households are adjusted by the county as things change (Art. 10(3): 动态调整); parks, points and
units are the city's to certify (Art. 10(1), 10(2)), so a county may correct their records but not
take them off the list or put them back.

Taking an object off the list (certified → false) keeps everything it has, as a county would for a
household that may return: its roster stays (nobody on it can bind meanwhile), its voucher account
and ledger stay untouched (fees already held run their course: captured on completion, released on
rejection or cancellation), it receives no new batch (core.voucher_desk issues to certified objects
only) and its unspent balance expires at the year's end like any other. Putting it back restores the
roster's right to bind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core import audit
from core.certification import ensure_county_exists
from core.errors import IllegalTransition, InvalidInput, NotPermitted, required_text, within_limit
from core.permissions import Permission, allows
from core.phones import roster_mobile
from core.rosters import COUNTY_CERTIFIES, load_service_object
from core.scope import Staff
from storage.enums import ServiceObjectKind
from storage.models import ServiceObject, Township
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class ServiceObjectFilter:
    kind: ServiceObjectKind | None = None
    township_id: int | None = None
    certified: bool | None = None  # None: on the list and off it


async def service_object_page(
    uow: UnitOfWork, staff: Staff, where: ServiceObjectFilter, *, limit: int, after_id: int | None
) -> list[ServiceObject]:
    """Service objects in the caller's scope by id (a keyset page)."""
    staff.ensure(Permission.read_certification)
    query = select(ServiceObject).order_by(ServiceObject.id).limit(limit)
    if staff.county_id is not None:
        query = query.where(ServiceObject.county_id == staff.county_id)
    if where.kind is not None:
        query = query.where(ServiceObject.kind == where.kind)
    if where.township_id is not None:
        query = query.where(ServiceObject.township_id == where.township_id)
    if where.certified is not None:
        query = query.where(ServiceObject.certified.is_(where.certified))
    if after_id is not None:
        query = query.where(ServiceObject.id > after_id)
    return list((await uow.session.scalars(query)).all())


def snapshot(found: ServiceObject) -> dict[str, Any]:
    return {
        "name": found.name,
        "township_id": found.township_id,
        "main_industries": list(found.main_industries),
        "contact_name": found.contact_name,
        "contact_phone": found.contact_phone,
        "certified": found.certified,
    }


async def check_township(uow: UnitOfWork, township_id: int, county_id: int) -> None:
    township = await uow.session.get(Township, township_id)
    if township is None or township.county_id != county_id:
        raise InvalidInput(f"township {township_id} is not in this county", field="township_id")


def clean_industries(industries: list[str]) -> list[str]:
    return [within_limit(i, 32, field="main_industries", what="an industry") for i in industries]


@dataclass(frozen=True)
class ServiceObjectFields:
    """What a county writes in a service object's record; None: unchanged. `cleared` names the
    optional fields to empty (township_id, contact_name, contact_phone): None there reads as
    'unchanged'."""

    name: str | None = None
    township_id: int | None = None
    main_industries: list[str] | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    cleared: frozenset[str] = frozenset()


async def _apply(uow: UnitOfWork, found: ServiceObject, fields: ServiceObjectFields) -> None:
    if fields.name is not None:
        found.name = required_text(fields.name, 128, field="name", what="the name")
    if fields.township_id is not None:
        await check_township(uow, fields.township_id, found.county_id)
        found.township_id = fields.township_id
    if fields.main_industries is not None:
        found.main_industries = clean_industries(fields.main_industries)
    if fields.contact_name is not None:
        found.contact_name = required_text(fields.contact_name, 64, field="contact_name", what="the contact")
    if fields.contact_phone is not None:
        found.contact_phone = roster_mobile(fields.contact_phone)
    for name in fields.cleared & {"township_id", "contact_name", "contact_phone"}:
        setattr(found, name, None)


async def create_service_object(
    uow: UnitOfWork,
    staff: Staff,
    *,
    kind: ServiceObjectKind,
    county_id: int,
    fields: ServiceObjectFields,
    via: str,
) -> ServiceObject:
    """Record a certified service object. Commits."""
    staff.ensure(Permission.certify)
    await ensure_county_exists(uow, staff, county_id)
    if staff.county_id is not None and kind not in COUNTY_CERTIFIES:
        raise NotPermitted(
            f"Art. 10(1), 10(2): a {kind} is certified by the city; a county records households only",
            permission="certify",
        )
    if fields.name is None:
        raise InvalidInput("name is required to record a service object", field="name")
    found = ServiceObject(kind=kind, name="", county_id=county_id, main_industries=[], certified=True)
    await _apply(uow, found, fields)
    uow.session.add(found)
    await uow.flush()
    await audit.record(
        uow,
        staff.actor,
        "service_object.certify",
        "service_object",
        found.id,
        after={"kind": str(kind), **snapshot(found)},
        via=via,
    )
    await uow.commit()
    return found


async def edit_service_object(
    uow: UnitOfWork, staff: Staff, object_id: int, fields: ServiceObjectFields, *, via: str
) -> ServiceObject:
    """Correct a service object's record (its kind is what was certified: not editable). Commits."""
    staff.ensure(Permission.certify)
    found = await load_service_object(uow, staff, object_id, lock=True)
    before = snapshot(found)
    await _apply(uow, found, fields)
    was, now = audit.changes(before, snapshot(found))
    await audit.record(
        uow,
        staff.actor,
        "service_object.edit",
        "service_object",
        found.id,
        before=was,
        after=now,
        via=via,
    )
    await uow.commit()
    return found


def listing_acts(staff: Staff, found: ServiceObject) -> list[str]:
    """What a form offers `staff` for this object: deactivate or reactivate, or nothing when the
    object is the city's to list (Art. 10(1), 10(2)) or the role does not certify (set_certified checks)."""
    if not allows(staff.role, Permission.certify):
        return []
    if staff.county_id is not None and found.kind not in COUNTY_CERTIFIES:
        return []
    return ["deactivate" if found.certified else "reactivate"]


async def set_certified(
    uow: UnitOfWork, staff: Staff, object_id: int, certified: bool, *, reason: str, via: str
) -> ServiceObject:
    """Take a service object off the list (certified=False) or put it back, with the reason. Commits.

    A county does so for households only (Art. 10(3)); the others are the city's (Art. 10(1), 10(2))."""
    staff.ensure(Permission.certify)
    act = "reactivate" if certified else "deactivate"
    cleaned = within_limit(reason.strip(), 500, field="reason", what="the reason")
    if not cleaned:
        raise InvalidInput(f"Art. 10(3): say why ({act})", field="reason")
    found = await load_service_object(uow, staff, object_id, lock=True)
    if staff.county_id is not None and found.kind not in COUNTY_CERTIFIES:
        raise NotPermitted(
            f"Art. 10(1), 10(2): a {found.kind} is certified by the city; a county adjusts households only",
            permission="certify",
        )
    if found.certified is certified:
        state = "certified" if certified else "deactivated"
        raise IllegalTransition(
            f"service object {object_id} is {state} already; nothing to {act}", status=state
        )
    found.certified = certified
    await audit.record(
        uow,
        staff.actor,
        f"service_object.{act}",
        "service_object",
        found.id,
        before={"certified": not certified},
        after={"certified": certified},
        reason=cleaned,
        via=via,
    )
    await uow.commit()
    return found
