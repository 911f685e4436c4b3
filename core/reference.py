"""The reference rows the bot names things by: specialties and counties, in the reader's language."""

from __future__ import annotations

from functools import cache

from sqlalchemy import select

from core.seed.reference import load_yaml
from storage.models import County, Specialty
from storage.uow import UnitOfWork


@cache
def _taxonomy_order() -> dict[str, int]:
    """Each specialty's place in the taxonomy (PRODUCT.md; core/seed/specialties.yaml): the crops'
    group first, then plant protection, the animals' and veterinary, so a farmer choosing reads the
    common kinds first and related kinds together (by code, 农业机械 came first)."""
    return {spec["code"]: place for place, spec in enumerate(load_yaml("specialties.yaml"))}


async def specialty_names(uow: UnitOfWork, language: str) -> dict[str, str]:
    """Every specialty's name in `language` (a translator's short code), by code, in the taxonomy's
    order (a dozen rows in one query; the intake asks it of every farmer it asks which kind of problem
    theirs is, so the columns are read as rows, without building an ORM object each). A specialty the
    seed file does not know (added by hand) comes last."""
    name = Specialty.name_zh if language == "zh" else Specialty.name_en
    rows = (await uow.session.execute(select(Specialty.code, name).order_by(Specialty.code))).all()
    order = _taxonomy_order()
    return {code: text for code, text in sorted(rows, key=lambda row: order.get(row[0], len(order)))}


async def specialty_name(uow: UnitOfWork, code: str | None, language: str) -> str | None:
    """The name of specialty `code` in `language`; None when no specialty is given, the code itself
    when it is not known."""
    if code is None:
        return None
    specialty = await uow.session.get(Specialty, code)
    return code if specialty is None else (specialty.name_zh if language == "zh" else specialty.name_en)


async def county_name(uow: UnitOfWork, county_id: int) -> str:
    """The county's name; empty when there is no such county."""
    county = await uow.session.get(County, county_id)
    return county.name if county else ""
