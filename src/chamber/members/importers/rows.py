"""Reading one spreadsheet row into clean values, with a located error for each bad
cell. The rules are the services' (members.services.clean_enterprise and
core.validators); what is added is reading what people type in spreadsheets: dates in
five shapes, "500万", full-width digits, "+86 138 0013 8000"."""

from __future__ import annotations

import datetime
import operator
import re
import unicodedata
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext as _

from chamber.core.validators import (
    USCC_ALPHABET,
    check_mobile,
    check_uscc,
    normalize_code,
    normalize_mobile,
)

from ..industry import DIVISIONS, SECTIONS, parse_industry
from .columns import BY_KEY, KIND_ALIASES, RANK_ALIASES, SIZE_ALIASES

MAX_MONEY = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
CENT = Decimal("0.01")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERNS = [re.compile(r"^(\d{4})[-/.](\d{1,2})$"), re.compile(r"^(\d{4})年(\d{1,2})月$")]
_SECTION_NAMED = re.compile(r"^([A-Ta-t])\s*[-_:：.、 ]?\s*(\D+)$")
_DIVISION_NAMED = re.compile(r"^([A-Ta-t]?)(\d{2})\s*(\D+)$")


@dataclass(slots=True)
class RowError:
    """One located problem: where it is (sheet, row as shown, column header and its
    0-based index; -1 when it is not one cell) and why."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str
    col: int = -1

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "col": self.col,
        }


@dataclass(slots=True)
class CleanRow:
    """A row's values. None means the cell was empty or the column absent: the current
    value is kept."""

    row: int
    name: str
    uscc: str
    uscc_problem: str | None = None  # a failed check, allowed only for accepted codes
    legal_representative: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    mobile: str | None = None  # contact_phone when it is a mobile
    phone_masked: str | None = None  # "138****8000" as exported for a restricted role
    industry: tuple[str, str] | None = None
    size_class: str | None = None
    registered_capital: Decimal | None = None
    employees: int | None = None
    revenue: Decimal | None = None
    address: str | None = None
    founded: datetime.date | None = None
    joined: datetime.date | None = None
    rank: str | None = None
    note: str | None = None

    def __reduce__(self):
        # Pickled by the import between its check and its write: positional values are
        # quicker to pickle and load than the slots' state.
        return (CleanRow, _clean_values(self))


_clean_values = operator.attrgetter(*(f.name for f in fields(CleanRow)))


_SPACES = re.compile(r"\s+")
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_USCC_SHAPE = re.compile(
    r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{8}[0-9X][0-9A-HJ-NP-RTUWXY]"
)
_CODE_CLEAN = re.compile(r"[\s\-]")


def _squash(s: str) -> str:
    """Runs of white space as one space, trimmed (as staff paste names)."""
    return _SPACES.sub(" ", s).strip()


def _code(s: str) -> str:
    """normalize_code, without the work when the code is typed plainly (most are)."""
    if s.isascii() and s.isalnum():
        return s.upper()
    return normalize_code(s)


def _uscc_ok(code: str) -> bool:
    """The same verdict as check_uscc for a valid code, quicker: an import checks every
    row, and only a failing code needs check_uscc's explanation."""
    if len(code) != 18 or not _USCC_SHAPE.fullmatch(code):
        return False
    total = 0
    for c, w in zip(code[8:16], _ORG_WEIGHTS, strict=True):
        total += (int(c) if c.isdigit() else ord(c) - 55) * w
    check = 11 - total % 11
    if {10: "X", 11: "0"}.get(check, str(check)) != code[16]:
        return False
    total = 0
    for c, w in zip(code, _USCC_WEIGHTS, strict=False):
        total += _USCC_VALUE[c] * w
    return USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious ".0", dates ISO."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def unneutralise(s: str) -> str:
    """An export writes ' before a text that a spreadsheet would run as a formula; the
    import takes it off again, so the round trip restores the text."""
    if len(s) > 1 and s[0] == "'" and s[1] in FORMULA_START:
        return s[1:]
    return s


