"""Contact details: long digit runs (phone, QQ, WeChat numbers), web addresses and IPv4 addresses.

These are shapes, not listed words, and their action is ``flag``: farmers and experts exchange
phone numbers legitimately, so a message with one goes through and the reviewer sees it marked
(spam and off-platform deals usually start with a number or a link).

* Digit runs are found in the folded text, so digit styles (①, ⑸, ⁹, ➃, 壹) and the noise an
  evader puts between digits (1234567===0001) do not hide them; Chinese numerals count as digits
  (幺三八…). A run of at least ``MIN_DIGITS`` is a contact number unless the original text is a
  date or a time (2024-05-12, 2024年5月12日 08:30).
* Web addresses are ASCII host names with a known top-level domain (www.example.com, example.cn/x),
  found in the original text; a scheme (https://) is not part of the hit.
* IPv4 addresses: four numbers 0–255 joined by dots.
"""

from __future__ import annotations

import re

from nlu.screening.model import Action, Term

CATEGORY = "contact"
ACTION = Action.FLAG
MIN_DIGITS = 8
DIGIT_RUN = Term("<8+ digit run>", CATEGORY, ACTION)
URL = Term("<URL>", CATEGORY, ACTION)
IPV4 = Term("<IPv4>", CATEGORY, ACTION)

DIGITS = "0123456789〇零幺一二三四五六七八九"
DIGIT_RUNS = re.compile(f"[{DIGITS}]{{{MIN_DIGITS},}}")
_DATE_OR_TIME = re.compile(
    r"\s*(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?"
    r"|\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?)"
    r"(?:\s*(?:\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?))*\s*"
)

_TLDS = (
    "com|cn|net|org|gov|edu|info|biz|top|xyz|vip|cc|tv|me|io|hk|tw|mo|jp|uk|us|ru|de|site|online|shop"
    "|club|app|link|work|ltd|wang|tech|store|ink|fun|pub|live|asia|mobi|name|pro|cloud|icu|ren"
)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
URLS = re.compile(
    rf"(?<![a-z0-9.@-])(?:{_LABEL}\.)+(?:{_TLDS})(?![a-z0-9-])(?::\d{{1,5}})?(?:/[a-z0-9\-._~%/?#=&+]*)?",
    re.ASCII | re.IGNORECASE,
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4S = re.compile(rf"(?<![\d.])(?:{_OCTET}\.){{3}}{_OCTET}(?!\d|\.\d)", re.ASCII)

URL_HINT = re.compile(r"[a-z0-9]\.[a-z0-9]", re.ASCII | re.IGNORECASE)
"""What a text must contain for the address patterns to be worth running."""


def is_date_or_time(original: str) -> bool:
    return _DATE_OR_TIME.fullmatch(original) is not None


def addresses(text: str) -> list[tuple[int, int, Term]]:
    """Web and IPv4 addresses in the original text, as (start, end, term)."""
    found = [(m.start(), m.end(), IPV4) for m in IPV4S.finditer(text)]
    found.extend(
        (m.start(), m.end(), URL)
        for m in URLS.finditer(text)
        if not any(s <= m.start() < e for s, e, _ in found)
    )
    return found
