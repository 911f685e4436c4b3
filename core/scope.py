"""County scoping: a county's staff act on their own county only; city roles see all."""

from __future__ import annotations

from dataclasses import dataclass

from core.actors import Actor
from core.errors import OutOfScope, does_not_exist
from core.permissions import Permission, ensure_allowed
from storage.enums import AdminRole


@dataclass(frozen=True)
class Staff:
    admin_id: int | None
    county_id: int | None  # None for the city roles
    role: AdminRole | None = None  # None: the local operator or the system, who may do all

    def ensure(self, permission: Permission) -> None:
        ensure_allowed(self.role, permission)

    @property
    def actor(self) -> Actor:
        return Actor.admin(self.admin_id)

    def ensure_county(self, county_id: int, *, what: str = "request", object_id: int | None = None) -> None:
        """Refuse another county's object; give `object_id` where the caller names the object by id,
        so the API's refusal reads exactly like the object's NotFound (core.errors.does_not_exist)."""
        if self.county_id is not None and self.county_id != county_id:
            raise OutOfScope(
                f"this {what} belongs to another county; county staff act on their own only",
                as_missing=does_not_exist(what, object_id) if object_id is not None else f"no such {what}",
            )


# The local operator and the system act city-wide (no county scope), on behalf of nobody in particular.
CITY_SYSTEM = Staff(admin_id=None, county_id=None)