class RowReader:
    """Cleans rows of one sheet. Collects errors; `clean` returns None for a row with
    any error (the import then writes nothing at all)."""

    def __init__(self, *, sheet: str, headers: list[str], columns: dict[str, int], today):
        self.sheet = sheet
        self.headers = headers
        self.columns = columns
        self.today = today
        self.get = [(key, index) for key, index in columns.items()]

    def _err(self, errors: list, row: int, key: str, value: object, reason: str) -> None:
        index = self.columns.get(key, -1)
        header = str(self.headers[index]) if 0 <= index < len(self.headers) else BY_KEY[key].header
        errors.append(RowError(self.sheet, row, header, cell_text(value)[:200], str(reason), index))

    def is_blank(self, values: list) -> bool:
        for v in values:
            if v is not None and v != "" and (not isinstance(v, str) or v.strip()):
                return False
        return True

    def clean(self, row: int, values: list, errors: list) -> CleanRow | None:
        n = len(values)
        raw: dict[str, object] = {}
        for key, index in self.get:
            v = values[index] if index < n else None
            if v.__class__ is str:
                if v:
                    v = v.strip()  # type: ignore[union-attr]
                    if v and v[0] == "'":  # type: ignore[index]
                        v = unneutralise(v)  # type: ignore[arg-type]
                if not v:
                    continue
            elif v is None or v == "":
                continue
            raw[key] = v
        before = len(errors)
        out = CleanRow(row=row, name="", uscc="")

        name = raw.get("name")
        if name is None:
            self._err(errors, row, "name", "", _("The enterprise name is required."))
        else:
            out.name = _squash(name if isinstance(name, str) else cell_text(name))
            if len(out.name) > 200:
                self._err(errors, row, "name", name, _("At most 200 characters."))

        code = raw.get("uscc")
        if code is None:
            self._err(errors, row, "uscc", "", _("The unified social credit code is required."))
        else:
            out.uscc = _code(code if isinstance(code, str) else cell_text(code))
            problem = None if _uscc_ok(out.uscc) else check_uscc(out.uscc)
            if problem:
                if len(out.uscc) != 18:
                    self._err(errors, row, "uscc", code, problem)
                else:
                    # Legal only if the register holds this code, accepted already.
                    out.uscc_problem = problem

        kind = raw.get("kind")
        if kind is not None and KIND_ALIASES.get(cell_text(kind)) != "enterprise":
            self._err(
                errors,
                row,
                "kind",
                kind,
                _("This sheet imports enterprise members (企业会员) only."),
            )

        for key, limit in (
            ("legal_representative", 50),
            ("contact_name", 50),
            ("address", 200),
        ):
            v = raw.get(key)
            if v is not None:
                s = _squash(v if isinstance(v, str) else cell_text(v))
                if len(s) > limit:
                    self._err(errors, row, key, v, _("At most %(n)d characters.") % {"n": limit})
                setattr(out, key, s)
        if raw.get("note") is not None:
            out.note = cell_text(raw["note"])

        phone = raw.get("contact_phone")
        if phone is not None:
            self._phone(out, row, phone, errors)

        industry = raw.get("industry")
        if industry is not None:
            parsed = read_industry(industry if isinstance(industry, str) else cell_text(industry))
            if parsed is None:
                self._err(
                    errors,
                    row,
                    "industry",
                    industry,
                    _(
                        "Unknown industry. Use a section letter (A-T), a division code "
                        "(C39 or 39) or a section name such as 制造业."
                    ),
                )
            else:
                out.industry = parsed

        size = raw.get("size_class")
        if size is not None:
            value = SIZE_ALIASES.get(cell_text(size).strip().lower())
            if value is None:
                self._err(errors, row, "size_class", size, _("Use 大型, 中型, 小型 or 微型."))
            else:
                out.size_class = str(value)

        rank = raw.get("rank")
        if rank is not None:
            value = RANK_ALIASES.get(cell_text(rank).strip())
            if value is None:
                self._err(errors, row, "rank", rank, _("Use 会长, 副会长, 常务理事, 理事 or 会员."))
            else:
                out.rank = str(value)

        for key in ("registered_capital", "revenue"):
            v = raw.get(key)
            if v is not None:
                setattr(out, key, self._money(row, key, v, errors))
        if raw.get("employees") is not None:
            out.employees = self._count(row, raw["employees"], errors)

        for key in ("founded", "joined"):
            v = raw.get(key)
            if v is not None:
                d = read_date(v)
                if d is None:
                    self._err(
                        errors,
                        row,
                        key,
                        v,
                        _("Not a date that can be read; write it as 2015-03-01."),
                    )
                elif d > self.today:
                    self._err(
                        errors,
                        row,
                        key,
                        v,
                        _("%(date)s is in the future.") % {"date": d.isoformat()},
                    )
                elif d.year < 1900:
                    self._err(errors, row, key, v, _("A date before 1900 is not plausible here."))
                else:
                    setattr(out, key, d)
        return out if len(errors) == before else None

    def _phone(self, out: CleanRow, row: int, value: object, errors: list) -> None:
        s = cell_text(value).strip()
        if "*" in s:
            out.phone_masked = s  # checked against the register by the planner
            return
        digits = normalize_mobile(s)
        if digits.isdigit() and digits.startswith("1"):
            problem = check_mobile(digits)
            if problem:
                self._err(errors, row, "contact_phone", value, problem)
                return
            out.mobile = out.contact_phone = digits
            return
        landline = unicodedata.normalize("NFKC", s).replace(" ", "")
        landline = landline.replace("(", "").replace(")", "-").replace("--", "-")
        if _LANDLINE.match(landline) and len(landline) <= 20:
            out.contact_phone = landline
            return
        if digits.isdigit():
            self._err(
                errors,
                row,
                "contact_phone",
                value,
                _(
                    "Not a phone number: a mobile has 11 digits starting with 1, a landline "
                    "starts with its area code (0755-12345678); got %(n)d digits."
                )
                % {"n": len(digits)},
            )
        else:
            self._err(
                errors,
                row,
                "contact_phone",
                value,
                _("Not a phone number: only digits, spaces, +86 and dashes are allowed."),
            )

    def _money(self, row: int, key: str, value: object, errors: list) -> Decimal | None:
        d = read_decimal(value)
        if d is None:
            self._err(errors, row, key, value, _("Not a number (in 10,000 yuan)."))
            return None
        if d < 0:
            self._err(errors, row, key, value, _("Cannot be negative."))
            return None
        d = d.quantize(CENT, rounding=ROUND_HALF_UP)
        if d > MAX_MONEY:
            self._err(errors, row, key, value, _("Too large."))
            return None
        return d

    def _count(self, row: int, value: object, errors: list) -> int | None:
        d = read_decimal(value, unit="人")
        if d is None or d != d.to_integral_value():
            self._err(errors, row, "employees", value, _("Not a whole number."))
            return None
        if d < 0:
            self._err(errors, row, "employees", value, _("Cannot be negative."))
            return None
        if d > 2_000_000_000:
            self._err(errors, row, "employees", value, _("Too large."))
            return None
        return int(d)


