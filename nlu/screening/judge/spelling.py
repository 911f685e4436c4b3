"""The judge's rules for pinyin: where a match of spelled-out terms is evidence that the sender
wrote the term in letters, and where it is a homophone or letters that mean something else."""

from __future__ import annotations

from nlu.screening.candidates import Candidate
from nlu.screening.patterns import CJK_MIN


def spelled_on_too_few_letters(candidate: Candidate, initials_min_letters: int) -> bool:
    """Whether a pinyin match stands on fewer of the sender's letters than it needs: whole
    syllables on at least one (otherwise the match is a homophone in Chinese characters, which
    ordinary text is full of), initials on ``initials_min_letters`` (``ScreenerOptions``)."""
    letters = sum(1 for c in candidate.spelled_on if "a" <= c <= "z")
    return letters < (initials_min_letters if candidate.initials else 1)


def initials_outside_chinese_text(candidate: Candidate) -> bool:
    """Whether initials are read on letters alone: initials are believable inside Chinese text
    (cm药 for 催眠药), while a run of letters on its own is a word or an abbreviation of its own
    (CPU, HTTP)."""
    return candidate.initials and max(candidate.spelled_on) < CJK_MIN
