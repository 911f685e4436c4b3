"""``jingfu screen``: screen one text per stdin line, one JSON verdict per stdout line.

The output contract is used by evaluation tools; keep it stable: ``{"text": …, "verdict":
"clean|flag|advise|block", "hits": [{"start": …, "end": …, "term": …, "category": …, "action": …}]}``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jingfu.cli.errors import CliError
from jingfu.terminal_text import json_line
from nlu.screening import Screener, TermLists, builtin_lists, read_lists
from nlu.screening.lists import ListFormatError


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
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        result = screener.check(text)
        hits = [
            {"start": h.start, "end": h.end, "term": h.term, "category": h.category, "action": str(h.action)}
            for h in result.hits
        ]
        # json_line: the text is echoed, and json.dumps leaves C1 and bidi controls raw.
        out.write(json_line({"text": text, "verdict": str(result.verdict), "hits": hits}) + "\n")
    out.flush()
    return 0
