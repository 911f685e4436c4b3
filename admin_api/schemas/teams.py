"""Shapes of the county's expert team (Art. 7) as the county forms, names and leads it."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from admin_api.endpoints import ID_MAX
from admin_api.pagination import PageQuery
from admin_api.schemas.certification import TeamOut
from core.certification import TERM_WARNING

_WITHIN = Field(
    TERM_WARNING.days,
    ge=0,
    le=3650,
    description="warn of members' terms ending within this many days (or ended already)",
)


class TeamQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    within_days: int = _WITHIN

    @property
    def warn_within(self) -> timedelta:
        return timedelta(days=self.within_days)


class TeamListQuery(PageQuery):
    within_days: int = _WITHIN
    ending: bool = Field(False, description="true: only teams with a term ending within_days")

    @property
    def warn_within(self) -> timedelta:
        return timedelta(days=self.within_days)


class TeamPage(BaseModel):
    items: list[TeamOut]
    next_cursor: str | None


class TeamCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, description="e.g. 临河区精准服务专家团")
    county_id: StrictInt | None = Field(
        None, ge=1, le=ID_MAX, description="city roles name the county; county staff's own"
    )


class TeamEdit(BaseModel):
    """Fields to change; those left out stay."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=64)
    leader_id: StrictInt | None = Field(
        None, ge=1, le=ID_MAX, description="an active member, 副高 or above (Art. 7)"
    )
