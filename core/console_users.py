"""Console users: admins who log in to the web console with a name and a password.

`jingfu admin create-user` makes one (role and county as for API tokens); `log_in` is the console's
password check; `change_password` a user's own. Creating a user and changing a password are
audited, a log-in attempt is not (the console keeps
no history of guesses; it limits them per address instead, admin_api.console.limits).
"""

from __future__ import annotations

from sqlalchemy import select

from core.actors import Actor
from core.audit import record
from core.errors import InvalidInput, NotFound
from core.passwords import MIN_LENGTH, hash_password, verify_password
from core.scope import Staff
from storage.enums import AdminRole
from storage.models import AdminUser, County
from storage.uow import UnitOfWork

MAX_NAME = 64


async def _county_id(uow: UnitOfWork, role: AdminRole, county_name: str | None) -> int | None:
    if not role.is_county_scoped:
        if county_name:
            raise InvalidInput(f"role {role} is city-wide: drop --county")
        return None
    if not county_name:
        raise InvalidInput(f"role {role} acts for one county: add --county NAME")
    county_id = await uow.session.scalar(select(County.id).where(County.name == county_name))
    if county_id is None:
        known = ", ".join((await uow.session.scalars(select(County.name).order_by(County.code))).all())
        raise NotFound(f"unknown county {county_name!r}; known: {known or 'none (run jingfu seed demo)'}")
    return county_id


async def _console_user(uow: UnitOfWork, name: str) -> AdminUser | None:
    return await uow.session.scalar(
        select(AdminUser).where(AdminUser.name == name, AdminUser.password_hash.is_not(None)).limit(1)
    )


async def create_user(
    uow: UnitOfWork, *, name: str, role: AdminRole, county_name: str | None, password: str
) -> AdminUser:
    """A new console user; the name is what they log in with, so it must be free."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"a name has 1 to {MAX_NAME} characters")
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password has at least {MIN_LENGTH} characters")
    county_id = await _county_id(uow, role, county_name)
    if await _console_user(uow, name) is not None:
        raise InvalidInput(f"a console user named {name!r} exists already; choose another name")
    user = AdminUser(name=name, role=role, county_id=county_id, password_hash=await hash_password(password))
    uow.session.add(user)
    await uow.flush()
    await record(
        uow, Actor.system(), "create_console_user", "admin_user", user.id, role=str(role), county_id=county_id
    )
    await uow.commit()
    return user


async def log_in(uow: UnitOfWork, name: str, password: str) -> tuple[Staff, str] | None:
    """The staff a name and password belong to, with the name to greet them by; None otherwise
    (unknown name or wrong password alike, in the same time)."""
    user = await _console_user(uow, name.strip()) if len(name) <= MAX_NAME else None
    if not await verify_password(user.password_hash if user else None, password) or user is None:
        return None
    return Staff(admin_id=user.id, county_id=user.county_id, role=user.role), user.name


async def change_password(uow: UnitOfWork, staff: Staff, *, current: str, new: str, repeated: str) -> None:
    """The signed-in user's own password, replaced after the current one is proven; audited (never
    the password). Each refusal names its field: current, repeated or new. Commits."""
    user = await uow.session.get(AdminUser, staff.admin_id, with_for_update=True) if staff.admin_id else None
    if user is None or user.password_hash is None:
        raise NotFound("no console user is signed in")
    if not await verify_password(user.password_hash, current):
        raise InvalidInput("the current password is wrong", field="current")
    if new != repeated:
        raise InvalidInput("the new password and its repetition differ", field="repeated")
    if len(new) < MIN_LENGTH:
        raise InvalidInput(f"a password has at least {MIN_LENGTH} characters", field="new")
    user.password_hash = await hash_password(new)
    await record(uow, staff.actor, "console_user.password", "admin_user", user.id)
    await uow.commit()
