"""The people one can play in the terminal: the demo seed's roster members and experts.

Read from the demo seed itself, so a persona's phone is exactly what the seeded database holds and
sharing the contact binds them like a real farmer or expert would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from core.seed.reference import load_yaml

Kind = Literal["farmer", "expert"]
FARMER_ID_BASE = 10000
EXPERT_ID_BASE = 20000


@dataclass(frozen=True)
class Persona:
    kind: Kind
    number: int  # 1-based, as typed after /as
    name: str
    phone: str
    detail: str  # the service object, or the expert's county and title

    @property
    def user_id(self) -> int:
        return (FARMER_ID_BASE if self.kind == "farmer" else EXPERT_ID_BASE) + self.number

    @property
    def label(self) -> str:
        return f"{self.name}({'农户' if self.kind == 'farmer' else '专家'} {self.number})"


def demo_personas(seed: dict[str, Any] | None = None) -> list[Persona]:
    seed = seed or load_yaml("demo.yaml")
    members = [(member, item["name"]) for item in seed["service_objects"] for member in item["roster"]]
    experts = [(person, team["county"]) for team in seed["teams"] for person in team["experts"]]
    return [
        Persona("farmer", n, member["name"], member["phone"], where)
        for n, (member, where) in enumerate(members, start=1)
    ] + [
        Persona("expert", n, person["name"], person["phone"], f"{county} {person['title']}")
        for n, (person, county) in enumerate(experts, start=1)
    ]
