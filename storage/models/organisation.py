"""Who takes part: counties, specialties, expert teams, experts, service objects and farmers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.enums import ExpertStatus, ServiceObjectKind
from storage.models.base import Base, CreatedAt, str_enum


class County(Base):
    __tablename__ = "counties"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)


class Township(Base):
    __tablename__ = "townships"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)


class Specialty(Base):
    __tablename__ = "specialties"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    covers: Mapped[str] = mapped_column(Text, default="")
    coarse_group: Mapped[str] = mapped_column(String(32))


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), unique=True)
    name: Mapped[str] = mapped_column(String(64))


class ExpertSpecialty(Base):
    __tablename__ = "expert_specialties"

    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True)
    specialty_code: Mapped[str] = mapped_column(ForeignKey("specialties.code"), primary_key=True)


class Expert(CreatedAt, Base):
    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    title: Mapped[str] = mapped_column(String(32))  # 职称, e.g. 研究员, 高级农艺师
    senior_rank: Mapped[bool] = mapped_column(Boolean, default=False)  # 副高 or above (Art. 7)
    organisation: Mapped[str] = mapped_column(String(128), default="")
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)  # crops / livestock covered
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date)  # 5-year term (Art. 10)
    status: Mapped[ExpertStatus] = mapped_column(str_enum(ExpertStatus), default=ExpertStatus.active)
    language: Mapped[str] = mapped_column(String(8), default="zh_CN")
    forum_topics: Mapped[bool] = mapped_column(Boolean, default=False)

    specialties: Mapped[list[ExpertSpecialty]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def specialty_codes(self) -> set[str]:
        return {s.specialty_code for s in self.specialties}


class ServiceObject(CreatedAt, Base):
    __tablename__ = "service_objects"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ServiceObjectKind] = mapped_column(str_enum(ServiceObjectKind))
    name: Mapped[str] = mapped_column(String(128))
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("townships.id"))
    main_industries: Mapped[list[str]] = mapped_column(JSON, default=list)
    certified: Mapped[bool] = mapped_column(Boolean, default=True)
    contact_name: Mapped[str | None] = mapped_column(String(64))  # the householder, the park's contact
    contact_phone: Mapped[str | None] = mapped_column(String(20))  # a mainland mobile, 11 digits


class RosterMember(Base):
    __tablename__ = "roster_members"
    __table_args__ = (UniqueConstraint("service_object_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_object_id: Mapped[int] = mapped_column(ForeignKey("service_objects.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20), index=True)


class Farmer(CreatedAt, Base):
    __tablename__ = "farmers"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    service_object_id: Mapped[int] = mapped_column(ForeignKey("service_objects.id"), index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="zh_CN")
    advisories_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
