"""Phone numbers as Telegram shares them: international form, country code first.

Only a mainland China mobile binds (rosters and expert records hold the 11-digit national number),
so a number is read with its country code: +1 390 478 1002 is not the roster's 13904781002.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberType

from core.errors import InvalidInput

MAINLAND = "CN"
_MOBILE = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


class NotMainlandMobile(InvalidInput):
    code = "not_mainland_mobile"


def contact_mobile(raw: str) -> str:
    """The 11-digit national number of a shared contact's +86 mobile; NotMainlandMobile otherwise.

    Telegram sends a contact's own number in international form, with or without '+' ("8613904781001",
    "+8613904781001"); a '00' international prefix is taken as '+' too. A number without either is
    still international: "13904781002" is +1 390…, not a mainland number."""
    text = raw.strip()
    if text.startswith("00"):
        text = text[2:]
    try:
        number = phonenumbers.parse(text if text.startswith("+") else "+" + text, None)
    except phonenumbers.NumberParseException:
        raise NotMainlandMobile("this is not a phone number") from None
    national = str(number.national_number)
    if (
        phonenumbers.region_code_for_number(number) != MAINLAND
        or phonenumbers.number_type(number) not in _MOBILE
        # FIXED_LINE_OR_MOBILE only where the digits are a mobile's: 11 digits, starting with 1.
        or not (len(national) == 11 and national.startswith("1"))
    ):
        raise NotMainlandMobile("only a mainland China mobile number (+86) binds")
    return national


def roster_mobile(raw: str) -> str:
    """The 11-digit national number of a mobile as a county writes it in a roster or an expert's
    record: "13904781001", "139 0478 1001", "+86 139-0478-1001" or "008613904781001". Unlike a
    shared contact, a number without a country code here is a mainland one."""
    text = raw.strip()
    if not text.startswith(("+", "00")):
        text = "+86" + text
    return contact_mobile(text)
