"""A return's figures: the numeric figures of the annual report as flat lines
("members.total" → "6012"), and the sum of children's returns."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

# Parts of the report that are not figures of the organisation itself.
NOT_FIGURES = frozenset({"org", "year", "period", "computed_at", "children"})


def flatten(report: dict[str, Any]) -> dict[str, str]:
    """The report's numeric figures by path, as text (money stays a decimal string);
    lists (honours) and empty rates (null) are not figures of a return."""
    out: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, bool) or value is None or isinstance(value, list):
            return
        elif isinstance(value, int | float | Decimal):
            out[prefix] = str(value)
        elif isinstance(value, str) and as_number(value) is not None:
            out[prefix] = value

    for key, value in report.items():
        if key not in NOT_FIGURES:
            walk(key, value)
    return out


def as_number(text: str) -> Decimal | None:
    try:
        number = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def is_rate(figure: str) -> bool:
    """Rates (and medians) do not add up across organisations."""
    last = figure.rsplit(".", 1)[-1]
    return "rate" in last or "median" in last or "share" in last or "average" in last


def add(a: str, b: str) -> str:
    total = as_number(a) + as_number(b)  # type: ignore[operator]
    return str(total)
