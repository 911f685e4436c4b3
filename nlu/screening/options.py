"""What a screener looks for beyond the listed terms as written (pinyin, contact details, split
characters)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScreenerOptions:
    pinyin: bool = True
    """Look for terms spelled (partly) in pinyin: 法lun功, falungong."""
    initials_min_chars: int = 3
    """Look for terms of at least this many characters written partly in pinyin initials (fl功)."""
    initials_min_letters: int = 1
    """…and only where the initials are at least this many latin letters. A lone letter counts only
    where every other character of the term is written as listed (毛二B, h色小说; the judge), so B超,
    维生素K or a list marker b． is not read as an initial."""
    contact: bool = True
    """Flag contact details: runs of 8+ digits, web and IPv4 addresses (category ``contact``)."""
    split_chars: bool = True
    """Look for characters written as two components side by side (手木仓 for 手枪; recompose.py)."""
