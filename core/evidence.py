"""The evidence of an on-site visit (an on-site service counts as 出诊): a photo from the visit or
the place, with what the expert wrote on the photo.

It is recorded as the completion event's reason, so the request's history keeps it with the rest
of the process (Art. 12): the kind and the reference on the first line, the expert's note after it.
Screening the note (Art. 11(3)) is the caller's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.errors import within_limit

MAX_NOTE_LENGTH = 1024  # Telegram's own limit on a caption
Kind = Literal["photo", "location"]


@dataclass(frozen=True)
class Evidence:
    kind: Kind
    ref: str  # the photo's file id, or "lat,lon"
    note: str | None = None  # the caption the expert sent with the photo

    @classmethod
    def photo(cls, file_id: str, caption: str | None = None) -> Evidence:
        return cls("photo", file_id, checked_note(caption))

    @classmethod
    def location(cls, latitude: float, longitude: float) -> Evidence:
        return cls("location", f"{latitude:.5f},{longitude:.5f}")

    def recorded(self) -> str:
        head = f"{self.kind}:{self.ref}"
        return f"{head}\n{self.note}" if self.note else head

    @classmethod
    def from_record(cls, recorded: str | None) -> Evidence | None:
        """The evidence a completion event recorded; None for any other reason."""
        head, _, note = (recorded or "").partition("\n")
        kind, _, ref = head.partition(":")
        if kind not in ("photo", "location") or not ref:
            return None
        return cls("photo" if kind == "photo" else "location", ref, note or None)


def checked_note(note: str | None) -> str | None:
    cleaned = (note or "").strip()
    return (
        within_limit(cleaned, MAX_NOTE_LENGTH, field="evidence_note", what="the note on the evidence") or None
    )
