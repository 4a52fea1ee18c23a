"""What a workbook cell can hold: openpyxl refuses control characters (its
ILLEGAL_CHARACTERS_RE), so every exporter passes its values through `cell_value` and a
stored name with one still exports (issue 14: it made every .xlsx export answer 500)."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def cell_value(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def row_values(values: Any) -> list[Any]:
    return [cell_value(v) for v in values]
