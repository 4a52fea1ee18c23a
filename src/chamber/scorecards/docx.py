"""The self-assessment report (自评报告) as .docx, in the work report's document styles
(reports.exporters: 黑体 title, 仿宋 body, 楷体 subtitle). An official document: always
in Chinese."""

from __future__ import annotations

import io
from decimal import Decimal

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import RGBColor

from chamber.reports.exporters import _font, _paragraph

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


def docx_bytes(card: Card) -> bytes:
    a = card.assessment
    doc = Document()
    _paragraph(
        doc,
        f"{a.organization.name}{a.year}年度{a.scheme.name}自评报告",
        size=22,
        bold=True,
        family="黑体",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _paragraph(
        doc,
        f"自评总分：{_num(card.total)}分（满分{_num(card.maximum)}分）"
        + (f"，尚有{card.unscored}项人工评分指标未评分" if card.unscored else ""),
        size=14,
        family="楷体",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    for n, (dim, lines, subtotal) in enumerate(card.dimensions, 1):
        _paragraph(
            doc,
            f"{_cn(n)}、{dim.name}（{_num(subtotal)}分）",
            size=16,
            bold=True,
            family="黑体",
            indent=False,
        )
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ["指标", "分值", "实际值", "标准", "得分"], strict=True
        ):
            _font(cell.paragraphs[0].add_run(text), 12, True, "黑体")
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
            score = "未评分" if line.score is None else f"{_num(line.score)}"
            for cell, text in zip(
                table.add_row().cells,
                [ind.name, f"{_num(ind.weight)}", actual, standard, score],
                strict=True,
            ):
                _font(cell.paragraphs[0].add_run(text), 12, False, "仿宋")
    _paragraph(
        doc,
        "注：标注“默认值”的标准为本系统的默认设置，应由各地工商联按当年考评办法确定。",
        size=12,
        family="楷体",
        indent=False,
        color=RGBColor(0xB3, 0x26, 0x1E),
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _cn(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)
