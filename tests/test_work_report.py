"""The work report as a federation's document: GB/T 9704 layout, Chinese report numbers,
every sentence guarding its data; and the workbook in Chinese with exact numbers."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from decimal import Decimal

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Pt
from openpyxl import load_workbook

from chamber.reports import exporters, narrative, zh
from chamber.reports.annual import annual_report
from chamber.reports.period import Period
from tests.casework.conftest import cw  # noqa: F401 - the casework tests' fixture

pytestmark = pytest.mark.django_db

CJK = r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]"


def prose_problems(report: dict) -> list[str]:
    """What a reader must never see in the report's prose."""
    story = narrative.work_report(report, dt.date(2017, 1, 9))
    # The text as the reader gets it: every paragraph of the rendered document.
    doc = Document(io.BytesIO(exporters.docx_bytes(report)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert story.title.replace("\n", "") in text.replace("\n", "")
    problems = []
    for bad in ("—", "平均用时中位数", "会员个"):
        if bad in text:
            problems.append(f"{bad!r} in the prose")
    if re.search(r"\b(None|nan|NaN)\b", text):
        problems.append("a missing value (None, nan) in the prose")
    if re.search(r"(?<![\d.])0\.0%", text):
        problems.append("a rate of 0.0% in the prose")
    if re.search(r"\d,\d{3}", text):
        problems.append("a Western thousands separator in the prose")
    if re.search(r"(?<![\d.])0(家|家次|次|件|场|人次|名|个|笔|项)", text):
        problems.append("a zero figure stated")
    if re.search(rf"{CJK}[,:;]|[,:;]{CJK}", text):
        problems.append("ASCII punctuation in Chinese text")
    repeated = [s for s, k in Counter(narrative.sentences(story)).items() if k > 1]
    if repeated:
        problems.append(f"repeated sentences: {repeated}")
    return problems


def test_an_empty_year_says_nothing_wrong(world):
    report = annual_report(world.district, Period.year(2030))
    assert prose_problems(report) == []
    story = narrative.work_report(report)
    assert story.summary == [
        "截至年末测试区工商联会员企业为2家；2030年暂无走访、诉求办理、活动等工作记录。"
    ]
    headings = [h for h, _ in story.sections]
    assert not any("服务会员发展" in h or "公益" in h for h in headings)


def test_a_partial_quarter_and_a_single_leaf_chamber(world):
    from tests.casework.test_figures import visit

    visit(world, world.xixiang, dt.date(2016, 5, 3), [world.ent_x])
    for org, period in (
        (world.district, Period.quarter(2016, 2)),
        (world.xixiang, Period.quarter(2016, 2)),
        (world.xixiang, Period.year(2016)),
        (world.fuyong, Period(dt.date(2016, 4, 1), dt.date(2016, 4, 20))),
    ):
        report = annual_report(org, period)
        assert prose_problems(report) == [], (org.code, period)
    text = "".join(
        narrative.work_report(annual_report(world.xixiang, Period.quarter(2016, 2))).summary
    )
    assert "走访企业1家次" in text


def test_rates_are_stated_with_their_cohort(world):
    """A rate is never stated without the numerator and denominator it divides."""
    report = annual_report(world.district, 2016)
    report["cases"] |= {
        "raised": 373,
        "rejected": 15,
        "accepted": 358,
        "accepted_resolved": 341,
        "resolution_rate": 0.953,
        "resolved": 357,
        "resolved_with_deadline": 357,
        "resolved_on_time": 299,
        "on_time_rate": 0.838,
        "followed_up": 0,
        "satisfaction_rate": None,
        "overdue_now": 0,
    }
    story = narrative.work_report(report, dt.date(2017, 1, 9))
    text = "".join(p for _h, ps in story.sections for p in ps if isinstance(p, str))
    assert "受理的358件中截至年末已办结341件，办结率95.3%" in text
    assert "有办理时限的357件中按期办结299件，按期办结率83.8%" in text
    assert "满意率" not in text  # no follow-ups: no rate
    assert "按期办结率为83.8%" in text  # a shortfall, computed
    assert "超过办理时限未办结" not in text  # none overdue: not a problem


def test_chinese_report_numbers():
    assert zh.money(Decimal("8600")) == "8600元"
    assert zh.money(Decimal("125000.00")) == "12.5万元"
    assert zh.money(Decimal("38286000.40")) == "3828.6万元"
    assert zh.money(Decimal("133000000")) == "1.33亿元"
    assert zh.n(4324, "家") == "4324家"


def test_docx_is_laid_out_as_an_official_document(world, cw):  # noqa: F811
    from tests.casework.test_figures import run_case, visit

    visit(world, world.xixiang, dt.date(2016, 5, 3), [world.ent_x])
    run_case(world, cw, received=dt.date(2016, 2, 1), resolved=dt.date(2016, 2, 10))
    report = annual_report(world.district, 2016)
    doc = Document(io.BytesIO(exporters.docx_bytes(report)))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert Pt(28) <= normal.paragraph_format.line_spacing <= Pt(29)

    def east_asian(style) -> str:
        return style.element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )

    assert east_asian(normal) == "仿宋_GB2312"
    assert east_asian(doc.styles["Title"]) == "方正小标宋简体"
    assert doc.styles["Title"].font.size == Pt(22)
    assert east_asian(doc.styles["Heading 1"]) == "黑体"
    assert east_asian(doc.styles["Heading 2"]) == "楷体_GB2312"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0].startswith("一、") and any("工作计划" in h for h in headings)
    subheadings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert subheadings == ["（一）企业大走访", "（二）诉求办理"]
    # fallbacks declared in the font table
    fonts = doc.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    ).blob.decode()
    assert 'w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    props = doc.core_properties
    assert props.author == "测试区工商联" and props.title == "测试区工商联2016年工作报告"
    assert any(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", p.text) for p in doc.paragraphs)


def test_xlsx_speaks_chinese_with_exact_numbers(world):
    from chamber.activities.models import Donation, Honor

    Donation.objects.create(
        organization=world.xixiang,
        enterprise=world.ent_x,
        kind="money",
        amount=Decimal("12345.67"),
        date=dt.date(2016, 6, 1),
    )
    Honor.objects.create(
        organization=world.xixiang,
        title="五好商会",
        level="national",
        awarding_body="全国工商联",
        year=2016,
    )
    report = annual_report(world.district, 2016)
    wb = load_workbook(io.BytesIO(exporters.xlsx_bytes(report)))
    for ws in wb.worksheets:
        for cell in ws[1]:
            assert cell.value and not re.search(r"[a-z]_|\.[a-z]", str(cell.value)), cell.value
    charity = wb["公益捐赠"]
    header = [c.value for c in charity[1]]
    amount = charity.cell(row=2, column=header.index("捐款捐物合计（元）") + 1)
    assert Decimal(str(amount.value)) == Decimal("12345.67")
    assert amount.number_format == exporters.MONEY_FORMAT
    members = wb["会员发展"]
    header = [c.value for c in members[1]]
    assert isinstance(members.cell(row=2, column=header.index("年末会员数") + 1).value, int)
    assert wb["荣誉"]["B2"].value == "国家级"
    visits = [c.value for c in wb["走访"][1]]
    assert "走访企业家次（家次）" in visits and "走访次数（次）" in visits


def test_a_rate_is_rounded_once_and_shown_the_same_everywhere():
    from chamber.casework.templatetags.casework_tags import percent as casework_percent
    from chamber.core.rates import growth, percent_number, percent_text, rate
    from chamber.core.templatetags.chamber import percent as core_percent

    assert rate(299, 357) == 0.838  # 83.7535…: half up on the exact fraction
    assert rate(1, 8) == 0.125 and rate(0, 0) is None
    assert rate(3349, 4000) == 0.837  # 83.725 % is below 83.75: not 83.8
    assert growth(4324, 3776) == 0.145 and growth(5, 0) is None
    for part in range(0, 400, 7):
        value = rate(part, 357)
        shown = {percent_text(value), casework_percent(value), core_percent(value)}
        assert len(shown) == 1
        assert float(shown.pop().rstrip("%")) == percent_number(value)


def test_a_rate_of_nothing_is_said_as_a_fact(world):
    """None of the cohort resolved, on time or satisfied: no 0.0%, no 0件."""
    report = annual_report(world.district, 2016)
    report["cases"] |= {
        "raised": 4,
        "rejected": 0,
        "accepted": 4,
        "accepted_resolved": 0,
        "resolution_rate": 0.0,
        "resolved": 2,
        "resolved_with_deadline": 2,
        "resolved_on_time": 0,
        "on_time_rate": 0.0,
        "followed_up": 2,
        "satisfied": 0,
        "satisfaction_rate": 0.0,
    }
    assert prose_problems(report) == []
    text = "".join(
        p for _h, ps in narrative.work_report(report).sections for p in ps if isinstance(p, str)
    )
    assert "受理的4件截至年末均未办结" in text and "有办理时限的2件均未按期办结" in text
    assert "回访的2件企业均不满意" in text


def test_dues_plug_into_organisation_building(world):
    report = annual_report(world.district, Period.quarter(2016, 2))
    report["dues"] = {
        "receivable": "80000.00",
        "received": "60000.00",
        "outstanding": "20000.00",
        "collection_rate": 0.75,
        "members_owing": 40,
        "members_in_arrears": 10,
    }
    story = narrative.work_report(report)
    text = "".join(p for _h, ps in story.sections for p in ps if isinstance(p, str))
    assert "2016年度应收会员会费8万元，截至季末实收6万元，收缴率75.0%，10名会员未足额缴纳。" in text
    assert "会费收缴率为75.0%，10名会员未足额缴纳会费" in text
    assert prose_problems(report) == []
