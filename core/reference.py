"""The reference rows the bot names things by: specialties and counties, in the reader's language."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import County, Specialty
from storage.uow import UnitOfWork


def _name(specialty: Specialty, language: str) -> str:
    return specialty.name_zh if language == "zh" else specialty.name_en


async def specialty_names(uow: UnitOfWork, language: str) -> dict[str, str]:
    """Every specialty's name in `language` (a translator's short code), by code, in code order (a
    dozen rows, fetched in one query)."""
    rows = await uow.session.scalars(select(Specialty).order_by(Specialty.code))
    return {s.code: _name(s, language) for s in rows.all()}


async def specialty_name(uow: UnitOfWork, code: str | None, language: str) -> str | None:
    """The name of specialty `code` in `language`; None when no specialty is given, the code itself
    when it is not known."""
    if code is None:
        return None
    specialty = await uow.session.get(Specialty, code)
    return code if specialty is None else _name(specialty, language)


async def county_name(uow: UnitOfWork, county_id: int) -> str:
    """The county's name; empty when there is no such county."""
    county = await uow.session.get(County, county_id)
    return county.name if county else ""
