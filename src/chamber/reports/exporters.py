"""The annual report as a Chinese work report (.docx) and as a workbook (.xlsx).

Both are written from the same report dict as the JSON, so the three formats carry
the same numbers: exactly in the workbook, in a report's words in the document.

The work report is an official document, always in Chinese, laid out as GB/T
9704-2012 asks of 党政机关公文: A4, margins 37/35/28/26 mm (top, bottom, left, right),
the title in 方正小标宋简体 二号 (22 pt), the body in 仿宋_GB2312 三号 (16 pt) on a fixed
29 pt line (22 lines a page), first-level headings in 黑体 三号 and second-level in
楷体_GB2312 三号 as real heading styles (the navigation pane and a table of contents
see them), page numbers "— 1 —" in the footer, the sign-off with the full date. Where
the 方正/GB2312 fonts are not installed the document names the usual fallbacks (宋体,
仿宋, 楷体, 黑体) in its font table, so Word and LibreOffice substitute sensibly.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import translation
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from chamber.core.xlsx import row_values

from . import narrative

# --- .docx ------------------------------------------------------------------------------

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"
# Each font the document names, with the font Word or LibreOffice should use in its
# place when it is not installed (declared in the document's font table).
FALLBACKS = {
    TITLE_FONT: "宋体",
    BODY_FONT: "仿宋",
    SUBHEADING_FONT: "楷体",
    HEADING_FONT: "SimHei",
}
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
LINE = Pt(29)  # fixed line: 22 lines in the 225 mm of text height
INDENT = Pt(32)  # two characters of 三号
TITLE_LINE = 20  # characters of 二号 on a line of 156 mm


def _fonts(target, family: str, size: Pt | None = None) -> None:
    """Set `family` for Chinese text and Times New Roman for Latin text and digits."""
    target.font.name = LATIN_FONT
    if size is not None:
        target.font.size = size
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), family)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _fixed_lines(fmt, line: Pt = LINE) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, BODY_SIZE)
    _fixed_lines(normal.paragraph_format)
    normal.paragraph_format.first_line_indent = INDENT
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, family in (("Heading 1", HEADING_FONT), ("Heading 2", SUBHEADING_FONT)):
        style = doc.styles[name]
        _fonts(style, family, BODY_SIZE)
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _fixed_lines(style.paragraph_format)
        style.paragraph_format.first_line_indent = INDENT
        style.paragraph_format.keep_with_next = True
        # No theme fonts: they would override the eastAsia font set above.
        fonts = style.element.rPr.find(qn("w:rFonts"))
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
    title = doc.styles["Title"]
    _fonts(title, TITLE_FONT, TITLE_SIZE)
    title.font.bold = False
    title.font.color.rgb = RGBColor(0, 0, 0)
    _fixed_lines(title.paragraph_format, Pt(36))
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.space_after = LINE
    fonts = title.element.rPr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    # The Title style of the default template draws a rule under the title.
    ppr = title.element.pPr
    border = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if border is not None:
        ppr.remove(border)
    if "Sign-off" not in [s.name for s in doc.styles]:
        sign = doc.styles.add_style("Sign-off", WD_STYLE_TYPE.PARAGRAPH)
        sign.base_style = normal
        sign.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        sign.paragraph_format.first_line_indent = Pt(0)
        sign.paragraph_format.right_indent = INDENT * 2  # 右空四字


def _font_table(doc) -> None:
    """Declare each named font with its fallback (w:altName) in the font table."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, alt in FALLBACKS.items():
        if name in known:
            continue
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/>'
                "</w:font>"
            )
        )
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)  # the page number sits under the last line
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    # "— 1 —": the number in 四号 (14 pt) between em dashes, as GB/T 9704 shows it.
    for text in ("— ", None, " —"):
        run = footer.add_run(text or "")
        _fonts(run, "宋体", Pt(14))
        if text is None:
            for kind, instr in (("begin", None), (None, " PAGE "), ("end", None)):
                if kind:
                    el = OxmlElement("w:fldChar")
                    el.set(qn("w:fldCharType"), kind)
                else:
                    el = OxmlElement("w:instrText")
                    el.set(qn("xml:space"), "preserve")
                    el.text = instr
                run._r.append(el)


