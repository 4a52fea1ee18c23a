"""The downloadable member template: the sheet to fill (Chinese headers, one example
row, drop-down lists where the values are fixed), a sheet explaining every column,
and the lists the drop-downs read."""

from __future__ import annotations

import datetime
from typing import IO

from django.utils import translation

from .columns import COLUMNS, HELP_SHEET_NAME, LISTS_SHEET_NAME, SHEET_NAME
from .reader import max_upload_bytes

EXAMPLE_NOTE = "示例行：导入时会跳过，可直接覆盖或删除"
DATE_KEYS = {"founded", "joined"}
NUMBER_KEYS = {"registered_capital", "employees", "revenue"}


def example_values() -> list:
    out: list = []
    for c in COLUMNS:
        if c.key in DATE_KEYS and c.example:
            out.append(datetime.date.fromisoformat(c.example))
        elif c.key in NUMBER_KEYS and c.example:
            out.append(int(c.example))
        elif c.key == "note":
            out.append(EXAMPLE_NOTE)
        else:
            out.append(c.example)
    return out


_EXAMPLE = tuple(next(c.example for c in COLUMNS if c.key == k) for k in ("uscc", "name"))


def is_example(name: str, uscc: str) -> bool:
    return uscc == _EXAMPLE[0] and name == _EXAMPLE[1]


def write_template(out: IO[bytes] | str) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    required_fill = PatternFill("solid", fgColor="F4B6B6")
    optional_fill = PatternFill("solid", fgColor="FDE9D9")
    bold = Font(bold=True)
    grey = Font(italic=True, color="808080")
    with translation.override("zh-hans"):
        for i, col in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=1, column=i, value=col.header)
            cell.font = bold
            cell.fill = required_fill if col.required else optional_fill
            cell.comment = Comment(
                ("必填。" if col.required else "") + str(col.help), "Chamber", width=260, height=90
            )
            ws.column_dimensions[get_column_letter(i)].width = col.width
        for i, value in enumerate(example_values(), start=1):
            cell = ws.cell(row=2, column=i, value=value)
            cell.font = grey
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "C2"

        lists = wb.create_sheet(LISTS_SHEET_NAME)
        column = 0
        for i, col in enumerate(COLUMNS, start=1):
            if not col.choices:
                continue
            column += 1
            letter = get_column_letter(column)
            lists.cell(row=1, column=column, value=col.header).font = bold
            for r, choice in enumerate(col.choices, start=2):
                lists.cell(row=r, column=column, value=choice)
            source = (
                f"{quote_sheetname(LISTS_SHEET_NAME)}!${letter}$2:${letter}${len(col.choices) + 1}"
            )
            dv = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=col.key != "industry",  # a division code (C39) is fine too
                errorTitle=col.header,
                error=str(col.help),
            )
            target = get_column_letter(i)
            dv.add(f"{target}2:{target}10000")
            ws.add_data_validation(dv)
        for key in DATE_KEYS | NUMBER_KEYS:
            i = next(n for n, c in enumerate(COLUMNS, start=1) if c.key == key)
            for r in range(3, 1001):
                ws.cell(row=r, column=i).number_format = (
                    "yyyy-mm-dd" if key in DATE_KEYS else "General"
                )
        lists.sheet_state = "hidden"

        help_ws = wb.create_sheet(HELP_SHEET_NAME)
        help_ws.append(["列名", "是否必填", "说明", "示例", "也可写作"])
        for cell in help_ws[1]:
            cell.font = bold
            cell.fill = optional_fill
        for col in COLUMNS:
            help_ws.append(
                [
                    col.header,
                    "必填" if col.required else "选填",
                    str(col.help),
                    col.example,
                    "、".join(a for a in col.aliases if a != col.header),
                ]
            )
        help_ws.append([])
        limit = max_upload_bytes() // (1024 * 1024)
        for line in (
            "填写要点",
            "1. 每行一家企业会员，以统一社会信用代码识别；同一代码在文件中只能出现一次。",
            "2. 已在系统中的企业按信用代码更新；空白单元格表示保留系统中的原值。",
            "3. 联系人与联系电话（手机号）用于识别会员代表；联系人为空时以法定代表人为准。",
            "4. 任何一行有错误时不会写入任何数据，可下载标出错误单元格的工作簿，改正后重新导入。",
            "5. 同一文件重复导入不会产生任何变化。",
            f"6. 支持 .xlsx 和 .csv（UTF-8 或 GBK 编码），文件不超过 {limit} MB；请勿使用公式、合并表头或密码保护。",
            "7. 第 2 行为示例，导入时自动跳过。",
        ):
            help_ws.append([line])
        for letter, width in zip("ABCDE", (18, 10, 70, 24, 40), strict=True):
            help_ws.column_dimensions[letter].width = width
        for row in help_ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(out)
