"""The self-assessment report (自评报告) as .docx, in the work report's document styles
(reports.exporters: GB/T 9704 page, title, headings and body), a table per dimension.
An official document: always in Chinese."""

from __future__ import annotations

import io
from decimal import Decimal

from docx import Document
from docx.shared import Pt, RGBColor

from chamber.reports.exporters import (
    BODY_FONT,
    HEADING_FONT,
    _fixed_lines,
    _font_table,
    _fonts,
    _page,
    _styles,
)

from .models import Comparison
from .services import Card


def _num(d) -> str:
    """37.00 -> "37", 8.50 -> "8.5"."""
    return f"{Decimal(d).normalize():f}"


def _value(line) -> str:
    if line.value is None:
        return "—"
    if line.figure is not None and line.figure.rate:
        return f"{float(line.value) * 100:.1f}%"
    return str(line.value)


def _threshold(ind, rate: bool) -> str:
    if ind.threshold is None:
        return ""
    t = f"{float(ind.threshold) * 100:g}%" if rate else _num(ind.threshold)
    mark = "≥" if ind.comparison != Comparison.AT_MOST else "≤"
    return f"{mark}{t}" + ("（默认值）" if ind.threshold_is_default else "")


def _cell(cell, text: str, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = Pt(0)
    _fixed_lines(p.paragraph_format, Pt(20))
    _fonts(p.add_run(text), HEADING_FONT if bold else BODY_FONT, Pt(12))


def docx_bytes(card: Card) -> bytes:
    a = card.assessment
    doc = Document()
    _styles(doc)
    _font_table(doc)
    _page(doc)
    title = f"{a.organization.name}{a.year}年度{a.scheme.name}自评报告"
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN"
    doc.add_paragraph(style="Title").add_run(title)
    doc.add_paragraph(
        f"自评总分：{_num(card.total)}分（满分{_num(card.maximum)}分）"
        + (f"，尚有{card.unscored}项人工评分指标未评分。" if card.unscored else "。")
    )
    for n, (dim, lines, subtotal) in enumerate(card.dimensions, 1):
        doc.add_paragraph(f"{_cn(n)}、{dim.name}（{_num(subtotal)}分）", style="Heading 1")
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ["指标", "分值", "实际值", "标准", "得分"], strict=True
        ):
            _cell(cell, text, bold=True)
        for line in lines:
            ind = line.indicator
            rate = bool(line.figure and line.figure.rate)
            if line.figure is not None:
                actual, standard = _value(line), _threshold(ind, rate)
            else:
                actual = "人工评分" + (
                    f"：{line.manual.note}" if line.manual and line.manual.note else ""
                )
                standard = "附佐证材料" + (f"{len(line.evidence)}份" if line.evidence else "")
            score = "未评分" if line.score is None else _num(line.score)
            for cell, text in zip(
                table.add_row().cells,
                [ind.name, _num(ind.weight), actual, standard, score],
                strict=True,
            ):
                _cell(cell, text)
    doc.add_paragraph()
    note = doc.add_paragraph()
    run = note.add_run(
        "注：标注“默认值”的标准为本系统的默认设置，应由各地工商联按当年考评办法确定。"
    )
    run.font.color.rgb = RGBColor(0xB3, 0x26, 0x1E)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _cn(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)
