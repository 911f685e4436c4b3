"""Invite codes: issued by staff for one expert or one service object, used once, then spent.

A code is 16 Crockford base32 characters (80 random bits), shown as ABCD-EFGH-JKMN-PQRS and read
case-insensitively with or without dashes or spaces, so it can be typed, said on the phone or sent
as a t.me deep link (/start CODE). Only its sha256 is stored: a copy of the database binds nobody.
What a code binds, and when it is refused, is core.binding's; this module keeps the codes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from core.actors import Actor
from core.audit import record
from core.errors import InvalidInput, NotFound, NotPermitted
from core.scope import Staff
from storage.models import Expert, InviteCode, ServiceObject
from storage.types import utcnow
from storage.uow import UnitOfWork

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U to misread
LENGTH = 16  # 16 × 5 bits = 80 bits: guessing one of even a million live codes takes ~10^18 tries
GROUP = 4
DEFAULT_DAYS = 7
MAX_DAYS = 90
MAX_ID = 2**31 - 1  # ids are INTEGER columns: a larger number names no row and PostgreSQL refuses it
ENTITY = "invite_code"
_SEPARATORS = re.compile(r"[\s\-]+")
_MISREAD = str.maketrans("ILO", "110")  # Crockford decoding: what a person may type for 1 and 0


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def canonical(raw: str) -> str | None:
    """The code as issued, from what a person typed; None when it cannot be one."""
    code = _SEPARATORS.sub("", raw).upper().translate(_MISREAD)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedCode:
    code: str  # grouped; shown once, never stored
    id: int
    expires_at: datetime
    rebind: bool


def _record_id(value: int, what: str) -> int:
    if not 1 <= value <= MAX_ID:
        raise InvalidInput(f"{what} id must be between 1 and {MAX_ID}, not {value}")
    return value


async def _holder(
    uow: UnitOfWork, staff: Staff, expert_id: int | None, service_object_id: int | None, rebind: bool
) -> None:
    if (expert_id is None) == (service_object_id is None):
        raise InvalidInput(
            "a code is for one expert (--expert ID) or one service object (--service-object ID)"
        )
    if expert_id is not None:
        expert = await uow.session.get(Expert, _record_id(expert_id, "expert"))
        if expert is None:
            raise NotFound(f"no expert with id {expert_id}")
        staff.ensure_county(expert.county_id, what="expert")
        if expert.telegram_user_id is not None and not rebind:
            raise NotPermitted(
                f"expert {expert_id} is bound to a Telegram account already and an ordinary code would be"
                " refused; to move the expert to a new account, issue a re-binding code (--rebind)"
            )
        return
    assert service_object_id is not None
    if rebind:
        raise InvalidInput("--rebind is for an expert; a service object's code binds one more member")
    service_object = await uow.session.get(ServiceObject, _record_id(service_object_id, "service object"))
    if service_object is None:
        raise NotFound(f"no service object with id {service_object_id}")
    staff.ensure_county(service_object.county_id, what="service object")
    if not service_object.certified:
        raise NotPermitted(f"service object {service_object_id} is not certified; its members cannot bind")


async def issue_code(
    uow: UnitOfWork,
    staff: Staff,
    *,
    expert_id: int | None = None,
    service_object_id: int | None = None,
    days: int = DEFAULT_DAYS,
    rebind: bool = False,
    now: datetime | None = None,
) -> IssuedCode:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"a code is valid for 1 to {MAX_DAYS} days, not {days}")
    await _holder(uow, staff, expert_id, service_object_id, rebind)
    code = new_code()
    row = InviteCode(
        code_hash=hash_code(code),
        expert_id=expert_id,
        service_object_id=service_object_id,
        rebind=rebind,
        issued_by=staff.admin_id,
        expires_at=(now or utcnow()) + timedelta(days=days),
    )
    uow.session.add(row)
    await uow.flush()
    await record(
        uow,
        staff.actor,
        "invite_code.issue",
        ENTITY,
        row.id,
        expert_id=expert_id,
        service_object_id=service_object_id,
        rebind=rebind,
        days=days,
    )
    await uow.commit()
    return IssuedCode(grouped(code), row.id, row.expires_at, rebind)


async def find(uow: UnitOfWork, raw: str) -> InviteCode | None:
    code = canonical(raw)
    if code is None:
        return None
    return await uow.session.scalar(select(InviteCode).where(InviteCode.code_hash == hash_code(code)))


def unusable(code: InviteCode, now: datetime) -> str | None:
    """Why the code binds nobody now (revoked, used, expired), or None."""
    if code.revoked_at is not None:
        return "code_revoked"
    if code.used_at is not None:
        return "code_used"
    if code.expires_at <= now:
        return "code_expired"
    return None


async def spend(uow: UnitOfWork, code: InviteCode, telegram_user_id: int, now: datetime) -> bool:
    """Mark the code used by this account; False when another use or a revocation came first
    (compare-and-set: of two accounts sending it at once, one binds)."""
    result = await uow.session.execute(
        update(InviteCode)
        .where(InviteCode.id == code.id, InviteCode.used_at.is_(None), InviteCode.revoked_at.is_(None))
        .values(used_at=now, used_by=telegram_user_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    code.used_at, code.used_by = now, telegram_user_id
    await record(uow, Actor.system(), "invite_code.use", ENTITY, code.id, telegram_user_id=telegram_user_id)
    return True


async def revoke_code(uow: UnitOfWork, staff: Staff, raw: str, now: datetime | None = None) -> InviteCode:
    code = await find(uow, raw)
    if code is None:
        raise NotFound("no such invite code (a code is 16 letters and digits, e.g. ABCD-EFGH-JKMN-PQRS)")
    holder: Expert | ServiceObject | None = (
        await uow.session.get(Expert, code.expert_id)
        if code.expert_id is not None
        else await uow.session.get(ServiceObject, code.service_object_id)
    )
    assert holder is not None  # foreign keys
    staff.ensure_county(holder.county_id, what="invite code")
    reason = unusable(code, now or utcnow())
    if reason == "code_revoked":
        raise InvalidInput(f"invite code #{code.id} was revoked already")
    if reason == "code_used":
        raise InvalidInput(f"invite code #{code.id} was used already; nothing to revoke")
    code.revoked_at = now or utcnow()
    await record(uow, staff.actor, "invite_code.revoke", ENTITY, code.id)
    await uow.commit()
    return code
