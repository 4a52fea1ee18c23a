"""Spreadsheets for the import tests, written the way people make them."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from chamber.members.importers.columns import COLUMNS
from tests.factories import valid_uscc

HEADERS = [c.header for c in COLUMNS]


def row(**values) -> dict:
    """One member row keyed by column key; a valid enterprise by default."""
    n = values.pop("n", None)
    base = {
        "name": f"深圳市测试导入{n if n is not None else ''}电子有限公司",
        "uscc": valid_uscc(90000 + (n or 0)),
        "legal_representative": "张伟",
        "contact_phone": f"139{(n or 0):08d}",
        "industry": "C39",
        "employees": 85,
        "revenue": 3200,
        "founded": "2015-03-01",
        "joined": "2017-01-10",
        "rank": "理事",
    }
    base.update(values)
    return base


def as_lists(rows: list[dict], headers: list[str] | None = None) -> list[list]:
    headers = headers or HEADERS
    keys = [next(c.key for c in COLUMNS if c.header == h) if h in HEADERS else h for h in headers]
    return [headers] + [[r.get(k, "") for k in keys] for r in rows]


def make_xlsx(path: Path, rows: list[dict], headers: list[str] | None = None, *, title=None):
    wb = Workbook()
    ws = wb.active
    ws.title = "会员名册"
    if title:
        ws.append([title])
    for values in as_lists(rows, headers):
        ws.append([None if v == "" else v for v in values])
    wb.save(path)
    return path


def make_csv(path: Path, rows: list[dict], encoding="utf-8", headers=None):
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        for values in as_lists(rows, headers):
            w.writerow(values)
    return path
