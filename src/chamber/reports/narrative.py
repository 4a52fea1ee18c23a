"""The sentences of the Chinese work report, each carrying computed figures.

Sections appear only for the parts of the report that exist; every number comes from
the report dict (the same one the JSON and the workbook are written from).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .period import Period, zh_date

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
    "visits.count": "走访家次",
    "visits.enterprises": "走访企业数",
    "cases.raised": "受理问题",
    "cases.resolved": "办结问题",
    "cases.resolution_rate": "办结率",
    "cases.satisfaction": "平均满意度",
    "political.posts_held": "任职人数",
    "political.proposals.submitted": "提交提案议案",
    "charity.amount": "捐赠合计(元)",
    "charity.amount_cumulative": "累计捐赠(元)",
    "charity.money": "捐款(元)",
    "charity.goods": "捐物折价(元)",
    "events.total.count": "活动场次",
    "events.total.attendance": "参加人次",
    "members.total": "{end}会员数",
    "members.joined": "新入会",
    "members.left": "退会",
    "members.previous_total": "{prev_end}会员数",
    "members.growth_rate": "增长率",
}


def column_label(section: str, column: str, report: dict[str, Any] | None = None) -> str:
    """A workbook column's Chinese header, in the words of the report's period."""
    label = COLUMN_LABELS.get(f"{section}.{column}", column)
    if "{" in label:
        w = terms(report) if report else {"end": "年末", "prev_end": "上年末"}
        label = label.format(**w)
    return label


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


def terms(report: dict[str, Any]) -> dict[str, str]:
    """The words a sentence uses for the report's period: 全年/年末/上年末 for a year,
    本季度/季末/上季末 for a quarter, 期内/期末/期初 for custom dates."""
    p = report["period"]
    period = Period(datetime.date.fromisoformat(p["start"]), datetime.date.fromisoformat(p["end"]))
    words = {
        "year": {"whole": "全年", "end": "年末", "prev_end": "上年末", "this": "本年度"},
        "quarter": {"whole": "本季度", "end": "季末", "prev_end": "上季末", "this": "本季度"},
        "custom": {"whole": "期内", "end": "期末", "prev_end": "期初", "this": "本期"},
    }[period.kind]
    return {
        **words,
        "label": period.label_zh(),
        "end_date": zh_date(period.end),
        "kind": period.kind,
    }


def _member_sentences(report: dict[str, Any]) -> list[str]:
    w = terms(report)
    m = report["members"]
    out = [
        f"截至{w['end_date']}，{report['org']['name']}共有会员{num(m['total'])}个，"
        f"{w['whole']}新发展会员{num(m['joined'])}个，退会{num(m['left'])}个，"
        f"会员总数较{w['prev_end']}的{num(m['previous_total'])}个增长{pct(m['growth_rate'])}。"
    ]
    children = [c for c in report.get("children", []) if c["members"]["previous_total"]]
    if children:
        fastest = max(children, key=lambda c: c["members"]["growth_rate"] or 0)
        over_ten = [c for c in children if (c["members"]["growth_rate"] or 0) >= 0.10]
        out.append(
            f"{len(report['children'])}个下属商会中，{len(over_ten)}个会员增长率达到10%以上，"
            f"其中{fastest['org']['name']}增长最快，达{pct(fastest['members']['growth_rate'])}"
            f"（{w['end']}{num(fastest['members']['total'])}个会员）。"
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


def _political_sentences(report: dict[str, Any]) -> list[str]:
    w = terms(report)
    p = report["political"]
    pr = p["proposals"]
    out = [
        f"积极引导非公有制经济人士参政议政。截至{w['end']}，共有{num(p['posts_held'])}名会员在各级人大、政协任职，"
        f"其中人大代表{num(p['posts_held_by_body'].get('npc', 0))}名、政协委员{num(p['posts_held_by_body'].get('cppcc', 0))}名。"
    ]
    if p["elected"].get("total"):
        out.append(
            f"{w['this']}新当选（含连任）人大代表{num(p['elected']['npc'])}名、政协委员{num(p['elected']['cppcc'])}名。"
        )
    if pr["submitted"]:
        grades = pr.get("grades", {})
        out.append(
            f"会员中的人大代表、政协委员{w['whole']}提交提案、议案和建议{num(pr['submitted'])}件，立案{num(pr['filed'])}件，"
            f"已答复{num(pr['replied'])}件，答复率{pct(pr['reply_rate'])}；"
            f"其中已解决（A类）{num(grades.get('A', 0))}件、正在解决（B类）{num(grades.get('B', 0))}件，"
            f"提案人满意率{pct(pr['satisfaction_rate'])}。"
        )
    return out


def _service_sentences(report: dict[str, Any]) -> list[str]:
    w = terms(report)
    out = []
    v = report.get("visits")
    if v:
        expert = v.get("by_kind", {}).get("expert", {})
        out.append(
            f"坚持开展企业大走访活动，{w['whole']}共走访企业{num(v['count'])}家次、覆盖{num(v['enterprises'])}家企业"
            + (f"，其中专家团队走访{num(expert['count'])}次" if expert.get("count") else "")
            + "。"
        )
    c = report.get("cases")
    if c:
        out.append(
            f"{w['whole']}受理企业反映的困难和问题{num(c['raised'])}宗，协调解决{num(c['resolved'])}宗，"
            f"办结率{pct(c['resolution_rate'])}，按时办结率{pct(c['on_time_rate'])}"
            + (
                f"，回访满意率{pct(c['satisfaction_rate'])}"
                if c.get("satisfaction_rate") is not None
                else ""
            )
            + (
                f"，办结平均用时中位数{c['median_days_to_resolve']}天"
                if c.get("median_days_to_resolve") is not None
                else ""
            )
            + "。"
        )
        cats = sorted(c.get("by_category", []), key=lambda x: -x["raised"])[:3]
        if cats and cats[0]["raised"]:
            names = "、".join(f"{x['name']}（{x['raised']}宗）" for x in cats)
            out.append(f"企业反映较集中的问题是{names}。")
    return out


KIND_NAMES = {
    "training": "培训",
    "exhibition": "展会",
    "trade_exchange": "经贸交流",
    "study_tour": "考察",
    "symposium": "座谈会",
    "charity": "公益活动",
    "meeting": "会议",
    "other": "其他活动",
}


def _event_sentences(report: dict[str, Any]) -> list[str]:
    w = terms(report)
    e = report["events"]
    k = e["by_kind"]
    out = []
    if e["total"]["count"]:
        out.append(
            f"{w['whole']}举办各类活动{num(e['total']['count'])}场，参加{num(e['total']['attendance'])}人次，"
            f"参与企业{num(e['total']['enterprises'])}家。"
        )
    parts = []
    if k["training"]["count"]:
        parts.append(
            f"举办主题培训{num(k['training']['count'])}场、{num(k['training']['attendance'])}人次参加"
        )
    if k["exhibition"]["count"]:
        parts.append(
            f"组织展会{num(k['exhibition']['count'])}场、{num(k['exhibition']['enterprises'])}家会员企业参展"
        )
    if k["trade_exchange"]["count"]:
        parts.append(f"开展经贸交流{num(k['trade_exchange']['count'])}次")
    if k["study_tour"]["count"]:
        parts.append(
            f"组织考察交流{num(k['study_tour']['count'])}批次、{num(k['study_tour']['attendance'])}人次"
        )
    if k["symposium"]["count"]:
        parts.append(f"召开座谈会{num(k['symposium']['count'])}场")
    if parts:
        out.append("其中，" + "；".join(parts) + "。")
    return out


def _charity_sentences(report: dict[str, Any]) -> list[str]:
    w = terms(report)
    c = report["charity"]
    out = []
    charity_events = report.get("events", {}).get("by_kind", {}).get("charity", {})
    if charity_events.get("count"):
        out.append(
            f"大力鼓励会员投身公益事业，{w['whole']}开展公益活动{num(charity_events['count'])}场，"
            f"{num(charity_events['attendance'])}人次参与。"
        )
    out.append(
        f"{w['whole']}会员捐款捐物合计{num(c['amount'])}元（其中捐款{num(c['money'])}元、捐物折价{num(c['goods'])}元），"
        f"共{num(c['donations'])}笔、{num(c['donors'])}个捐赠方；累计捐款捐物{num(c['amount_cumulative'])}元。"
    )
    return out


def _honor_sentences(report: dict[str, Any]) -> list[str]:
    w = terms(report)
    honors = report.get("honors") or []
    if not honors:
        return []
    items = "；".join(
        f"{h['recipient']}获{h['awarding_body']}授予"
        + (h["title"] if "“" in h["title"] else f"“{h['title']}”")
        for h in honors
    )
    return [f"{w['this']}共获得各级荣誉{len(honors)}项：{items}。"]


# Each entry: (report key, heading, sentence builder), in the report's order.
SECTION_BUILDERS = [
    ("political", "参政议政", _political_sentences),
    ("visits", "服务企业发展", _service_sentences),
    ("events", "搭建交流平台", _event_sentences),
    ("charity", "公益慈善", _charity_sentences),
    ("members", "会员发展与服务", _member_sentences),
    ("honors", "荣誉", _honor_sentences),
]
NUMERALS = "一二三四五六七八九十"


LEADS = [
    # (path into a child's figures, how the lead is said)
    (("members", "growth_rate"), "会员增长率最高（{v}）", pct),
    (("visits", "count"), "走访企业最多（{v}家次）", num),
    (("cases", "resolved"), "协调解决问题最多（{v}宗）", num),
    (("political", "posts_held"), "任职人大代表、政协委员的会员最多（{v}名）", num),
    (("events", "by_kind", "training", "attendance"), "培训参加人次最多（{v}人次）", num),
    (("charity", "amount"), "捐款捐物最多（{v}元）", num),
]


def _get(d: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        d = d.get(key) if isinstance(d, dict) else None
    return d


def highlights(report: dict[str, Any]) -> list[str]:
    w = terms(report)
    """Which chamber led on what, then one line per chamber with its own figures."""
    children = report.get("children", [])
    out = []
    leads: dict[str, list[str]] = {}
    for path, phrase, fmt in LEADS:
        values = [
            (c, Decimal(v) if isinstance(v, str) else v)
            for c in children
            if (v := _get(c, path)) is not None
        ]
        if values:
            best, value = max(values, key=lambda cv: cv[1])
            if value:
                leads.setdefault(best["org"]["name"], []).append(phrase.format(v=fmt(value)))
    for name, phrases in leads.items():
        out.append(f"{name}{'，'.join(phrases)}。")
    for child in children:
        m = child["members"]
        parts = [f"{w['end']}会员{num(m['total'])}个（增长{pct(m['growth_rate'])}）"]
        if "visits" in child:
            parts.append(f"走访企业{num(child['visits']['count'])}家次")
        if "cases" in child:
            parts.append(f"解决问题{num(child['cases']['resolved'])}宗")
        out.append(f"{child['org']['name']}：" + "，".join(parts) + "。")
    return out


def work_report(report: dict[str, Any]) -> WorkReport:
    w = terms(report)
    org = report["org"]["name"]
    year = report["year"]
    story = WorkReport(
        title=f"{org}{w['label']}工作报告",
        subtitle=f"（统计期间：{report['period']['start']}至{report['period']['end']}，数据由系统根据业务记录生成）",
        summary=[
            f"{w['label']}，{org}围绕团结、服务、引导、教育的职能，"
            + "，".join(_summary_clauses(report))
            + "。"
        ],
    )
    for key, heading, build in SECTION_BUILDERS:
        if key in report:
            paragraphs = build(report)
            if paragraphs:
                story.sections.append((heading, paragraphs))
    lines = highlights(report)
    if lines:
        story.sections.append(("各商会工作亮点", lines))
    story.sections = [
        (f"{NUMERALS[i]}、{heading}", paragraphs)
        for i, (heading, paragraphs) in enumerate(story.sections)
    ]
    plans = f"{year + 1}年工作计划" if w["kind"] == "year" else "下一阶段工作计划"
    story.plans_heading = f"{NUMERALS[len(story.sections)]}、{plans}"
    story.footer = f"{org}\n{year + 1 if w['kind'] == 'year' else report['period']['end'][:4]}年"
    return story


def _summary_clauses(report: dict[str, Any]) -> list[str]:
    w = terms(report)
    m = report["members"]
    growth = "同比增长" if w["kind"] == "year" else f"较{w['prev_end']}增长"
    clauses = [f"会员总数达到{num(m['total'])}个、{growth}{pct(m['growth_rate'])}"]
    if "visits" in report:
        clauses.append(f"走访企业{num(report['visits']['count'])}家次")
    if "cases" in report:
        clauses.append(f"协调解决困难和问题{num(report['cases']['resolved'])}宗")
    if "political" in report:
        clauses.append(f"{num(report['political']['posts_held'])}名会员在各级人大、政协任职")
    if "charity" in report:
        clauses.append(f"会员捐款捐物{num(report['charity']['amount'])}元")
    return clauses
