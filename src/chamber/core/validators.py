"""Check-character validators for Chinese identifiers (DOMAIN.md).

Each `check_*` function returns None when the value is valid, or a translated message
saying what is wrong (and, for a wrong check character, which one was expected), so
forms, the API and the importer report the same reason.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 32100-2015: 31 symbols, no I O S V Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# GB 11714 organisation code: A=10 ... Z=35 over the full alphabet.
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_FULLWIDTH = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
)


def normalize_code(value: str) -> str:
    """Upper-case, half-width, without spaces or dashes: how staff type codes varies."""
    return re.sub(r"[\s\-]", "", (value or "").translate(_FULLWIDTH)).upper()


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    total = 0
    for c, w in zip(first8, _ORG_WEIGHTS, strict=True):
        total += (int(c) if c.isdigit() else ord(c) - 55) * w
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def check_uscc(code: str) -> str | None:
    """Why an 18-character unified social credit code is invalid, or None."""
    if len(code) != 18:
        return _("must be 18 characters, got %(n)d") % {"n": len(code)}
    bad = sorted({c for c in code if c not in _USCC_VALUE})
    if bad:
        return _("contains characters not allowed in a credit code: %(chars)s") % {
            "chars": " ".join(bad)
        }
    if not code[2:8].isdigit():
        return _("positions 3-8 must be a 6-digit division code")
    org = code[8:17]
    if not re.fullmatch(r"[0-9A-Z]{8}[0-9X]", org):
        return _("positions 9-17 are not an organisation code")
    expected = org_code_check_char(org[:8])
    if org[8] != expected:
        return _(
            "organisation code check character (position 17) is %(got)s, expected %(want)s"
        ) % {"got": org[8], "want": expected}
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return _("check character (position 18) is %(got)s, expected %(want)s") % {
            "got": code[17],
            "want": expected,
        }
    return None


def check_id_number(number: str) -> str | None:
    """Why a mainland ID card number (GB 11643) is invalid, or None."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return _("must be 17 digits and a check digit (0-9 or X)")
    expected = _ID_CHECK[sum(int(c) * w for c, w in zip(number, _ID_WEIGHTS, strict=False)) % 11]
    if number[17] != expected:
        return _("check digit is %(got)s, expected %(want)s") % {
            "got": number[17],
            "want": expected,
        }
    return None


def normalize_mobile(value: str) -> str:
    digits = re.sub(r"[\s\-()]", "", (value or "").translate(_FULLWIDTH))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def check_mobile(number: str) -> str | None:
    if not number.isdigit():
        return _("a mobile number has only digits")
    if len(number) != 11:
        return _("a mobile number has 11 digits, got %(n)d") % {"n": len(number)}
    if not _MOBILE_RE.match(number):
        return _("not a mainland mobile number (must start with 13-19)")
    return None


def _django_validator(check):
    def validate(value: str) -> None:
        message = check(value)
        if message:
            raise ValidationError(message, code="invalid")

    validate.__name__ = check.__name__.replace("check_", "validate_")
    return validate


validate_id_number = _django_validator(check_id_number)
validate_mobile = _django_validator(check_mobile)


def mask(value: str, keep_start: int = 3, keep_end: int = 4) -> str:
    """138****5678: personal data in lists and exports unless the role allows it."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


# Years a record of the federation can fall in (query parameters, events, steps): the
# People's Republic's founding to a horizon; outside it is a typing error (0368, 20166).
MIN_YEAR, MAX_YEAR = 1949, 2100
# Plain dates reach further back: people born, and enterprises founded, before 1949.
MIN_DATE_YEAR = 1900


def check_year(value, min_year: int = MIN_YEAR) -> str | None:
    """Why a year (or the year of a date/datetime) is out of range, or None."""
    year = getattr(value, "year", value)
    if year is None:
        return None
    if not min_year <= int(year) <= MAX_YEAR:
        return _("The year must be between %(min)d and %(max)d.") % {
            "min": min_year,
            "max": MAX_YEAR,
        }
    return None
