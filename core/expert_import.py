"""Certifying a county's experts from a spreadsheet, and exporting them in the same columns.

All or nothing, like a roster (core.rosters): every row is checked first (its text, then against the
database: a phone already an expert's, a specialty that does not exist) and one bad row certifies
nobody, with a report of row, column and what is wrong. The team's leader is chosen afterwards
(PATCH is_leader), as Art. 7 has the team elect one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from core import audit
from core.certification import county_team, ensure_county_exists, snapshot, term_end
from core.errors import DomainError
from core.permissions import Permission
from core.phones import roster_mobile
from core.rosters import MAX_ROWS, RosterRejected, RowError
from core.scope import Staff
from storage.enums import ExpertStatus
from storage.models import Expert, ExpertSpecialty, Specialty
from storage.uow import UnitOfWork

COLUMNS = ("姓名", "手机号", "职称", "副高及以上", "专业", "认定日期")
_YES, _NO = {"是", "yes", "true", "1", "y"}, {"否", "no", "false", "0", "n", ""}
_SEPARATORS = str.maketrans({"、": ",", "，": ",", ";": ",", "；": ","})


def export_rows(experts: list[Expert]) -> list[tuple[str, ...]]:
    return [
        (
            e.name,
            e.phone,
            e.title,
            "是" if e.senior_rank else "否",
            "、".join(sorted(e.specialty_codes)),
            e.term_start.isoformat(),
        )
        for e in experts
    ]


def _row(cells: list[str], number: int, today: date, errors: list[RowError]) -> Expert | None:
    name, phone, title, senior, codes, certified = (c.strip() for c in cells)
    before = len(errors)

    def wrong(column: str, problem: str) -> None:
        errors.append(RowError(number, column, problem))

    if not name or len(name) > 64:
        wrong("姓名", "empty" if not name else "at most 64 characters")
    try:
        phone = roster_mobile(phone)
    except DomainError as refused:
        wrong("手机号", f"{phone or 'empty'}: {refused.message}")
    if not title or len(title) > 32:
        wrong("职称", "empty" if not title else "at most 32 characters")
    if senior.lower() not in _YES | _NO:
        wrong("副高及以上", f"{senior}: write 是 or 否")
    specialties = [c.strip() for c in codes.translate(_SEPARATORS).split(",") if c.strip()]
    if not specialties:
        wrong("专业", "at least one specialty code, e.g. plant_protection")
    start = today
    if certified:
        try:
            start = date.fromisoformat(certified[:10])
            term_end(start)
        except (ValueError, DomainError):
            wrong("认定日期", f"{certified}: a date like 2026-03-01, from 2000 to 2100")
    if len(errors) > before:
        return None
    return Expert(
        name=name,
        phone=phone,
        title=title,
        senior_rank=senior.lower() in _YES,
        organisation="",
        keywords=[],
        is_leader=False,
        status=ExpertStatus.active,
        term_start=start,
        term_end=term_end(start),
        specialties=[ExpertSpecialty(specialty_code=code) for code in dict.fromkeys(specialties)],
    )


def _parse(rows: list[list[str]], today: date, errors: list[RowError]) -> list[tuple[int, Expert]]:
    if not rows:
        raise RosterRejected([RowError(1, "", "the file is empty")])
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RosterRejected([RowError(1, c, "this column is missing") for c in missing])
    if len(rows) - 1 > MAX_ROWS:
        raise RosterRejected([RowError(MAX_ROWS + 2, "", f"at most {MAX_ROWS} experts in one file")])
    at = [header.index(c) for c in COLUMNS]
    parsed: list[tuple[int, Expert]] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = cells + [""] * (max(at) + 1 - len(cells))
        expert = _row([cells[i] for i in at], number, today, errors)
        if expert is not None:
            parsed.append((number, expert))
    return parsed


async def _against_the_database(
    uow: UnitOfWork, parsed: list[tuple[int, Expert]], errors: list[RowError]
) -> None:
    phones = [e.phone for _, e in parsed]
    taken = set((await uow.session.scalars(select(Expert.phone).where(Expert.phone.in_(phones)))).all())
    known = set((await uow.session.scalars(select(Specialty.code))).all())
    first: dict[str, int] = {}
    for number, expert in parsed:
        if expert.phone in taken:
            errors.append(RowError(number, "手机号", f"{expert.phone} is already an expert's"))
        elif expert.phone in first:
            errors.append(
                RowError(number, "手机号", f"{expert.phone} is already on row {first[expert.phone]}")
            )
        first.setdefault(expert.phone, number)
        unknown = sorted(expert.specialty_codes - known)
        if unknown:
            errors.append(RowError(number, "专业", f"no such specialty: {', '.join(unknown)}"))


async def import_experts(
    uow: UnitOfWork,
    staff: Staff,
    county_id: int,
    read: Callable[[], list[list[str]]],
    *,
    today: date,
    via: str,
) -> list[Expert]:
    """Certify every expert of the file for the county, or none. Commits."""
    staff.ensure(Permission.certify)
    await ensure_county_exists(uow, staff, county_id)
    errors: list[RowError] = []
    parsed = _parse(read(), today, errors)
    await _against_the_database(uow, parsed, errors)
    if errors:  # every bad row at once, in the file's order
        raise RosterRejected(sorted(errors, key=lambda e: (e.row, COLUMNS.index(e.column))))
    team = await county_team(uow, county_id)
    experts = [expert for _, expert in parsed]
    for expert in experts:
        expert.team_id, expert.county_id = team.id, county_id
    uow.session.add_all(experts)
    await uow.flush()
    for expert in experts:
        after = snapshot(expert)
        await audit.record(
            uow, staff.actor, "expert.certify", "expert", expert.id, after=after, via=via, imported=True
        )
    await uow.commit()
    return experts
