"""What went wrong with the database, in one line a person can act on.

Every command that touches the database meets the same few failures, and they surface as different
exception types depending on the driver and the moment: asyncpg raises the socket's own OSError
when nothing listens (SQLAlchemy re-raises it unwrapped), a DBAPIError without a statement when the
server refuses the login or the database name, and an OperationalError (SQLite) or ProgrammingError
(PostgreSQL) naming a missing table when the schema was never migrated. `jingfu` turns each of them
into the message below instead of a traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, ProgrammingError

from storage.engine import UnsupportedDatabaseError
from storage.migrate import SchemaNotCurrent

# How the two databases say "this table is not there": the schema is not migrated (or is another
# application's database).
_MISSING_TABLE = ("no such table", "does not exist")


def where(database_url: str) -> str:
    """The database as a person names it, without the password: host:port/name or the file."""
    try:
        url = make_url(database_url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return "DATABASE_URL"
    if url.get_backend_name() == "sqlite":
        return url.database or "an in-memory SQLite database"
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def database_failure(exc: BaseException, database_url: str, *, after_upgrade: str = "") -> str | None:
    """One line for a database that cannot be reached, refuses us, or has no schema; None otherwise.

    `after_upgrade` names what else to run once migrated (`jingfu seed demo` for the shell).
    """
    if isinstance(exc, UnsupportedDatabaseError):
        return str(exc)
    if isinstance(exc, SchemaNotCurrent):
        return f"{exc}{f' and {after_upgrade}' if after_upgrade and exc.current is None else ''}"
    place = where(database_url)
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        return f"cannot reach the database at {place} ({reason}); is the server running? check DATABASE_URL"
    if not isinstance(exc, DBAPIError):
        return None
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    if exc.statement is None:  # failed while connecting, before any statement
        return f"the database at {place} refused the connection ({detail}); check DATABASE_URL"
    if isinstance(exc, OperationalError | ProgrammingError) and any(m in detail for m in _MISSING_TABLE):
        then = f" and {after_upgrade}" if after_upgrade else ""
        return f"database not ready ({detail}); run `jingfu db upgrade`{then} or check DATABASE_URL"
    if isinstance(exc, OperationalError) and exc.connection_invalidated:
        return f"lost the connection to the database at {place} ({detail}); try again"
    return None
