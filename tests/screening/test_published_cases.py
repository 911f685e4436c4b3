"""The evasion and allow-list cases published with houbb/sensitive-word and ToolGood.Words."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nlu.screening import Screener, ScreenerOptions, TermLists, read_lists
from nlu.screening.model import Action, Term
from tests.screening.conftest import DATA

# Cases whose upstream expectation depends on a choice we make differently; we assert our answer.
# Only where we find at least what upstream finds: a miss is never written down here as a choice.
DIFFERENT_BY_DESIGN = {
    # Upstream skips only "]" (a custom skip list), so 我[爱中]国 is not 我爱中国 there; we skip
    # every symbol, find the longer listed term, and report it instead of the 中国 inside it.
    "E21": ["我[爱中]国"],
}


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / "cases" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _screener(row: dict[str, str]) -> Screener:
    # The upstream configurations of the term cases do not check contact details (URL, digit runs).
    options = ScreenerOptions(contact=row["deny_words"].startswith("<"))
    if row["deny_words"].startswith("DEFAULT"):
        lexicons = DATA / "lexicons"
        return Screener(
            read_lists(
                [lexicons / "houbb_sensitive_word_dict.txt"], [lexicons / "houbb_sensitive_word_allow.txt"]
            ),
            options,
        )
    if row["deny_words"].startswith("<"):  # a pattern check (digit run, URL, IPv4), not a term list
        return Screener(TermLists((), ()), options)
    terms = tuple(Term(word, "test", Action.BLOCK) for word in row["deny_words"].split("|"))
    allowed = tuple(word for word in row["allow_words"].split("|") if word)
    return Screener(TermLists(terms, allowed), options)


def _params(name: str) -> list[object]:
    return [pytest.param(row, id=row["case_id"]) for row in _rows(name)]


@pytest.mark.parametrize("row", _params("evasion_cases.tsv") + _params("allowlist_fp_cases.tsv"))
def test_published_case(row: dict[str, str]) -> None:
    result = _screener(row).check(row["text"])

    upstream = [hit for hit in row["expected_hits"].split("|") if hit]
    expected = DIFFERENT_BY_DESIGN.get(row["case_id"], upstream)
    assert sorted(hit.matched for hit in result.hits) == sorted(expected)
    assert all(row["text"][hit.start : hit.end] == hit.matched for hit in result.hits)
    # A choice of ours, never a miss: each hit upstream expects lies inside one of ours.
    assert all(any(wanted in hit.matched for hit in result.hits) for wanted in upstream)


def test_case_files_are_read_in_place() -> None:
    assert not list(Path(__file__).parent.glob("*.tsv"))