@lru_cache(maxsize=4096)
def read_industry(value: str) -> tuple[str, str] | None:
    """parse_industry, and also "C 制造业" (the template's drop-down) and "C39 计算机、通信
    和其他电子设备制造业" (the export's code with its name)."""
    v = unicodedata.normalize("NFKC", value).strip()
    parsed = parse_industry(v)
    if parsed is not None:
        return parsed
    m = _SECTION_NAMED.match(v)
    if m and m.group(1).upper() in SECTIONS:
        letter = m.group(1).upper()
        rest = m.group(2).strip()
        if rest == SECTIONS[letter][0]:
            return (letter, "")
    m = _DIVISION_NAMED.match(v)
    if m and DIVISIONS.get(m.group(2), ("",))[0] == m.group(3).strip():
        return parse_industry(m.group(1) + m.group(2))
    return None


def read_decimal(value: object, unit: str = "万") -> Decimal | None:
    if value.__class__ is float:
        if value.is_integer() and abs(value) < 1e15:  # type: ignore[union-attr]
            return Decimal(int(value))  # type: ignore[arg-type]
        return Decimal(repr(value))
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        # repr is the shortest exact form: 1234.56 stays 1234.56, not 1234.559999...
        return Decimal(repr(value))
    s = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace(" ", "")
    for suffix in ("万元", "元", unit):
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def read_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # An Excel serial number in a cell formatted as General.
        if 1 <= value < 80000 and float(value).is_integer():
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        s = cell_text(value)
    else:
        s = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    for pattern in _MONTH_PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                return datetime.date(int(m.group(1)), int(m.group(2)), 1)
            except ValueError:
                return None
    return None
