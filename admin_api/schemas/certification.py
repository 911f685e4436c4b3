"""Shapes of certification: experts, the county's team, service objects and their rosters."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from admin_api.endpoints import ID_MAX
from admin_api.pagination import PageQuery
from core.certification import ExpertFields, TeamReport
from core.rosters import ImportOutcome
from core.service_objects import ServiceObjectFields
from storage.enums import ExpertStatus, ServiceObjectKind
from storage.models import Expert, RosterMember, ServiceObject


class ExpertQuery(PageQuery):
    status: ExpertStatus | None = Field(None, description="active, suspended or retired (dismissed)")


class ExpertEdit(BaseModel):
    """Fields to change; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=64)
    phone: str | None = Field(None, max_length=32, description="a mainland mobile, e.g. 13904781001")
    title: str | None = Field(None, min_length=1, max_length=32, description="职称, e.g. 高级农艺师")
    senior_rank: StrictBool | None = Field(None, description="副高 or above (a leader must be, Art. 7)")
    organisation: str | None = Field(None, max_length=128)
    specialties: list[str] | None = Field(None, max_length=20, description="specialty codes")
    keywords: list[str] | None = Field(None, max_length=50, description="crops and animals covered")
    is_leader: StrictBool | None = Field(None, description="the team's one leader (Art. 7)")
    certified_on: date | None = Field(None, description="starts the five-year term (Art. 9(3)1)")

    def fields(self) -> ExpertFields:
        return ExpertFields(**self.model_dump(exclude={"county_id"}))


class ExpertCreate(ExpertEdit):
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field(max_length=32, description="a mainland mobile, e.g. 13904781001")
    title: str = Field(min_length=1, max_length=32, description="职称, e.g. 高级农艺师")
    specialties: list[str] = Field(min_length=1, max_length=20, description="specialty codes")
    county_id: StrictInt | None = Field(
        None, ge=1, le=ID_MAX, description="city roles name the county; county staff's own"
    )


class StatusBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, description="why, for the record (Art. 9(3)2)")


class ExpertOut(BaseModel):
    id: int
    name: str
    phone: str
    title: str
    senior_rank: bool
    organisation: str
    specialties: list[str]
    keywords: list[str]
    county_id: int
    team_id: int
    is_leader: bool
    term_start: date
    term_end: date
    status: ExpertStatus

    @classmethod
    def of(cls, expert: Expert) -> ExpertOut:
        fields = {name: getattr(expert, name) for name in cls.model_fields if name != "specialties"}
        return cls(**fields, specialties=sorted(expert.specialty_codes))


class ExpertPage(BaseModel):
    items: list[ExpertOut]
    next_cursor: str | None


class TeamOut(BaseModel):
    id: int
    county_id: int
    name: str
    active_members: int
    members: list[ExpertOut] = Field(description="the active members, by id")
    leader: ExpertOut | None
    problems: list[str] = Field(description="what Art. 7 asks that the team lacks; empty: in order")
    terms_ending: list[ExpertOut] = Field(
        description="members whose term ends within within_days (90 unless asked) or has ended, soonest first"
    )
    warnings: list[str] = Field(description="one per term in terms_ending, in words (Art. 9(3)1)")

    @classmethod
    def of(cls, report: TeamReport) -> TeamOut:
        return cls(
            id=report.team.id,
            county_id=report.team.county_id,
            name=report.team.name,
            active_members=len(report.members),
            members=[ExpertOut.of(e) for e in report.members],
            leader=ExpertOut.of(report.leader) if report.leader else None,
            problems=report.problems,
            terms_ending=[ExpertOut.of(e) for e in report.terms_ending],
            warnings=report.warnings,
        )


class ServiceObjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ServiceObjectKind = Field(description="county staff record households only (Art. 10)")
    name: str = Field(min_length=1, max_length=128)
    county_id: StrictInt | None = Field(
        None, ge=1, le=ID_MAX, description="city roles name the county; county staff's own"
    )
    township_id: StrictInt | None = Field(None, ge=1, le=ID_MAX)
    main_industries: list[str] = Field(default_factory=list, max_length=20)
    contact_name: str | None = Field(None, min_length=1, max_length=64, description="the householder")
    contact_phone: str | None = Field(None, min_length=1, max_length=32, description="a mainland mobile")

    def fields(self) -> ServiceObjectFields:
        return ServiceObjectFields(**self.model_dump(exclude={"kind", "county_id"}))


class ServiceObjectOut(BaseModel):
    id: int
    kind: ServiceObjectKind
    name: str
    county_id: int
    township_id: int | None
    main_industries: list[str]
    contact_name: str | None
    contact_phone: str | None
    certified: bool = Field(description="false: taken off the list (deactivated); its members cannot bind")

    @classmethod
    def of(cls, found: ServiceObject) -> ServiceObjectOut:
        return cls(**{name: getattr(found, name) for name in cls.model_fields})


class MemberOut(BaseModel):
    id: int
    name: str
    phone: str

    @classmethod
    def of(cls, member: RosterMember) -> MemberOut:
        return cls(id=member.id, name=member.name, phone=member.phone)


class RosterOut(BaseModel):
    service_object_id: int
    members: list[MemberOut]


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Format = Format.csv


class ImportOut(BaseModel):
    added: int
    updated: int = Field(description="members whose name changed")
    removed: int = Field(description="members the file no longer lists")
    kept: int

    @classmethod
    def of(cls, outcome: ImportOutcome) -> ImportOut:
        return cls(**outcome.__dict__)


class ImportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    county_id: int | None = Field(
        None, ge=1, le=ID_MAX, description="city roles name the county; county staff's own"
    )


class ImportedExperts(BaseModel):
    certified: list[ExpertOut]
