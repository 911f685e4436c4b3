"""Reference data every installation needs: Bayannur's counties and townships, the specialty taxonomy."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select

from storage.models import County, Specialty, Township
from storage.uow import UnitOfWork


def _read(name: str) -> str:
    return resources.files("core.seed").joinpath(name).read_text(encoding="utf-8")


def load_yaml(name: str) -> Any:
    return yaml.safe_load(_read(name))


def regions() -> list[dict[str, Any]]:
    return [json.loads(line) for line in _read("bayannur_regions.jsonl").splitlines() if line.strip()]


async def seed_reference(uow: UnitOfWork) -> dict[str, int]:
    """Insert what is missing; running it twice changes nothing."""
    session = uow.session
    added = {"counties": 0, "townships": 0, "specialties": 0}
    counties = {c.code: c for c in (await session.scalars(select(County))).all()}
    known_townships = set((await session.scalars(select(Township.code))).all())
    rows = regions()
    for row in rows:
        if row["level"] == "county" and row["code"] not in counties:
            counties[row["code"]] = County(code=row["code"], name=row["name"])
            session.add(counties[row["code"]])
            added["counties"] += 1
    await uow.flush()
    for row in rows:
        if row["level"] != "county" and row["code"] not in known_townships:
            session.add(
                Township(code=row["code"], name=row["name"], county_id=counties[row["county_code"]].id)
            )
            added["townships"] += 1
    known_specialties = set((await session.scalars(select(Specialty.code))).all())
    for spec in load_yaml("specialties.yaml"):
        if spec["code"] not in known_specialties:
            session.add(
                Specialty(
                    code=spec["code"],
                    name_zh=spec["zh"],
                    name_en=spec["en"],
                    covers=spec["covers"],
                    coarse_group=spec["group"],
                )
            )
            added["specialties"] += 1
    await uow.flush()
    return added
