"""The screening term lists kept in the database (Art. 11(3)): banned terms (blocked), sensitive terms
(flagged for the reviewer) and the allowlist (words never to screen), beside the built-in lists.

The city institute edits them; every change is audited. The running bot watches `version()` and
rebuilds its screener when it changes (bot.live_terms), so a term added here screens within seconds,
without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select

from core import audit
from core.errors import InvalidInput, NotFound, does_not_exist, within_limit
from core.permissions import Permission
from core.scope import Staff
from storage.enums import TermAction
from storage.models import TermEntry
from storage.uow import UnitOfWork


class TermList(StrEnum):
    banned = "banned"  # a message with one is blocked
    sensitive = "sensitive"  # flagged for the reviewer, still sent
    allowlist = "allowlist"  # never screened (a crop or pest name that contains a listed term)


ACTIONS = {
    TermList.banned: TermAction.block,
    TermList.sensitive: TermAction.flag,
    TermList.allowlist: TermAction.allow,
}
MAX_IMPORT = 200  # per call: the most a 64 KiB body (admin_api.app.MAX_BODY_BYTES) always holds


@dataclass(frozen=True)
class NewTerm:
    term: str
    category: str = ""


async def version(uow: UnitOfWork) -> tuple[int, int]:
    """Changes whenever a term is added or removed: (how many, the newest id)."""
    row = (await uow.session.execute(select(func.count(), func.coalesce(func.max(TermEntry.id), 0)))).one()
    return int(row[0]), int(row[1])


async def all_terms(uow: UnitOfWork) -> list[TermEntry]:
    return list((await uow.session.scalars(select(TermEntry).order_by(TermEntry.id))).all())


async def terms(uow: UnitOfWork, staff: Staff, which: TermList | None) -> list[TermEntry]:
    staff.ensure(Permission.read_terms)
    query = select(TermEntry).order_by(TermEntry.id)
    if which is not None:
        query = query.where(TermEntry.list_name == which.value)
    return list((await uow.session.scalars(query)).all())


def _entry(which: TermList, new: NewTerm) -> TermEntry:
    term = within_limit(new.term.strip(), 128, field="term", what="a term")
    if not term:
        raise InvalidInput("the term is empty", field="term")
    category = within_limit(new.category.strip() or which.value, 32, field="category", what="a category")
    return TermEntry(list_name=which.value, term=term, category=category, action=ACTIONS[which])


async def add_terms(
    uow: UnitOfWork, staff: Staff, which: TermList, new: list[NewTerm], *, via: str
) -> list[TermEntry]:
    """Add terms to a list, all or none (a term already on it is refused, naming it). Commits."""
    staff.ensure(Permission.edit_terms)
    if not new or len(new) > MAX_IMPORT:
        raise InvalidInput(f"send 1 to {MAX_IMPORT} terms", field="terms")
    entries = [_entry(which, n) for n in new]
    texts = [e.term for e in entries]
    repeated = sorted({t for t in texts if texts.count(t) > 1})
    listed = (
        await uow.session.scalars(
            select(TermEntry.term).where(TermEntry.list_name == which.value, TermEntry.term.in_(texts))
        )
    ).all()
    if repeated or listed:
        raise InvalidInput(
            f"already on the {which} list or sent twice: {', '.join([*listed, *repeated])}", field="term"
        )
    uow.session.add_all(entries)
    await uow.flush()
    for entry in entries:
        after = {"list": entry.list_name, "term": entry.term, "category": entry.category}
        await audit.record(uow, staff.actor, "term.add", "term_entry", entry.id, after=after, via=via)
    await uow.commit()
    return entries


async def remove_term(uow: UnitOfWork, staff: Staff, term_id: int, *, via: str) -> None:
    staff.ensure(Permission.edit_terms)
    entry = await uow.session.get(TermEntry, term_id)
    if entry is None:
        raise NotFound(does_not_exist("term", term_id))
    before = {"list": entry.list_name, "term": entry.term, "category": entry.category}
    await uow.session.delete(entry)
    await audit.record(uow, staff.actor, "term.remove", "term_entry", term_id, before=before, via=via)
    await uow.commit()