def build_docx(report: dict[str, Any], signed: datetime.date | None = None):
    story = narrative.work_report(report, signed)
    doc = Document()
    _styles(doc)
    _font_table(doc)
    _page(doc)
    props = doc.core_properties
    props.title = story.title
    props.author = story.organisation
    props.last_modified_by = story.organisation
    props.subject = f"{story.organisation}工作报告"
    props.keywords = "工作报告"
    props.language = "zh-CN"
    props.comments = story.note
    title = doc.add_paragraph(style="Title")
    # A long title breaks after the organisation's name rather than wherever the line
    # runs out (about 20 characters of 二号 fit the line).
    head, rest = story.title[: len(story.organisation)], story.title[len(story.organisation) :]
    if len(story.title) > TITLE_LINE and head == story.organisation and rest:
        title.add_run(head).add_break()
        title.add_run(rest)
    else:
        title.add_run(story.title)
    for text in story.summary:
        doc.add_paragraph(text)
    for heading, paragraphs in story.sections:
        doc.add_paragraph(heading, style="Heading 1")
        for text in paragraphs:
            if isinstance(text, narrative.Subheading):
                doc.add_paragraph(text.text, style="Heading 2")
            else:
                doc.add_paragraph(text)
    doc.add_paragraph(story.plans_heading, style="Heading 1")
    placeholder = doc.add_paragraph()
    run = placeholder.add_run(story.plans_placeholder)
    run.font.color.rgb = RGBColor(0xB3, 0x26, 0x1E)
    doc.add_paragraph()
    doc.add_paragraph(story.organisation, style="Sign-off")
    doc.add_paragraph(story.signed, style="Sign-off")
    doc.add_paragraph()
    doc.add_paragraph(f"（{story.note}）")
    return doc


def docx_bytes(report: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    build_docx(report).save(buffer)
    return buffer.getvalue()


def write_docx(report: dict[str, Any], path: Path) -> None:
    path.write_bytes(docx_bytes(report))


# --- .xlsx ------------------------------------------------------------------------------

MONEY_FORMAT = '#,##0.00"元"'
RATE_FORMAT = "0.0%"


@dataclass(frozen=True)
class Column:
    header: str  # may name the period's words: {end}, {prev_end}
    path: str  # into a section's figures, dotted
    kind: str = "count"  # count, money, rate, number


def _kinds(choices, fields: list[tuple[str, str]]) -> list[Column]:
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in choices.choices}
    return [
        Column(f"{labels[kind]}·{header}", f"by_kind.{kind}.{field}")
        for kind in choices.values
        for field, header in fields
    ]


