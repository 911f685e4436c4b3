"""Keyset pages for the lists keyed by id (advisories, complaints, the audit log).

A page ends with `next_cursor` (None on the last page); the client sends it back as `cursor` and gets
the rows after the last one it saw, whatever was written in between. The cursor is opaque to clients
(base64url), so its inside can change without breaking them.
"""

from __future__ import annotations

import base64
import binascii
import re

from pydantic import BaseModel, ConfigDict, Field

from admin_api.endpoints import ID_MAX
from admin_api.problems import Problem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_INSIDE = re.compile(r"id:([0-9]{1,10})")


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="rows per page")
    cursor: str | None = Field(
        None, max_length=64, description="the previous page's next_cursor; leave out for the first page"
    )

    def after_id(self) -> int | None:
        """The last id of the previous page, or 400 for a cursor this API did not give."""
        if self.cursor is None:
            return None
        try:
            inside = base64.urlsafe_b64decode(self.cursor + "=" * (-len(self.cursor) % 4)).decode("ascii")
        except (binascii.Error, ValueError):
            inside = ""
        found = _INSIDE.fullmatch(inside)
        if found is None or not 1 <= int(found[1]) <= ID_MAX:
            raise Problem(
                400, "Bad Request", "cursor: not a cursor this API gave; leave it out to start again"
            )
        return int(found[1])

    def next_cursor(self, ids: list[int]) -> str | None:
        """The cursor after a page holding `ids`; None when the page was not full (nothing more)."""
        if len(ids) < self.limit:
            return None
        return base64.urlsafe_b64encode(f"id:{ids[-1]}".encode()).decode().rstrip("=")
