"""The donation certificate (捐赠证书) as a Word document.

The certificate is a Chinese document whatever language the user reads the pages in:
it is handed to the donor, so its text is written here in Chinese, not translated.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from .choices import DonationKind, DonationPurpose
from .models import Donation
from .money import rmb_upper

FONT = "宋体"
TITLE_FONT = "黑体"


def _run(paragraph, text: str, *, size: int = 14, bold: bool = False, font: str = FONT):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    # Word takes Chinese glyphs from the East Asian font slot, not from font.name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def purpose_text(d: Donation) -> str:
    if d.purpose == DonationPurpose.EVENT and d.event:
        return f"“{d.event.title}”活动"
    if d.purpose == DonationPurpose.FUND and d.fund:
        return d.fund.name
    if d.purpose == DonationPurpose.CAMPAIGN and d.campaign:
        return f"“{d.campaign}”"
    if d.purpose == DonationPurpose.PAIRED_ASSISTANCE:
        return f"对口帮扶{d.recipient}" if d.recipient else "对口帮扶"
    return d.recipient or "社会公益事业"


def certificate_number(d: Donation) -> str:
    return d.receipt_no or f"JZ{d.date:%Y}{d.pk:06d}"


def _chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def build_certificate(d: Donation) -> bytes:
    """The certificate of a (valid) donation, as .docx bytes."""
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Pt(72)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "捐 赠 证 书", size=26, bold=True, font=TITLE_FONT)

    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(number, f"证书编号：{certificate_number(d)}", size=11)

    doc.add_paragraph()
    to = doc.add_paragraph()
    _run(to, f"{d.donor_name}：", size=16, bold=True)

    amount = f"{rmb_upper(d.amount)}（¥{d.amount:,.2f}）"
    if d.kind == DonationKind.IN_KIND:
        gift = f"捐赠物资（{d.goods}），价值{amount}"
    else:
        gift = f"捐款{amount}"
    body = doc.add_paragraph()
    body.paragraph_format.first_line_indent = Pt(28)
    body.paragraph_format.line_spacing = 1.5
    _run(
        body,
        f"{'贵单位' if d.enterprise_id else '您'}于{_chinese_date(d.date)}向"
        f"{d.organization.name}{gift}，用于{purpose_text(d)}。",
    )
    thanks = doc.add_paragraph()
    thanks.paragraph_format.first_line_indent = Pt(28)
    thanks.paragraph_format.line_spacing = 1.5
    _run(thanks, "乐善好施，情系社会。特发此证，以资感谢！")

    doc.add_paragraph()
    for text in (d.organization.name, _chinese_date(d.date)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(p, text)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
