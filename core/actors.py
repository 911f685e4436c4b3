from __future__ import annotations

from dataclasses import dataclass

from storage.enums import ActorKind


@dataclass(frozen=True)
class Actor:
    """Who does something: recorded on every event, ledger row and audit entry."""

    kind: ActorKind
    id: int | None = None

    @classmethod
    def farmer(cls, farmer_id: int) -> Actor:
        return cls(ActorKind.farmer, farmer_id)

    @classmethod
    def expert(cls, expert_id: int) -> Actor:
        return cls(ActorKind.expert, expert_id)

    @classmethod
    def admin(cls, admin_id: int | None) -> Actor:
        return cls(ActorKind.admin, admin_id)

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorKind.system, None)
