"""`jingfu seed demo`: a working county for the local demo — teams, service objects, vouchers, fees."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from core import ledger
from core.actors import Actor
from core.budget import budget_year
from core.seed.reference import load_yaml, seed_reference
from storage.enums import ServiceMode, ServiceObjectKind
from storage.models import (
    County,
    Expert,
    ExpertSpecialty,
    FeeScheduleEntry,
    RosterMember,
    ServiceObject,
    Team,
    Township,
    VoucherAllowance,
)
from storage.types import utcnow
from storage.uow import UnitOfWork

TERM_YEARS = 5


async def _by_name(uow: UnitOfWork, model: Any, name: str) -> Any:
    return await uow.session.scalar(select(model).where(model.name == name))


async def seed_demo(uow: UnitOfWork, *, now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    counts = await seed_reference(uow)
    if await uow.session.scalar(select(Expert.id).limit(1)) is not None:
        await uow.commit()
        return counts | {"already_seeded": 1}
    data = load_yaml("demo.yaml")
    year = budget_year(now)
    for mode, fee in data["fee_schedule_fen"].items():
        uow.session.add(
            FeeScheduleEntry(
                service_mode=ServiceMode(mode), fee_fen=fee, effective_from=now - timedelta(days=1)
            )
        )
    for kind, amount in data["voucher_allowance_fen"].items():
        uow.session.add(VoucherAllowance(kind=ServiceObjectKind(kind), budget_year=year, amount_fen=amount))
    counts["experts"] = await _seed_teams(uow, data["teams"], now)
    counts["service_objects"] = await _seed_service_objects(uow, data["service_objects"], data, year)
    await uow.commit()
    return counts


async def _seed_teams(uow: UnitOfWork, teams: list[dict[str, Any]], now: datetime) -> int:
    count = 0
    for team_data in teams:
        county = await _by_name(uow, County, team_data["county"])
        team = Team(county_id=county.id, name=team_data["name"])
        uow.session.add(team)
        await uow.flush()
        for person in team_data["experts"]:
            start = now.date().replace(month=1, day=1)
            uow.session.add(
                Expert(
                    name=person["name"],
                    phone=person["phone"],
                    title=person["title"],
                    senior_rank=person.get("senior", False),
                    organisation=person.get("org", ""),
                    team_id=team.id,
                    county_id=county.id,
                    is_leader=person.get("leader", False),
                    keywords=person.get("keywords", []),
                    term_start=start,
                    term_end=start.replace(year=start.year + TERM_YEARS),
                    specialties=[ExpertSpecialty(specialty_code=code) for code in person["specialties"]],
                )
            )
            count += 1
    await uow.flush()
    return count


async def _seed_service_objects(
    uow: UnitOfWork, objects: list[dict[str, Any]], data: dict[str, Any], year: int
) -> int:
    for item in objects:
        county = await _by_name(uow, County, item["county"])
        township = await _by_name(uow, Township, item["township"]) if item.get("township") else None
        service_object = ServiceObject(
            kind=ServiceObjectKind(item["kind"]),
            name=item["name"],
            county_id=county.id,
            township_id=township.id if township else None,
            main_industries=item.get("industries", []),
        )
        uow.session.add(service_object)
        await uow.flush()
        for member in item["roster"]:
            uow.session.add(
                RosterMember(service_object_id=service_object.id, name=member["name"], phone=member["phone"])
            )
        account = await ledger.open_account(uow, service_object.id, year)
        amount = data["voucher_allowance_fen"][item["kind"]]
        await ledger.issue(uow, account, amount, Actor.system(), note=f"{year} demo allowance")
    return len(objects)
