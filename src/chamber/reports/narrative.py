"""The sentences of the Chinese work report, each carrying computed figures.

Sections appear only for the parts of the report that exist; every number comes from
the report dict (the same one the JSON and the workbook are written from).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

SHEET_TITLES = {
    "members": "会员发展",
    "visits": "走访",
    "cases": "诉求办理",
    "events": "活动",
    "political": "参政议政",
    "charity": "公益捐赠",
    "honors": "荣誉",
}

COLUMN_LABELS = {
    "members.total": "年末会员数",
    "members.joined": "新入会",
    "members.left": "退会",
    "members.previous_total": "上年末会员数",
    "members.growth_rate": "增长率",
}


def column_label(section: str, column: str) -> str:
    return COLUMN_LABELS.get(f"{section}.{column}", column)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def num(value: Any) -> str:
    if isinstance(value, str):
        value = Decimal(value)
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return f"{value:,}"


@dataclass
class WorkReport:
    title: str
    subtitle: str
    summary: list[str]
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    plans_heading: str = "五、{year}年工作计划"
    plans_placeholder: str = "【此处由工作人员撰写下一年度工作计划。】"
    footer: str = ""


def _member_sentences(report: dict[str, Any]) -> list[str]:
    m = report["members"]
    year = report["year"]
    out = [
        f"截至{year}年12月31日，{report['org']['name']}共有会员{num(m['total'])}个，"
        f"全年新发展会员{num(m['joined'])}个，退会{num(m['left'])}个，"
        f"会员总数较上年末的{num(m['previous_total'])}个增长{pct(m['growth_rate'])}。"
    ]
    children = [c for c in report.get("children", []) if c["members"]["previous_total"]]
    if children:
        fastest = max(children, key=lambda c: c["members"]["growth_rate"] or 0)
        over_ten = [c for c in children if (c["members"]["growth_rate"] or 0) >= 0.10]
        out.append(
            f"{len(report['children'])}个下属商会中，{len(over_ten)}个会员增长率达到10%以上，"
            f"其中{fastest['org']['name']}增长最快，达{pct(fastest['members']['growth_rate'])}"
            f"（年末{num(fastest['members']['total'])}个会员）。"
        )
        new = [
            c
            for c in report["children"]
            if not c["members"]["previous_total"] and c["members"]["total"]
        ]
        if new:
            names = "、".join(c["org"]["name"] for c in new)
            out.append(
                f"本年新设立的{names}共有会员{num(sum(c['members']['total'] for c in new))}个。"
            )
    return out


# Each entry: (report key, heading, sentence builder). Later sections plug in here.
SECTION_BUILDERS = [
    ("members", "一、会员发展与服务", _member_sentences),
]


def highlights(report: dict[str, Any]) -> list[str]:
    """Which chamber led on what: one sentence per child with its strongest figure."""
    out = []
    for child in report.get("children", []):
        m = child["members"]
        if m["total"]:
            out.append(
                f"{child['org']['name']}：年末会员{num(m['total'])}个，新入会{num(m['joined'])}个，"
                f"增长率{pct(m['growth_rate'])}。"
            )
    return out


def work_report(report: dict[str, Any]) -> WorkReport:
    org = report["org"]["name"]
    year = report["year"]
    story = WorkReport(
        title=f"{org}{year}年工作报告",
        subtitle=f"（统计期间：{report['period']['start']}至{report['period']['end']}，数据由系统根据业务记录生成）",
        summary=[
            f"{year}年，{org}围绕团结、服务、引导、教育的职能，"
            + "，".join(_summary_clauses(report))
            + "。"
        ],
    )
    number = 0
    for key, heading, build in SECTION_BUILDERS:
        if key in report:
            number += 1
            story.sections.append((heading, build(report)))
    lines = highlights(report)
    if lines:
        story.sections.append(("各商会工作亮点", lines))
    story.plans_heading = f"{'一二三四五六七八九十'[min(number, 9)]}、{year + 1}年工作计划"
    story.footer = f"{org}\n{year + 1}年"
    return story


def _summary_clauses(report: dict[str, Any]) -> list[str]:
    m = report["members"]
    return [f"会员总数达到{num(m['total'])}个、同比增长{pct(m['growth_rate'])}"]
