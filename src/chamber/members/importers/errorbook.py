"""The error workbook: the uploaded sheet again, every bad cell filled red with the
reason as a comment, an 错误说明 column at the end of each bad row, and a sheet
listing every error. The secretary fixes the cells and imports this same file: the
extra column is ignored on import."""

from __future__ import annotations

from pathlib import Path

from .reader import MEMBERS, FileProblem, Layout, open_table
from .rows import RowError

ERRORS_HEADER = "错误说明"
LIST_SHEET = "错误清单"
RED = "FFC7CE"


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
        for number, values in table.rows():
            bad = by_row.get(number)
            values = list(values) + [""] * (width - len(values))
            if not bad:
                ws.append([None if v == "" else v for v in values])
                continue
            cells: list = [None if v == "" else v for v in values]
            for e in bad:
                if 0 <= e.col < len(cells):
                    cell = WriteOnlyCell(ws, value=cells[e.col])
                    cell.fill = fill
                    cell.comment = Comment(e.reason, "Chamber", width=300, height=100)
                    cells[e.col] = cell
            cells.append("；".join(f"{e.column}: {e.reason}" for e in bad))
            ws.append(cells)
    listing = wb.create_sheet(LIST_SHEET)
    listing.append([WriteOnlyCell(listing, value=h) for h in ("工作表", "行", "列", "值", "原因")])
    for e in errors:
        listing.append([e.sheet, e.row, e.column, e.value, e.reason])
    out = Path(out)
    wb.save(out)
    return out
