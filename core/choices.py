"""What a certification form offers to pick from: the counties, their townships and the specialties
(Art. 6(2), 9, 10).

Read only; the certifying use cases (core.certification) check whatever is sent all the same.
"""

from __future__ import annotations

from sqlalchemy import select

from core.permissions import Permission
from core.scope import Staff
from storage.models import County, Specialty, Township
from storage.uow import UnitOfWork


async def counties(uow: UnitOfWork, staff: Staff) -> list[County]:
    """The counties the staff may certify for: their own, or every county for a city role."""
    staff.ensure(Permission.read_certification)
    query = select(County).order_by(County.code)
    if staff.county_id is not None:
        query = query.where(County.id == staff.county_id)
    return list((await uow.session.scalars(query)).all())


async def specialties(uow: UnitOfWork, staff: Staff) -> list[Specialty]:
    staff.ensure(Permission.read_certification)
    return list((await uow.session.scalars(select(Specialty).order_by(Specialty.code))).all())


async def townships(uow: UnitOfWork, staff: Staff) -> list[Township]:
    """The townships of the counties the staff may certify for, by county then name."""
    staff.ensure(Permission.read_certification)
    query = select(Township).order_by(Township.county_id, Township.name)
    if staff.county_id is not None:
        query = query.where(Township.county_id == staff.county_id)
    return list((await uow.session.scalars(query)).all())
