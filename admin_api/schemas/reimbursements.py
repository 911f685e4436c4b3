"""Reimbursement statements' shapes. Money is integer fen; the files (CSV, XLSX) show yuan."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from admin_api.endpoints import ID_MAX
from core.reimbursements import Statement
from storage.enums import ServiceMode

PERIOD = Field(
    pattern=r"^20[0-9]{2}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$",
    description="a month (2026-07), quarter (2026-Q3), half-year (2026-H2) or year (2026), Asia/Shanghai",
)


class FileFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class StatementQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str = PERIOD
    format: FileFormat | None = Field(
        None, description="json (default), csv or xlsx; or ask by the Accept header"
    )


class LineOut(BaseModel):
    request_id: int
    service_object: str = Field(description="the service object served")
    farmer: str = Field(description="the member who asked")
    completed_at: datetime
    mode: ServiceMode
    fee_fen: int = Field(description="what the ledger captured for this service")


class StatementOut(BaseModel):
    id: int | None = Field(description="null for a draft (not stored until confirmed)")
    expert_id: int
    expert: str
    county: str
    period: str
    status: str = Field(description="draft, confirmed or paid")
    total_fen: int
    lines: list[LineOut]

    @classmethod
    def of(cls, statement: Statement) -> StatementOut:
        return cls(
            id=statement.id,
            expert_id=statement.expert_id,
            expert=statement.expert,
            county=statement.county,
            period=statement.period,
            status=statement.status,
            total_fen=statement.total_fen,
            lines=[
                LineOut(
                    request_id=x.request_id,
                    service_object=x.service_object,
                    farmer=x.farmer,
                    completed_at=x.completed_at,
                    mode=x.mode,
                    fee_fen=x.fee_fen,
                )
                for x in statement.lines
            ],
        )


class StatementPage(BaseModel):
    period: str
    total_fen: int = Field(description="all statements' lines: equals the ledger's captures in the period")
    statements: list[StatementOut]


class StepBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expert_id: int = Field(ge=1, le=ID_MAX)
    period: str = PERIOD
