"""Domain errors: each says what was attempted and why it is refused, in words a user can act on."""

from __future__ import annotations

import re


class DomainError(Exception):
    """A rule of the measures refuses the operation. `code` is stable for API clients and tests."""

    code = "domain_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    code = "not_found"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class InsufficientBalance(DomainError):
    code = "insufficient_balance"


class NotPermitted(DomainError):
    code = "not_permitted"


def does_not_exist(what: str, object_id: int) -> str:
    """The one wording of a missing object, shared by NotFound and OutOfScope: the HTTP API must
    answer another county's object word for word as it answers a missing one."""
    return f"{what} {object_id} does not exist"


class OutOfScope(NotPermitted):
    """The object belongs to another county than the acting staff's. The HTTP API answers exactly as
    if it did not exist (404, `as_missing`, code not_found), so a county's staff cannot even learn
    which ids other counties use; the CLI, run on the server, says plainly why."""

    code = "out_of_scope"

    def __init__(self, message: str, *, as_missing: str, **details: object) -> None:
        super().__init__(message, **details)
        self.as_missing = as_missing


class AlreadyDeclined(NotPermitted):
    """The expert already said no to this request (declined, or let the invitation expire)."""

    code = "already_declined"


class Claimed(DomainError):
    """Another reviewer holds a live claim on the request (core.claims); answered 409 with who and
    until when, so the reviewer can ask them or pick another request."""

    code = "claimed"


class InvalidInput(DomainError):
    code = "invalid_input"


def within_limit(text: str, limit: int, *, field: str, what: str) -> str:
    """`text`, when it is at most `limit` characters; otherwise InvalidInput with the limit and the
    length, which the bot turns into "内容太长了（2406 字），最多 2000 字" for any form
    (bot.middlewares.errors.too_long), and the CLI prints as it is.

    Text with a NUL or a lone surrogate is refused as well: no database stores it (the bot cleans
    both as updates enter, bot.clean_input; this holds for every other way in)."""
    if _UNSTORABLE.search(text):
        raise InvalidInput(
            f"{what} has characters that cannot be stored (NUL or a lone surrogate)", field=field
        )
    if len(text) > limit:
        raise InvalidInput(
            f"{what} is limited to {limit} characters", field=field, limit=limit, length=len(text)
        )
    return text


def required_text(raw: str, limit: int, *, field: str, what: str) -> str:
    """`raw` without surrounding white space, when something is left and within `limit`."""
    text = within_limit(raw.strip(), limit, field=field, what=what)
    if not text:
        raise InvalidInput(f"{what} is empty", field=field)
    return text


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
