"""Console passwords: argon2id hashes (argon2-cffi), made and checked off the event loop.

A hash with the library's default costs takes ~400 ms of CPU here: run on the loop it would stall
every other reviewer and the bot beside it, so both calls go through `asyncio.to_thread`. Tests
swap `HASHER` for cheap parameters (tests/console/conftest.py); the stored hash carries its own
parameters, so a hash made with either verifies with either.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher()
MIN_LENGTH = 10
# A hash to check against when the name is unknown, so an unknown name costs as long as a wrong
# password and the time does not tell which names exist.
_DECOY: list[str] = []


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(HASHER.hash, password)


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored`; None (no such console user) costs a check all the same."""
    if stored is None:
        if not _DECOY:
            _DECOY.append(await hash_password("not a password anyone has"))
        await asyncio.to_thread(_verify, _DECOY[0], password)
        return False
    return await asyncio.to_thread(_verify, stored, password)
