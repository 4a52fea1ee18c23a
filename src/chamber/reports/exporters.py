"""The annual report as a Chinese work report (.docx) and as a workbook (.xlsx).

Both are written from the same report dict as the JSON, so the three formats carry
the same numbers. The work report is an official document: always in Chinese.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Font

from chamber.core.xlsx import row_values

from . import narrative

# --- .docx ------------------------------------------------------------------------------


def _font(run, size: float, bold: bool = False, family: str = "宋体") -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = family
    run._element.rPr.rFonts.set(qn("w:eastAsia"), family)


def _paragraph(
    doc,
    text: str,
    *,
    size: float = 14,
    bold: bool = False,
    family: str = "仿宋",
    align=None,
    indent: bool = True,
    color: RGBColor | None = None,
):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = 1.5
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    _font(run, size, bold, family)
    if color is not None:
        run.font.color.rgb = color
    return p


def build_docx(report: dict[str, Any]):
    doc = Document()
    story = narrative.work_report(report)
    _paragraph(
        doc,
        story.title,
        size=22,
        bold=True,
        family="黑体",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _paragraph(
        doc, story.subtitle, size=14, family="楷体", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    for text in story.summary:
        _paragraph(doc, text)
    for heading, paragraphs in story.sections:
        _paragraph(doc, heading, size=16, bold=True, family="黑体", indent=False)
        for text in paragraphs:
            _paragraph(doc, text)
    _paragraph(doc, story.plans_heading, size=16, bold=True, family="黑体", indent=False)
    _paragraph(doc, story.plans_placeholder, color=RGBColor(0xB3, 0x26, 0x1E))
    _paragraph(
        doc, story.footer, size=12, family="楷体", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False
    )
    return doc


def docx_bytes(report: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    build_docx(report).save(buffer)
    return buffer.getvalue()


def write_docx(report: dict[str, Any], path: Path) -> None:
    path.write_bytes(docx_bytes(report))


# --- .xlsx ------------------------------------------------------------------------------


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else k, v, out)
    elif not isinstance(value, list):
        out[prefix] = value


def build_xlsx(report: dict[str, Any]) -> Workbook:
    """A sheet per group of figures; rows are the organisation and each child."""
    wb = Workbook(write_only=True)
    rows_for = [report] + report.get("children", [])
    for key, title in narrative.SHEET_TITLES.items():
        if key not in report or isinstance(report[key], list):
            continue
        flat_rows = []
        for r in rows_for:
            flat: dict[str, Any] = {}
            _flatten("", r.get(key, {}), flat)
            flat_rows.append((r["org"]["name"], flat))
        columns = sorted({c for _name, flat in flat_rows for c in flat})
        ws = wb.create_sheet(title)
        ws.append(
            [_bold(wb, ws, "组织")]
            + [_bold(wb, ws, narrative.column_label(key, c, report)) for c in columns]
        )
        for name, flat in flat_rows:
            ws.append(row_values([name] + [flat.get(c) for c in columns]))
    honors = wb.create_sheet(narrative.SHEET_TITLES.get("honors", "荣誉"))
    honors.append(["荣誉", "级别", "授予单位", "年度", "获得者"])
    for h in report.get("honors", []):
        honors.append(
            row_values([h.get(k) for k in ("title", "level", "awarded_by", "year", "recipient")])
        )
    return wb


def _bold(wb, ws, text: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=text)
    cell.font = Font(bold=True)
    return cell


def xlsx_bytes(report: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    build_xlsx(report).save(buffer)
    return buffer.getvalue()


def write_xlsx(report: dict[str, Any], path: Path) -> None:
    path.write_bytes(xlsx_bytes(report))
