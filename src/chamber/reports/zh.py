"""Numbers in the style of a Chinese work report.

Counts are written as plain digits with their measure word (1234家, never 1,234家);
money in 元 below ten thousand, then in 万元 and 亿元 rounded to two decimals with
trailing zeros dropped (12.5万元, 3.06亿元); rates through `core.rates.percent_text`,
so they read as on every page. The exact money stays in the .xlsx.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
CENT = Decimal("0.01")


def n(value: int, measure: str = "") -> str:
    """A count with its measure word: n(1234, "家") → "1234家"."""
    return f"{int(value)}{measure}"


def _plain(value: Decimal) -> str:
    text = f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: Decimal | str | int) -> str:
    """An amount of yuan as a report says it: 8600元, 12.5万元, 3.06亿元."""
    amount = Decimal(value)
    if abs(amount) >= YI:
        return f"{_plain(amount / YI)}亿元"
    if abs(amount) >= WAN:
        return f"{_plain(amount / WAN)}万元"
    return f"{_plain(amount)}元"


def listing(parts: list[str]) -> str:
    """Items joined with the enumeration comma: 甲、乙、丙."""
    return "、".join(p for p in parts if p)
