"""Enterprise size class from the 2017 statistical thresholds, kept as data."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "size_thresholds.json"
CLASSES = ("large", "medium", "small")


@cache
def _table() -> dict:
    return json.loads(_DATA.read_text(encoding="utf-8"))


def industry_group(section: str, division: str = "") -> str:
    groups = _table()["industry_groups"]
    return groups.get(f"{section}{division}") or groups.get(section) or "other"


def compute_size_class(
    *,
    section: str,
    division: str = "",
    employees: int | None,
    revenue: Decimal | None,
    assets: Decimal | None,
) -> str:
    """ "large" / "medium" / "small" / "micro", or "" when the figures don't decide it."""
    bounds = _table()["groups"][industry_group(section, division)]
    values = {"X": employees, "Y": revenue, "Z": assets}
    for cls in CLASSES:
        needed = bounds[cls]
        if all(values[k] is not None and values[k] >= v for k, v in needed.items()):
            return cls
    if any(values[k] is not None and values[k] < v for k, v in bounds["small"].items()):
        return "micro"
    return ""
