"""``jingfu screen``: screen one text per stdin line, one JSON verdict per stdout line.

The output contract is used by evaluation tools; keep it stable: ``{"text": …, "verdict":
"clean|flag|advise|block", "hits": [{"start": …, "end": …, "term": …, "category": …, "action": …}]}``.
"""

from __future__ import annotations

import argparse
import codecs
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from jingfu.cli.errors import CliError
from nlu.screening import Screener, TermLists, builtin_lists, read_lists
from nlu.screening.lists import ListFormatError
from render.terminal_text import json_line


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "screen",
        help="screen texts from stdin for banned and sensitive terms (JSON lines out)",
        description="Reads one text per line on stdin, writes one JSON object per line on stdout.",
    )
    parser.add_argument(
        "--lexicon",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="load only these term lists (terms without a category are blocked); repeatable",
    )
    parser.add_argument(
        "--allow",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="load only these allow-lists; repeatable",
    )
    parser.set_defaults(func=run)


def _lists(lexicons: list[Path], allow_lists: list[Path]) -> TermLists:
    for path in [*lexicons, *allow_lists]:
        if not path.exists() or path.is_dir():
            raise CliError(f"list file not found: {path}")
    builtin = builtin_lists()
    try:
        chosen = read_lists(lexicons, allow_lists)
    except (OSError, UnicodeDecodeError, ListFormatError) as exc:
        raise CliError(f"cannot read list: {exc}") from exc
    terms = chosen.terms if lexicons else builtin.terms
    allowed = chosen.allowed if allow_lists else builtin.allowed
    return TermLists(terms, allowed)


def run(args: argparse.Namespace) -> int:
    screener = Screener(_lists(args.lexicon, args.allow))
    out = sys.stdout
    for texts in _batches(sys.stdin):
        lines = []
        for text, result in zip(texts, screener.check_many(texts), strict=True):
            hits = [
                {
                    "start": h.start,
                    "end": h.end,
                    "term": h.term,
                    "category": h.category,
                    "action": str(h.action),
                }
                for h in result.hits
            ]
            # json_line: the text is echoed, and json.dumps leaves C1 and bidi controls raw.
            lines.append(json_line({"text": text, "verdict": str(result.verdict), "hits": hits}) + "\n")
        out.write("".join(lines))
        out.flush()
    return 0


_LINE_BREAK = re.compile("\r\n|\r|\n")  # what text-mode reading takes for the end of a line
_CHUNK = 1 << 16


def _batches(stream: TextIO) -> Iterator[list[str]]:
    """The lines of the stream, in batches of what has arrived: a file piped in is screened many
    lines at a time (``Screener.check_many``), while a caller that writes one line and waits gets
    its answer at once (``read1`` returns what is there, waiting only when nothing is)."""
    raw = getattr(stream, "buffer", None)
    if raw is None or not hasattr(raw, "read1"):  # an in-memory stream: all of it is there
        lines = [line.rstrip("\r\n") for line in stream]
        for at in range(0, len(lines), _CHUNK):
            yield lines[at : at + _CHUNK]
        return
    decoder = codecs.getincrementaldecoder(stream.encoding or "utf-8")(stream.errors or "strict")
    pending = ""
    while True:
        data = raw.read1(_CHUNK)
        pending += decoder.decode(data, final=not data)
        if not data:
            if pending:
                yield [_LINE_BREAK.sub("", pending)]
            return
        # A carriage return at the end may be the first half of a CRLF still on its way.
        complete = pending[:-1] if pending.endswith("\r") else pending
        *lines, rest = _LINE_BREAK.split(complete)
        pending = rest + pending[len(complete) :]
        if lines:
            yield lines
