"""Other people's text, made safe to print on an operator's terminal.

A farmer's problem description, an expert's advisory, a county name typed on the command line: any
of them may carry control characters. Printed raw, `ESC [2K ESC [1A` erases the lines above it in
`jingfu review list`, and a right-to-left override (U+202E) shows the rest of a line reversed, so a
reviewer could approve something other than what they read. Every terminal output of `jingfu`
passes such text through here, and the controls are shown escaped (`\\x1b`, `\\u202e`): visible,
and what the text really holds.

Escaped: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F), the bidirectional marks, embeddings,
overrides and isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and
paragraph separators (U+2028, U+2029), which some terminals take as line breaks.
"""

from __future__ import annotations

import json
import re

# Regular-expression ranges (escapes the re module reads), beyond C0.
_BEYOND_C0 = r"\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(r"[\x00-\x1f" + _BEYOND_C0 + "]")
_CONTROL_BUT_TAB_AND_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f" + _BEYOND_C0 + "]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """For a listing: every run of white space (newlines too) becomes one space, controls are escaped."""
    return _CONTROL.sub(_escaped, " ".join(text.split()))


def lines(text: str) -> str:
    """For a detail view: newlines and tabs stay, every other control is escaped."""
    return _CONTROL_BUT_TAB_AND_NEWLINE.sub(_escaped, text)


def json_line(value: object) -> str:
    """JSON for a terminal: json.dumps escapes C0 only; DEL, C1 and the bidi controls are escaped
    too (as \\u00XX, still valid JSON that reads back as the same text)."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
