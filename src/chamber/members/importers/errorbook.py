"""The error workbook: the uploaded sheet again, every bad cell filled red with the
reason as a comment, an 错误说明 column at the end of each bad row, and a sheet
listing every error. The secretary fixes the cells and imports this same file: the
extra column is ignored on import."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chamber.core.validators import mask

from .reader import MEMBERS, FileProblem, Layout, open_table
from .rows import RowError

ERRORS_HEADER = "错误说明"
LIST_SHEET = "错误清单"
RED = "FFC7CE"

# The error workbook is a copy that travels (downloaded, e-mailed back): resident ID
# numbers in it are masked, in a column headed as one and wherever a cell holds a
# valid one. The register's own copy stays encrypted (members.models).
_ID_HEADERS = ("身份证", "证件号", "公民身份号码", "id number", "id no")
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def _holds_id_numbers(header: str) -> bool:
    h = header.strip().lower()
    return any(word in h for word in _ID_HEADERS)


def _mask_ids(text: str) -> str:
    # every number shaped like one, valid or mistyped: a typo is still somebody's number
    return _ID_LIKE.sub(lambda m: mask(m.group(1), 3, 2), text)


def _safe(value: Any, *, whole: bool = False, skip: bool = False) -> Any:
    """The value as the error workbook may show it: ID numbers masked."""
    if skip or value is None:
        return value
    if whole and str(value).strip():
        return mask(str(value).strip(), 3, 2)
    if isinstance(value, str):
        return _mask_ids(value)
    if isinstance(value, int) and len(str(value)) in (15, 18):
        return _mask_ids(str(value))  # an ID number typed as a number
    return value


def write_error_workbook(
    source: str | Path, errors: list[RowError], out: str | Path, *, layout: Layout = MEMBERS
) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    fill = PatternFill("solid", fgColor=RED)
    bold = Font(bold=True)
    by_row: dict[int, list[RowError]] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(e)
    wb = Workbook(write_only=True)
    try:
        table = open_table(source, layout=layout)
    except FileProblem:
        table = None
    if table is not None:
        ws = wb.create_sheet(table.sheet[:31] or "Sheet1")
        width = len(table.headers)
        header = []
        for h in [*table.headers, ERRORS_HEADER]:
            cell = WriteOnlyCell(ws, value=str(h))
            cell.font = bold
            header.append(cell)
        for _i in range(table.header_row - 1):
            ws.append([])
        ws.append(header)
        id_columns = {i for i, h in enumerate(table.headers) if _holds_id_numbers(str(h))}
        keep = table.columns.get("uscc", -1)  # a credit code may look like an ID number
        for number, values in table.rows():
            bad = by_row.get(number)
            values = list(values) + [""] * (width - len(values))
            cells: list = [
                None if v == "" else _safe(v, whole=i in id_columns, skip=i == keep)
                for i, v in enumerate(values)
            ]
            if not bad:
                ws.append(cells)
                continue
            # one comment per cell, even when a cell has several errors (a formula that
            # also leaves a required cell empty): a cell is made once, from its value
            by_col: dict[int, list[RowError]] = {}
            for e in bad:
                if 0 <= e.col < len(cells):
                    by_col.setdefault(e.col, []).append(e)
            for col, col_errors in by_col.items():
                cell = WriteOnlyCell(ws, value=cells[col])
                cell.fill = fill
                reasons = "\n".join(e.reason for e in col_errors)
                cell.comment = Comment(reasons, "Chamber", width=300, height=100)
                cells[col] = cell
            cells.append("；".join(f"{e.column}: {e.reason}" for e in bad))
            ws.append(cells)
    listing = wb.create_sheet(LIST_SHEET)
    listing.append([WriteOnlyCell(listing, value=h) for h in ("工作表", "行", "列", "值", "原因")])
    for e in errors:
        listing.append([e.sheet, e.row, e.column, _safe(e.value), e.reason])
    out = Path(out)
    wb.save(out)
    return out
