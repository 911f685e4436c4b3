"""Shapes of the county's list of service objects and of one roster member at a time."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from admin_api.endpoints import ID_MAX
from admin_api.pagination import PageQuery
from admin_api.schemas.certification import ServiceObjectOut
from core.service_objects import ServiceObjectFields, ServiceObjectFilter
from storage.enums import ServiceObjectKind


class ServiceObjectQuery(PageQuery):
    kind: ServiceObjectKind | None = Field(None, description="household, point, park or unit")
    township_id: int | None = Field(None, ge=1, le=ID_MAX)
    certified: bool | None = Field(
        None, description="true: on the list; false: taken off (deactivated); left out: both"
    )

    def where(self) -> ServiceObjectFilter:
        return ServiceObjectFilter(kind=self.kind, township_id=self.township_id, certified=self.certified)


class ServiceObjectPage(BaseModel):
    items: list[ServiceObjectOut]
    next_cursor: str | None


class ServiceObjectEdit(BaseModel):
    """Fields to change; those left out stay. `null` empties township_id, contact_name, contact_phone."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=128)
    township_id: StrictInt | None = Field(None, ge=1, le=ID_MAX)
    main_industries: list[str] | None = Field(None, max_length=20)
    contact_name: str | None = Field(None, min_length=1, max_length=64, description="the householder")
    contact_phone: str | None = Field(None, min_length=1, max_length=32, description="a mainland mobile")

    def fields(self) -> ServiceObjectFields:
        sent = self.model_dump(exclude_unset=True)
        return ServiceObjectFields(
            **{name: value for name, value in sent.items() if value is not None},
            cleared=frozenset(name for name, value in sent.items() if value is None),
        )


class ListingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, description="why, for the record (Art. 10(3))")


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=1, max_length=32, description="a mainland mobile, e.g. 139 0478 1001")


class MemberEdit(BaseModel):
    """Fields to change; those left out stay."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=64)
    phone: str | None = Field(None, min_length=1, max_length=32, description="a mainland mobile")
