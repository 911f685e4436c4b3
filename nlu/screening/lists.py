"""Term lists as data: the built-in lists, external lists, and the action each category takes.

File formats (UTF-8, one entry a line, blank lines and ``#`` comments ignored):

* built-in style: ``term`` or ``term<TAB>category[<TAB>action]``; a file may set defaults for its
  lines with ``# category: NAME`` and ``# action: block|flag|advise`` header comments;
* tag style, as houbb/sensitive-word ships it: ``term<SPACE>tag[,tag]``, numeric tags (0 politics,
  1 drugs, 2 pornography, 3 gambling, 4 illegal) or words (政治, 色情 …); the first tag is the
  category — recognised when every line has this shape;
* a plain list (``term`` per line): terms without a category, which are blocked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from nlu.screening.model import Action, Term

CATEGORY_ACTIONS: dict[str, Action] = {
    "politics": Action.BLOCK,
    "porn": Action.BLOCK,
    "gambling": Action.BLOCK,
    "drugs": Action.BLOCK,
    "fraud": Action.BLOCK,
    "violence": Action.BLOCK,
    "sensitive": Action.FLAG,
    "banned_pesticide": Action.ADVISE,
    "restricted_pesticide": Action.ADVISE,
}
UNCATEGORISED = "uncategorised"
TAG_CATEGORIES = {
    "0": "politics",
    "1": "drugs",
    "2": "porn",
    "3": "gambling",
    "4": "fraud",
    "政治": "politics",
    "毒品": "drugs",
    "色情": "porn",
    "赌博": "gambling",
    "违法": "fraud",
    "广告": "fraud",
    "暴恐": "violence",
    "暴力": "violence",
}

_TAGGED_LINE = re.compile(r"^(\S.*?) ([^\s,]+(?:,[^\s,]+)*)$")
_HEADER = re.compile(r"^#\s*(category|action)\s*:\s*(\S+)\s*$")
_BUILTIN_PACKAGE = "nlu.screening.wordlists"


class ListFormatError(ValueError):
    """A list file that cannot be read as any of the supported formats."""


@dataclass(frozen=True, slots=True)
class TermLists:
    """Everything a screener is built from."""

    terms: tuple[Term, ...]
    allowed: tuple[str, ...]

    def __add__(self, other: TermLists) -> TermLists:
        return TermLists(self.terms + other.terms, self.allowed + other.allowed)


def action_for(category: str) -> Action:
    return CATEGORY_ACTIONS.get(category, Action.BLOCK)


def _entries(lines: Iterable[str]) -> list[str]:
    return [line.rstrip("\r\n") for line in lines if line.strip() and line.lstrip()[0] != "#"]


def parse_terms(lines: Sequence[str], source: str = "<list>") -> list[Term]:
    """Terms from the lines of a list file in any of the supported formats."""
    defaults: dict[str, str] = {}
    for line in lines:
        if "#" in line and (header := _HEADER.match(line.strip())):
            defaults[header.group(1)] = header.group(2)
    entries = _entries(lines)
    if entries and not defaults:
        rows: list[tuple[str, str]] = []
        for entry in entries:
            match = _TAGGED_LINE.match(entry) if " " in entry else None
            if match is None:
                break
            rows.append((match.group(1), match.group(2)))
        else:
            return _tagged_terms(rows)
    category = defaults.get("category", UNCATEGORISED)
    action = _parse_action(defaults.get("action"), source) or action_for(category)
    terms: list[Term] = []
    for entry in entries:
        if "\t" not in entry:  # most lines: a bare term
            if text := entry.strip():
                terms.append(Term(text, category, action))
            continue
        fields = [field.strip() for field in entry.split("\t")]
        if len(fields) > 3:
            raise ListFormatError(f"{source}: too many fields in {entry!r}")
        term_category = fields[1] if len(fields) > 1 and fields[1] else category
        term_action = _parse_action(fields[2] if len(fields) > 2 else None, source)
        fallback = action if term_category == category else action_for(term_category)
        if fields[0]:
            terms.append(Term(fields[0], term_category, term_action or fallback))
    return terms


def _tagged_terms(rows: list[tuple[str, str]]) -> list[Term]:
    terms = []
    known: dict[str, tuple[str, Action]] = {}
    for text, tags in rows:
        first = tags.split(",", 1)[0]
        if first not in known:
            category = TAG_CATEGORIES.get(first, first)
            known[first] = (category, action_for(category))
        terms.append(Term(text.strip(), *known[first]))
    return terms


def _parse_action(value: str | None, source: str) -> Action | None:
    if not value:
        return None
    try:
        return Action(value)
    except ValueError:
        raise ListFormatError(f"{source}: unknown action {value!r} (use block, flag or advise)") from None


def parse_allowed(lines: Iterable[str]) -> list[str]:
    return [entry.strip() for entry in _entries(lines) if entry.strip()]


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()


def read_lists(lexicons: Iterable[Path] = (), allow_lists: Iterable[Path] = ()) -> TermLists:
    """Term lists from files; raises OSError for an unreadable file, ListFormatError for a bad one."""
    terms = [term for path in lexicons for term in parse_terms(_read_lines(path), str(path))]
    allowed = [word for path in allow_lists for word in parse_allowed(_read_lines(path))]
    return TermLists(tuple(terms), tuple(allowed))


def builtin_lists() -> TermLists:
    """The lists kept in ``nlu/screening/wordlists``: ``allow_*.txt`` allow words, other ``*.txt`` terms."""
    terms: list[Term] = []
    allowed: list[str] = []
    for entry in sorted(resources.files(_BUILTIN_PACKAGE).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".txt"):
            continue
        lines = entry.read_text(encoding="utf-8").splitlines()
        if entry.name.startswith("allow_"):
            allowed.extend(parse_allowed(lines))
        else:
            terms.extend(parse_terms(lines, entry.name))
    # The team's own terms are exact (Term.exact): never explained away as part of a farm word.
    terms = [term._replace(exact=True) for term in terms]
    # A pesticide we advise about is farm vocabulary: another list must not block it (毒杀芬, 蝇毒磷).
    allowed.extend(term.text for term in terms if term.category.endswith("pesticide"))
    listed = {term.text for term in terms}
    allowed.extend(word for word in farm_vocabulary() if word not in listed)
    return TermLists(tuple(terms), tuple(allowed))


def one_character_animals() -> frozenset[str]:
    """The animals the NLU lexicon names with one character (鸡, 猪, 鱼, 蚕…; its ``livestock`` and
    ``aquatic`` sections): the heads of farm nouns (乌骨|鸡, 断奶仔|猪)."""
    found: set[str] = set()
    section = ""
    for line in _lexicon_lines():
        if line.startswith("["):
            section = line.strip("[]")
        elif line[0] != "#" and section in ("livestock", "aquatic"):
            found.update(word for word in line.split() if len(word) == 1)
    return frozenset(found)


def _lexicon_lines() -> list[str]:
    lexicon = resources.files("nlu").joinpath("rasa", "templates", "lexicon.txt")
    return [line.strip() for line in lexicon.read_text(encoding="utf-8").splitlines() if line.strip()]


def farm_vocabulary() -> list[str]:
    """The words of the NLU lexicon (``nlu/rasa/templates/lexicon.txt``): the crops, livestock,
    pests, diseases, symptoms and places the bot itself is taught to recognise. A general list bans
    some of them (肉牛, 口蹄疫, 打针, 巴音…), and a farmer must be able to write what the bot asks for.

    Single characters are left out: allowed words together protect what they cover, so 鸡 + 鸡
    would hide a listed 鸡鸡. Words the team lists as terms are left out by ``builtin_lists``.
    """
    words: dict[str, None] = {}
    for line in _lexicon_lines():
        if line[0] not in "#[":
            words.update((word, None) for word in line.split() if len(word) > 1)
    return list(words)
