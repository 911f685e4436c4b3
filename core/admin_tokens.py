"""Back-office API tokens: shown once, stored as a SHA-256 hash, scoped by role and county.

Checking a token is on every API call's path, so a token read from the database is trusted for
`RECHECK_AFTER_S` in the process that read it, and its last use is written to the minute: a call
that only reads does not write (else each would run a SELECT, an UPDATE and a COMMIT of its own).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from core.actors import Actor
from core.audit import record
from core.errors import InvalidInput, NotFound
from storage.enums import AdminRole
from storage.models import AdminUser, ApiToken, County
from storage.types import utcnow
from storage.uow import UnitOfWork

TOKEN_PREFIX = "jf_"
TOKEN_BYTES = 32
DEFAULT_DAYS = 90  # a token nobody renews stops working by itself: staff change desks
MAX_DAYS = 366
# What create_token hands out: the prefix, then token_urlsafe(32), 43 characters of base64url.
_TOKEN_SHAPE = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{43}")
# A token read from the database is trusted this long by the process that read it: a token revoked
# elsewhere (`jingfu admin revoke-token` in another process) stops working within this time, at once
# in the process that revoked it. Expiry is exact whatever this says: checked against now on each call.
RECHECK_AFTER_S = 5.0
# last_used_at tells staff which tokens still serve (to decide what to revoke): to the minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_RECENT_MAX = 4096  # tokens remembered at once; more, and the memory starts again from empty


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
    expires_at: datetime


def parse_role(value: str) -> AdminRole:
    try:
        return AdminRole(value)
    except ValueError:
        choices = ", ".join(role.value for role in AdminRole)
        raise InvalidInput(f"unknown role {value!r}; choose one of: {choices}") from None


async def create_token(
    uow: UnitOfWork,
    *,
    role: AdminRole,
    county_name: str | None,
    name: str | None = None,
    days: int = DEFAULT_DAYS,
    now: datetime | None = None,
) -> IssuedToken:
    """A new admin with a token valid for `days`; the token is returned once and stored hashed."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"a token lives from 1 to {MAX_DAYS} days, not {days}")
    now = now or utcnow()
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
    expires_at = now + timedelta(days=days)
    uow.session.add(
        ApiToken(
            admin_user_id=user.id, token_hash=hash_token(token), prefix=token[:10], expires_at=expires_at
        )
    )
    await record(
        uow,
        Actor.system(),
        "create_token",
        "admin_user",
        user.id,
        role=str(role),
        county_id=county_id,
        prefix=token[:10],
        expires_at=expires_at.isoformat(),
    )
    await uow.commit()
    return IssuedToken(token, user.id, role, county_id, expires_at)


@dataclass(frozen=True)
class TokenHolder:
    """Who a token acts for."""

    token_id: int
    admin_user_id: int
    role: AdminRole
    county_id: int | None
    expires_at: datetime | None


@dataclass
class _Recent:
    holder: TokenHolder
    read_at: float  # time.monotonic() when read from the database
    last_used_at: datetime | None  # as stored


# token hash -> what the database said of it lately (per process; see RECHECK_AFTER_S)
_recent: dict[str, _Recent] = {}


async def _read(uow: UnitOfWork, token_hash: str) -> _Recent | None:
    row = (
        await uow.session.execute(
            select(
                ApiToken.id,
                ApiToken.admin_user_id,
                AdminUser.role,
                AdminUser.county_id,
                ApiToken.expires_at,
                ApiToken.last_used_at,
            )
            .join(AdminUser, AdminUser.id == ApiToken.admin_user_id)
            .where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None))
        )
    ).one_or_none()
    if row is None:
        _recent.pop(token_hash, None)
        return None
    token_id, admin_user_id, role, county_id, expires_at, last_used_at = row
    if len(_recent) >= _RECENT_MAX:
        _recent.clear()
    seen = _Recent(
        TokenHolder(token_id, admin_user_id, role, county_id, expires_at), time.monotonic(), last_used_at
    )
    _recent[token_hash] = seen
    return seen


def remembered_holder(token: str, *, now: datetime) -> TokenHolder | None:
    """Whom the token acts for, from this process's memory alone, when that needs no database: read
    within RECHECK_AFTER_S, not expired, its last use noted within the minute. None: ask
    `token_holder` (which also says None for a token that is unknown, revoked or expired)."""
    seen = _recent.get(hash_token(token))
    if (
        seen is None
        or time.monotonic() - seen.read_at >= RECHECK_AFTER_S
        or (seen.holder.expires_at is not None and seen.holder.expires_at <= now)
        or seen.last_used_at is None
        or seen.last_used_at <= now - LAST_USED_RESOLUTION
    ):
        return None
    return seen.holder


async def token_holder(uow: UnitOfWork, token: str, *, now: datetime | None = None) -> TokenHolder | None:
    """Whom the token acts for; None when it is unknown, revoked or expired. Notes its use to the
    minute (committing that alone); within the minute a call reads nothing but this process's memory."""
    now = now or utcnow()
    token_hash = hash_token(token)
    seen = _recent.get(token_hash)
    if seen is None or time.monotonic() - seen.read_at >= RECHECK_AFTER_S:
        seen = await _read(uow, token_hash)
        if seen is None:
            return None
    if seen.holder.expires_at is not None and seen.holder.expires_at <= now:
        return None
    stale = now - LAST_USED_RESOLUTION
    if seen.last_used_at is None or seen.last_used_at <= stale:
        # Guarded, so several processes serving the API write it once a minute between them.
        await uow.session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == seen.holder.token_id,
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= stale),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        await uow.commit()
        seen.last_used_at = now
    return seen.holder


async def authenticate(uow: UnitOfWork, token: str, *, now: datetime | None = None) -> AdminUser | None:
    """The admin the token belongs to; None when it is unknown, revoked or expired."""
    holder = await token_holder(uow, token, now=now)
    return None if holder is None else await uow.session.get(AdminUser, holder.admin_user_id)


async def revoke_token(uow: UnitOfWork, prefix_or_token: str, *, now: datetime | None = None) -> int:
    """Revoke the token given whole, or by the prefix `create_token` printed beside it; returns the
    admin's id. A prefix matching several tokens is refused rather than guessed."""
    now = now or utcnow()
    value = prefix_or_token.strip()
    if is_well_formed(value):
        rows = list(
            await uow.session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(value)))
        )
    elif value.startswith(TOKEN_PREFIX) and len(value) >= len(TOKEN_PREFIX) + 4:
        rows = list(await uow.session.scalars(select(ApiToken).where(ApiToken.prefix == value[:10])))
    else:
        raise InvalidInput("give the token, or its first 10 characters as create-token printed them")
    if not rows:
        raise NotFound("no token matches; nothing was revoked")
    if len(rows) > 1:
        raise InvalidInput("several tokens start like this; give the whole token")
    [row] = rows
    if row.revoked_at is None:
        row.revoked_at = now
        await record(uow, Actor.system(), "revoke_token", "admin_user", row.admin_user_id, prefix=row.prefix)
        await uow.commit()
    _recent.pop(row.token_hash, None)  # stops at once in this process (elsewhere: RECHECK_AFTER_S)
    return row.admin_user_id