def _sheets() -> list[tuple[str, str, list[Column]]]:
    from chamber.activities.choices import EventKind
    from chamber.casework.choices import VisitKind

    return [
        (
            "members",
            "会员发展",
            [
                Column("{end}会员数", "total"),
                Column("其中企业会员（家）", "total_by_kind.enterprise"),
                Column("个人会员（名）", "total_by_kind.person"),
                Column("团体会员（个）", "total_by_kind.organization"),
                Column("新入会", "joined"),
                Column("退会", "left"),
                Column("{prev_end}会员数", "previous_total"),
                Column("增长率", "growth_rate", "rate"),
            ],
        ),
        (
            "visits",
            "走访",
            [
                Column("走访次数（次）", "visits"),
                Column("走访企业家次（家次）", "count"),
                Column("走访企业数（家）", "enterprises"),
                *_kinds(VisitKind, [("visits", "次"), ("count", "家次"), ("enterprises", "家")]),
            ],
        ),
        (
            "cases",
            "诉求办理",
            [
                Column("反映问题（件）", "raised"),
                Column("不予受理（件）", "rejected"),
                Column("受理（件）", "accepted"),
                Column("受理中已办结（件）", "accepted_resolved"),
                Column("办结率", "resolution_rate", "rate"),
                Column("期内办结（件）", "resolved"),
                Column("有时限的办结（件）", "resolved_with_deadline"),
                Column("按期办结（件）", "resolved_on_time"),
                Column("按期办结率", "on_time_rate", "rate"),
                Column("回访（件）", "followed_up"),
                Column("满意和基本满意（件）", "satisfied"),
                Column("回访满意率", "satisfaction_rate", "rate"),
                Column("平均满意度（1–5）", "satisfaction", "number"),
                Column("办结用时中位数（天）", "median_days_to_resolve", "number"),
                Column("目前超期未办结（件）", "overdue_now"),
            ],
        ),
        (
            "political",
            "参政议政",
            [
                Column("{end}任职人数（名）", "posts_held"),
                Column("其中人大代表（名）", "posts_held_by_body.npc"),
                Column("政协委员（名）", "posts_held_by_body.cppcc"),
                Column("新当选人大代表（名）", "elected.npc"),
                Column("新当选政协委员（名）", "elected.cppcc"),
                Column("提交提案议案建议（件）", "proposals.submitted"),
                Column("立案（件）", "proposals.filed"),
                Column("已答复（件）", "proposals.replied"),
                Column("答复率", "proposals.reply_rate", "rate"),
                Column("提案人满意率", "proposals.satisfaction_rate", "rate"),
            ],
        ),
        (
            "events",
            "活动",
            [
                Column("活动合计（场）", "total.count"),
                Column("参加人次", "total.attendance"),
                Column("参与企业（家）", "total.enterprises"),
                *_kinds(
                    EventKind, [("count", "场"), ("attendance", "人次"), ("enterprises", "家")]
                ),
            ],
        ),
        (
            "charity",
            "公益捐赠",
            [
                Column("捐款捐物合计（元）", "amount", "money"),
                Column("捐款（元）", "money", "money"),
                Column("捐物折价（元）", "goods", "money"),
                Column("历年累计（元）", "amount_cumulative", "money"),
                Column("捐赠笔数", "donations"),
                Column("捐赠方", "donors"),
            ],
        ),
        ("meetings", "会议", [Column("召开执委会、理事会等会议（次）", "held")]),
        (
            "dues",
            "会费",
            [
                Column("应收（元）", "receivable", "money"),
                Column("实收（元）", "received", "money"),
                Column("未收（元）", "outstanding", "money"),
                Column("收缴率", "collection_rate", "rate"),
                Column("应缴会员", "members_owing"),
                Column("未足额缴纳会员", "members_in_arrears"),
            ],
        ),
    ]


def _get(figures: dict[str, Any], path: str) -> Any:
    value: Any = figures
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _cell(ws, value: Any, kind: str) -> WriteOnlyCell:
    if kind == "money" and value is not None:
        value = Decimal(value)
    cell = WriteOnlyCell(ws, value=value)
    if kind == "money":
        cell.number_format = MONEY_FORMAT
    elif kind == "rate":
        cell.number_format = RATE_FORMAT
    return cell


def _header(ws, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font = Font(bold=True)
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


# Sheets added by other parts of the report (e.g. dues): (report key, title, columns).
EXTRA_SHEETS: list[Callable[[], tuple[str, str, list[Column]]]] = []


def build_xlsx(report: dict[str, Any]) -> Workbook:
    """A sheet per group of figures, a row for the organisation and each child, Chinese
    headers, numbers as numbers, money exact with two decimals and a 元 format."""
    wb = Workbook(write_only=True)
    words = narrative.terms(report)
    rows_for = [report, *report.get("children", [])]
    for key, title, columns in [*_sheets(), *(extra() for extra in EXTRA_SHEETS)]:
        if key not in report:
            continue
        ws = wb.create_sheet(title)
        ws.column_dimensions["A"].width = 28
        ws.append([_header(ws, "单位")] + [_header(ws, c.header.format(**words)) for c in columns])
        for r in rows_for:
            figures = r.get(key, {})
            ws.append(
                row_values(
                    [r["org"]["name"]] + [_cell(ws, _get(figures, c.path), c.kind) for c in columns]
                )
            )
    from chamber.activities.choices import HonorLevel

    with translation.override("zh-hans"):
        levels = {value: str(label) for value, label in HonorLevel.choices}
    honors = wb.create_sheet("荣誉")
    honors.append([_header(honors, h) for h in ("荣誉", "级别", "授予单位", "年度", "获得者")])
    for h in report.get("honors", []):
        honors.append(
            row_values(
                [
                    h["title"],
                    levels.get(h["level"], h["level"]),
                    h["awarding_body"],
                    h["year"],
                    h["recipient"],
                ]
            )
        )
    return wb


def xlsx_bytes(report: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    build_xlsx(report).save(buffer)
    return buffer.getvalue()


def write_xlsx(report: dict[str, Any], path: Path) -> None:
    path.write_bytes(xlsx_bytes(report))
