"""Console sessions, CSRF tokens and the log-in limit.

Sessions live in the server's memory, keyed by a random cookie value: logging out ends one at once,
and a restart logs everyone out (a county office logs in again; nothing else is lost). The cookie is
HttpOnly, SameSite=Strict, and Secure when the console is reached over TLS: directly, or through a
proxy the settings say to trust (ADMIN_TRUST_PROXY), which alone may vouch with X-Forwarded-Proto.

Every form carries the session's CSRF token, compared in constant time; the log-in form, before
there is a session, carries a token that must equal its own cookie (double submit).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from dataclasses import dataclass, field

from aiohttp import web

from core.scope import Staff

COOKIE = "jf_console"
LOGIN_COOKIE = "jf_login"
LIFETIME_S = 8 * 3600  # a working day; then log in again
MAX_SESSIONS = 10_000  # a bound on memory whatever happens; the oldest go first


@dataclass(frozen=True)
class ConsoleSession:
    key: str
    staff: Staff
    name: str
    csrf: str
    expires: float


@dataclass
class SessionStore:
    sessions: dict[str, ConsoleSession] = field(default_factory=dict)

    def open(self, staff: Staff, name: str) -> ConsoleSession:
        while len(self.sessions) >= MAX_SESSIONS:
            self.sessions.pop(next(iter(self.sessions)))
        session = ConsoleSession(
            secrets.token_urlsafe(32), staff, name, secrets.token_urlsafe(32), time.monotonic() + LIFETIME_S
        )
        self.sessions[session.key] = session
        return session

    def get(self, key: str | None) -> ConsoleSession | None:
        session = self.sessions.get(key or "")
        if session is not None and session.expires <= time.monotonic():
            del self.sessions[session.key]
            return None
        return session

    def close(self, key: str | None) -> None:
        self.sessions.pop(key or "", None)

    def close_others(self, kept: ConsoleSession) -> None:
        """After a password change: the user's other sessions (another browser, a lost phone) end."""
        for key in [k for k, s in self.sessions.items() if s.staff.admin_id == kept.staff.admin_id]:
            if key != kept.key:
                del self.sessions[key]


@dataclass
class LoginLimit:
    """At most `attempts` log-in attempts per peer address in `window_s` seconds. Keyed on the TCP
    peer, never X-Forwarded-For, which any client can write."""

    attempts: int = 10
    window_s: float = 900.0
    seen: dict[str, deque[float]] = field(default_factory=dict)

    def allow(self, peer: str) -> bool:
        now = time.monotonic()
        if len(self.seen) > MAX_SESSIONS:
            self.seen.clear()
        times = self.seen.setdefault(peer, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if len(times) >= self.attempts:
            return False
        times.append(now)
        return True


SESSIONS = web.AppKey("console_sessions", SessionStore)
LIMIT = web.AppKey("console_login_limit", LoginLimit)
TRUST_PROXY = web.AppKey("console_trust_proxy", bool)


def is_tls(request: web.Request) -> bool:
    if request.secure:
        return True
    trusted = request.config_dict.get(TRUST_PROXY, False)
    return trusted and request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def set_cookie(response: web.StreamResponse, request: web.Request, name: str, value: str, path: str) -> None:
    response.set_cookie(
        name, value, path=path, httponly=True, samesite="Strict", secure=is_tls(request), max_age=LIFETIME_S
    )


def current(request: web.Request) -> ConsoleSession | None:
    return request.config_dict[SESSIONS].get(request.cookies.get(COOKIE))


def tokens_match(sent: object, expected: str) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(sent.encode(), expected.encode())
