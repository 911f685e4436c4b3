from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UtcDateTime, utcnow

# A naming convention makes constraint names deterministic, so Alembic can drop them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def str_enum(enum_cls: type[StrEnum], name: str | None = None) -> Enum:
    """Enums as VARCHAR + CHECK: adding a value is a plain migration on SQLite and PostgreSQL.

    `name` names the CHECK constraint; pass it when one table has two columns of the same enum.
    """
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=32,
        name=name or enum_cls.__name__.lower(),
        values_callable=lambda cls: [member.value for member in cls],
    )


class CreatedAt:
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, nullable=False)
