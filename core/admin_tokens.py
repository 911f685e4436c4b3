"""Back-office API tokens: shown once, stored as a SHA-256 hash, scoped by role and county."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.actors import Actor
from core.audit import record
from core.errors import InvalidInput, NotFound
from storage.enums import AdminRole
from storage.models import AdminUser, ApiToken, County
from storage.types import utcnow
from storage.uow import UnitOfWork

TOKEN_PREFIX = "jf_"
TOKEN_BYTES = 32
# What create_token hands out: the prefix, then token_urlsafe(32), 43 characters of base64url.
_TOKEN_SHAPE = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{43}")


def is_well_formed(token: str) -> bool:
    """Whether `token` has the shape of a token create_token issues (known or not)."""
    return _TOKEN_SHAPE.fullmatch(token) is not None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    admin_user_id: int
    role: AdminRole
    county_id: int | None


def parse_role(value: str) -> AdminRole:
    try:
        return AdminRole(value)
    except ValueError:
        choices = ", ".join(role.value for role in AdminRole)
        raise InvalidInput(f"unknown role {value!r}; choose one of: {choices}") from None


async def create_token(
    uow: UnitOfWork, *, role: AdminRole, county_name: str | None, name: str | None = None
) -> IssuedToken:
    county_id = None
    if role.is_county_scoped:
        if not county_name:
            raise InvalidInput(f"role {role} acts for one county: add --county NAME")
        county = await uow.session.scalar(select(County).where(County.name == county_name))
        if county is None:
            known = ", ".join((await uow.session.scalars(select(County.name).order_by(County.code))).all())
            raise NotFound(f"unknown county {county_name!r}; known: {known or 'none (run jingfu seed demo)'}")
        county_id = county.id
    elif county_name:
        raise InvalidInput(f"role {role} is city-wide: drop --county")
    user = AdminUser(name=name or f"{role}", role=role, county_id=county_id)
    uow.session.add(user)
    await uow.flush()
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    uow.session.add(ApiToken(admin_user_id=user.id, token_hash=hash_token(token), prefix=token[:10]))
    await record(
        uow, Actor.system(), "create_token", "admin_user", user.id, role=str(role), county_id=county_id
    )
    await uow.commit()
    return IssuedToken(token, user.id, role, county_id)


async def authenticate(uow: UnitOfWork, token: str, *, now: datetime | None = None) -> AdminUser | None:
    """The admin the token belongs to; None when it is unknown, revoked or expired."""
    now = now or utcnow()
    row = await uow.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    )
    if row is None:
        return None
    row.last_used_at = now
    return await uow.session.get(AdminUser, row.admin_user_id)
