"""The term lists' shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from core.term_lists import MAX_IMPORT, TermList
from storage.enums import TermAction
from storage.models import TermEntry


class TermQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    list: TermList | None = Field(None, description="banned, sensitive or allowlist; left out: all")


class NewTermBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    term: str = Field(min_length=1, max_length=128)
    category: str = Field("", max_length=32, description="e.g. fraud, drugs; left out: the list's name")


class TermsBody(BaseModel):
    """One term or many (an import): all are added or none."""

    model_config = ConfigDict(extra="forbid")

    # `terms` first: after the field `list`, the class body's `list` is no longer the builtin
    terms: list[NewTermBody] = Field(min_length=1, max_length=MAX_IMPORT)
    list: TermList


class TermOut(BaseModel):
    id: int
    list: str
    term: str
    category: str
    action: TermAction
    created_at: datetime

    @classmethod
    def of(cls, entry: TermEntry) -> TermOut:
        return cls(
            id=entry.id,
            list=entry.list_name,
            term=entry.term,
            category=entry.category,
            action=entry.action,
            created_at=entry.created_at,
        )


class TermsOut(BaseModel):
    items: list[TermOut]


class Removed(BaseModel):
    id: int
    removed: bool = True
