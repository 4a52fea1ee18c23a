"""The sentences of the Chinese work report, each carrying computed figures.

Every number comes from the report dict (the one the JSON and the workbook are written
from). Every sentence guards its data: a figure of zero drops its clause or its
sentence, a rate is stated only with its cohort (numerator and denominator named in
the same sentence) and only when it has a denominator, and an area of work with
nothing to say is left out. Numbers follow `zh`: digits with measure words, money in
万元/亿元, rates as on every page.

The report's structure, as a federation's annual report has it: a summary; the year's
work by area (`AREAS`); 存在的问题和不足, from measurable shortfalls only; a marked
place for next year's plan, which staff write; the sign-off.

A figure section plugs in by adding a part `(subheading, [builder])` to an area in
`AREAS`, a builder being `(report, words) -> list[str]` (one string per paragraph; []
when it has nothing to say), and,
when it can fall short, a check to `SHORTFALLS` (e.g. the dues collected, 会费收缴率,
under 组织建设).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from chamber.core.rates import percent_text

from .period import Period, zh_date
from .zh import listing, money, n

Words = dict[str, str]
Builder = Callable[[dict[str, Any], Words], list[str]]


def pct(value: float) -> str:
    return percent_text(value)


def _share(cohort: str, part: int, did: str, rate_name: str, rate: float, none: str) -> str:
    """A rate with its cohort: "受理的30件中截至年末已办结25件，办结率83.3%"; when none of
    the cohort did, the fact without a rate of 0.0%: "受理的30件截至年末均未办结"."""
    if not part:
        return f"{cohort}{none}"
    return f"{cohort}中{did}{n(part, '件')}，{rate_name}{pct(rate)}"


def terms(report: dict[str, Any]) -> Words:
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
        "org": report["org"]["name"],
    }


def _sentence(*clauses: str | None) -> str | None:
    """Clauses joined with full-width commas into one sentence; None when empty."""
    kept = [c for c in clauses if c]
    return "，".join(kept) + "。" if kept else None


def _paragraph(*sentences: str | None) -> list[str]:
    kept = [s for s in sentences if s]
    return ["".join(kept)] if kept else []


# --- 思想政治引领 ---------------------------------------------------------------------------


def _guidance(report: dict[str, Any], w: Words) -> list[str]:
    k = report.get("events", {}).get("by_kind", {})
    training, symposium = k.get("training", {}), k.get("symposium", {})
    parts = []
    if training.get("count"):
        parts.append(
            f"举办理想信念教育和经营管理等主题培训{n(training['count'], '场')}"
            + (f"、{n(training['attendance'], '人次')}参加" if training.get("attendance") else "")
        )
    if symposium.get("count"):
        parts.append(f"召开会员企业座谈会{n(symposium['count'], '场')}")
    if not parts:
        return []
    return [f"坚持把思想政治建设放在首位，{w['whole']}" + "，".join(parts) + "。"]


# --- 参政议政 -------------------------------------------------------------------------------


def _posts(report: dict[str, Any], w: Words) -> list[str]:
    p = report["political"]
    by_body = p.get("posts_held_by_body", {})
    held = None
    if p["posts_held"]:
        kinds = listing(
            [
                f"人大代表{n(by_body['npc'], '名')}" if by_body.get("npc") else "",
                f"政协委员{n(by_body['cppcc'], '名')}" if by_body.get("cppcc") else "",
            ]
        )
        held = _sentence(
            f"截至{w['end']}，共有{n(p['posts_held'], '名')}会员在各级人大、政协任职",
            f"其中担任{kinds}" if kinds else None,
        )
    elected = p.get("elected", {})
    new = None
    if elected.get("total"):
        kinds = listing(
            [
                f"人大代表{n(elected['npc'], '名')}" if elected.get("npc") else "",
                f"政协委员{n(elected['cppcc'], '名')}" if elected.get("cppcc") else "",
            ]
        )
        new = f"{w['this']}新当选（含连任）{kinds}。"
    return _paragraph(held, new)


def _proposals(report: dict[str, Any], w: Words) -> list[str]:
    pr = report["political"]["proposals"]
    if not pr["submitted"]:
        return []
    first = _sentence(
        f"会员中的人大代表、政协委员{w['whole']}提交提案、议案和建议{n(pr['submitted'], '件')}",
        f"立案{n(pr['filed'], '件')}" if pr.get("filed") else None,
    )
    replied = None
    if pr.get("filed"):
        replied = _sentence(
            _share(
                f"立案的{n(pr['filed'], '件')}",
                pr.get("replied") or 0,
                "已答复",
                "答复率",
                pr["reply_rate"],
                "尚未答复",
            ),
            f"其中已解决或已采纳（A类）{n(pr['grades']['A'], '件')}"
            if pr.get("grades", {}).get("A")
            else None,
        )
    content = None
    if pr.get("evaluated"):
        sat = pr.get("satisfaction", {})
        happy = (sat.get("satisfied") or 0) + (sat.get("basic") or 0)
        content = _sentence(
            _share(
                f"提案人评价的{n(pr['evaluated'], '件')}",
                happy,
                "满意和基本满意",
                "满意率",
                pr["satisfaction_rate"],
                "均不满意",
            )
        )
    return _paragraph(first, replied, content)


# --- 服务会员发展 ---------------------------------------------------------------------------


def _visits(report: dict[str, Any], w: Words) -> list[str]:
    v = report.get("visits")
    if not v or not v["visits"]:
        return []
    expert = v.get("by_kind", {}).get("expert", {})
    leader = v.get("by_kind", {}).get("leader", {})
    return _paragraph(
        _sentence(
            f"深入开展企业大走访活动，{w['whole']}共走访{n(v['visits'], '次')}、"
            f"{n(v['count'], '家次')}，覆盖{n(v['enterprises'], '家')}企业",
            f"其中商会领导带队走访{n(leader['visits'], '次')}、{n(leader['count'], '家次')}"
            if leader.get("visits")
            else None,
            f"组织专家团队走访{n(expert['visits'], '次')}、{n(expert['count'], '家次')}"
            if expert.get("visits")
            else None,
        )
    )


def _cases(report: dict[str, Any], w: Words) -> list[str]:
    c = report.get("cases")
    if not c or not (c["raised"] or c["resolved"]):
        return []
    intake = None
    if c["raised"]:
        intake = _sentence(
            f"{w['whole']}收集企业反映的困难和问题{n(c['raised'], '件')}",
            f"其中不予受理{n(c['rejected'], '件')}" if c.get("rejected") else None,
            _share(
                f"受理的{n(c['accepted'], '件')}",
                c["accepted_resolved"],
                f"截至{w['end']}已办结",
                "办结率",
                c["resolution_rate"],
                f"截至{w['end']}均未办结",
            )
            if c.get("accepted")
            else None,
        )
    done = None
    if c["resolved"]:
        done = _sentence(
            f"{w['whole']}共办结各类问题{n(c['resolved'], '件')}（含此前受理的）"
            if c["resolved"] != c.get("accepted_resolved")
            else None,
            _share(
                f"有办理时限的{n(c['resolved_with_deadline'], '件')}",
                c["resolved_on_time"],
                "按期办结",
                "按期办结率",
                c["on_time_rate"],
                "均未按期办结",
            )
            if c.get("resolved_with_deadline")
            else None,
            f"办结用时的中位数为{_days(c['median_days_to_resolve'])}"
            if c.get("median_days_to_resolve") is not None
            else None,
        )
    follow = None
    if c.get("followed_up"):
        follow = _sentence(
            _share(
                f"回访的{n(c['followed_up'], '件')}",
                c["satisfied"],
                "企业满意和基本满意",
                "满意率",
                c["satisfaction_rate"],
                "企业均不满意",
            ),
            f"平均满意度{c['satisfaction']}分（满分5分）" if c.get("satisfaction") else None,
        )
    cats = [x for x in sorted(c.get("by_category", []), key=lambda x: -x["raised"]) if x["raised"]]
    focus = None
    if len(cats) > 1:
        names = listing([f"{x['name']}（{n(x['raised'], '件')}）" for x in cats[:3]])
        focus = f"企业反映较集中的问题是{names}。"
    return _paragraph(intake, done, follow, focus)


def _days(value: float | int) -> str:
    return f"{value:g}天"


def _events(report: dict[str, Any], w: Words) -> list[str]:
    e = report.get("events")
    if not e:
        return []
    k = e["by_kind"]
    parts = []
    if k["exhibition"]["count"]:
        parts.append(
            f"组织展会{n(k['exhibition']['count'], '场')}"
            + (
                f"、{n(k['exhibition']['enterprises'], '家')}会员企业参展"
                if k["exhibition"]["enterprises"]
                else ""
            )
        )
    if k["trade_exchange"]["count"]:
        parts.append(f"开展经贸交流活动{n(k['trade_exchange']['count'], '场')}")
    if k["study_tour"]["count"]:
        parts.append(
            f"组织考察{n(k['study_tour']['count'], '批次')}"
            + (
                f"、{n(k['study_tour']['attendance'], '人次')}参加"
                if k["study_tour"]["attendance"]
                else ""
            )
        )
    total = e["total"]
    if not total["count"]:
        return []
    first = _sentence(
        f"搭建交流合作平台，{w['whole']}举办各类活动{n(total['count'], '场')}",
        f"参加{n(total['attendance'], '人次')}" if total["attendance"] else None,
        f"参与企业{n(total['enterprises'], '家')}" if total["enterprises"] else None,
    )
    return _paragraph(first, ("其中，" + "；".join(parts) + "。") if parts else None)


# --- 公益慈善 -------------------------------------------------------------------------------


def _charity(report: dict[str, Any], w: Words) -> list[str]:
    c = report.get("charity")
    if not c:
        return []
    events = report.get("events", {}).get("by_kind", {}).get("charity", {})
    activity = None
    if events.get("count"):
        activity = _sentence(
            f"{w['whole']}开展公益活动{n(events['count'], '场')}",
            f"{n(events['attendance'], '人次')}参与" if events.get("attendance") else None,
        )
    amount, cash, goods = (Decimal(c[k]) for k in ("amount", "money", "goods"))
    cumulative = Decimal(c["amount_cumulative"])
    given = None
    if amount > 0:
        given = _sentence(
            f"{w['whole']}会员捐款捐物合计{money(amount)}"
            + (f"（其中捐款{money(cash)}、捐物折价{money(goods)}）" if cash and goods else ""),
            f"共{n(c['donations'], '笔')}" if c.get("donations") else None,
            f"历年累计捐款捐物{money(cumulative)}" if cumulative > amount else None,
        )
    elif cumulative > 0:
        given = f"截至{w['end']}，会员历年累计捐款捐物{money(cumulative)}。"
    return _paragraph(activity, given)


# --- 组织建设 -------------------------------------------------------------------------------


def _meetings(report: dict[str, Any], w: Words) -> list[str]:
    held = report.get("meetings", {}).get("held")
    if not held:
        return []
    return [f"坚持民主议事，{w['whole']}召开执委会、理事会等会议{n(held, '次')}。"]


def _members(report: dict[str, Any], w: Words) -> list[str]:
    m = report["members"]
    if not (m["total"] or m["joined"] or m["left"]):
        return []
    kinds = m.get("total_by_kind", {})
    parts = [
        f"企业会员{n(kinds['enterprise'], '家')}" if kinds.get("enterprise") else "",
        f"个人会员{n(kinds['person'], '名')}" if kinds.get("person") else "",
        f"团体会员{n(kinds['organization'], '个')}" if kinds.get("organization") else "",
    ]
    stock = f"截至{w['end_date']}，{w['org']}共有{listing(parts)}" if m["total"] else None
    change = _sentence(
        f"{w['whole']}新发展会员{n(m['joined'], '名')}" if m["joined"] else None,
        f"退会{n(m['left'], '名')}" if m["left"] else None,
        f"会员总数较{w['prev_end']}增长{pct(m['growth_rate'])}"
        if m.get("growth_rate") and m["growth_rate"] > 0
        else None,
    )
    return _paragraph(stock + "。" if stock else None, change)


def _chambers(report: dict[str, Any], w: Words) -> list[str]:
    """How the chambers below grew: how many grew, the fastest (only when there is a
    rate to compare), and chambers new in the period."""
    children = report.get("children", [])
    rated = [c for c in children if c["members"]["growth_rate"] is not None]
    out = []
    grew = [c for c in rated if c["members"]["growth_rate"] > 0]
    if len(rated) > 1 and grew:
        fastest = max(grew, key=lambda c: c["members"]["growth_rate"])
        out.append(
            f"{n(len(rated), '个')}下属商会中{n(len(grew), '个')}会员数增长，"
            f"其中{fastest['org']['name']}增长最快，达{pct(fastest['members']['growth_rate'])}。"
        )
    new = [c for c in children if not c["members"]["previous_total"] and c["members"]["total"]]
    if new:
        names = listing([c["org"]["name"] for c in new])
        total = sum(c["members"]["total"] for c in new)
        out.append(f"{w['this']}新组建的{names}已发展会员{n(total, '名')}。")
    return _paragraph(*out)


def _dues(report: dict[str, Any], w: Words) -> list[str]:
    d = report.get("dues")
    if not d or not Decimal(d["receivable"]):
        return []
    received = Decimal(d["received"])
    # Dues are a year's: a quarter's report speaks of its year's dues.
    first, last = report["period"]["start"][:4], report["period"]["end"][:4]
    years = f"{first}年度" if first == last else f"{first}至{last}年度"
    return _paragraph(
        _sentence(
            f"{years}应收会员会费{money(d['receivable'])}",
            f"截至{w['end']}实收{money(received)}，收缴率{pct(d['collection_rate'])}"
            if received
            else f"截至{w['end']}尚未收到",
            f"{n(d['members_in_arrears'], '名')}会员未足额缴纳"
            if d.get("members_in_arrears")
            else None,
        )
    )


# --- 荣誉 ---------------------------------------------------------------------------------


def _honours(report: dict[str, Any], w: Words) -> list[str]:
    honors = report.get("honors") or []
    if not honors:
        return []
    items = "；".join(
        f"{h['recipient']}获{h['awarding_body']}授予"
        + (h["title"] if "“" in h["title"] else f"“{h['title']}”")
        for h in honors
    )
    return [f"{w['this']}共获得各级荣誉{n(len(honors), '项')}：{items}。"]


@dataclass(frozen=True)
class Area:
    """An area of the year's work: (subheading, builders) parts. Where two or more parts
    have something to say, each gets its second-level heading （一）, （二） …"""

    heading: str
    parts: list[tuple[str, list[Builder]]]


@dataclass(frozen=True)
class Subheading:
    """A second-level heading (楷体) inside an area."""

    text: str


CN_ORDINALS = "一二三四五六七八九十"

# The year's work by area, in the report's order.
AREAS: list[Area] = [
    Area("加强思想政治引领", [("理想信念教育", [_guidance])]),
    Area("积极参政议政", [("政治安排", [_posts]), ("建言献策", [_proposals])]),
    Area(
        "服务会员发展",
        [("企业大走访", [_visits]), ("诉求办理", [_cases]), ("交流合作", [_events])],
    ),
    Area("投身公益慈善", [("公益捐赠", [_charity])]),
    Area(
        "加强自身建设",
        [
            ("民主议事", [_meetings]),
            ("会员发展", [_members, _chambers]),
            ("会费收缴", [_dues]),
        ],
    ),
    Area("获得荣誉", [("荣誉", [_honours])]),
]


def _area(area: Area, report: dict[str, Any], w: Words) -> list[str | Subheading]:
    parts = [
        (sub, paragraphs)
        for sub, builders in area.parts
        if (paragraphs := [p for build in builders for p in build(report, w)])
    ]
    if len(parts) < 2:
        return [p for _sub, paragraphs in parts for p in paragraphs]
    out: list[str | Subheading] = []
    for i, (sub, paragraphs) in enumerate(parts):
        out += [Subheading(f"（{CN_ORDINALS[i]}）{sub}"), *paragraphs]
    return out


# --- 存在的问题和不足 ------------------------------------------------------------------------

LOW_SATISFACTION = 0.9  # below this share of satisfied follow-ups, a shortfall
LOW_ON_TIME = 0.9


def _overdue(report: dict[str, Any], w: Words) -> str | None:
    c = report.get("cases") or {}
    # Overdue is counted on the day the report is made, whatever the period: said only
    # where the period saw casework, so a past year without any is not blamed for it.
    if c.get("overdue_now") and (c.get("raised") or c.get("resolved")):
        return (
            f"诉求办理仍有积压，截至{w['today']}尚有{n(c['overdue_now'], '件')}超过办理时限未办结。"
        )
    return None


def _late(report: dict[str, Any], w: Words) -> str | None:
    c = report.get("cases") or {}
    rate = c.get("on_time_rate")
    if rate is not None and rate < LOW_ON_TIME:
        late = c["resolved_with_deadline"] - c["resolved_on_time"]
        said = f"按期办结率为{pct(rate)}，" if rate else ""
        return f"{said}{n(late, '件')}问题超过时限才办结，办理效率有待提高。"
    return None


def _satisfaction(report: dict[str, Any], w: Words) -> str | None:
    c = report.get("cases") or {}
    rate = c.get("satisfaction_rate")
    if rate is not None and rate < LOW_SATISFACTION:
        unhappy = c["followed_up"] - c["satisfied"]
        said = f"回访满意率为{pct(rate)}，" if rate else ""
        return f"{said}{n(unhappy, '件')}诉求的办理结果企业不满意，服务质量仍需提升。"
    return None


def _shrinking(report: dict[str, Any], w: Words) -> str | None:
    m = report["members"]
    falling = [
        c
        for c in report.get("children", [])
        if c["members"]["growth_rate"] is not None and c["members"]["growth_rate"] < 0
    ]
    if m.get("growth_rate") is not None and m["growth_rate"] < 0:
        return (
            f"会员总数较{w['prev_end']}下降{pct(-m['growth_rate'])}，"
            f"{w['whole']}退会{n(m['left'], '名')}，会员发展工作需要加强。"
        )
    if falling:
        names = listing([c["org"]["name"] for c in falling])
        return f"{names}会员数较{w['prev_end']}有所减少，会员发展不平衡。"
    return None


LOW_COLLECTION = 0.9


def _arrears(report: dict[str, Any], w: Words) -> str | None:
    d = report.get("dues") or {}
    rate = d.get("collection_rate")
    if rate is not None and rate < LOW_COLLECTION and d.get("members_in_arrears"):
        said = f"会费收缴率为{pct(rate)}，" if rate else ""
        return f"{said}{n(d['members_in_arrears'], '名')}会员未足额缴纳会费，会费收缴工作有待加强。"
    return None


SHORTFALLS: list[Callable[[dict[str, Any], Words], str | None]] = [
    _overdue,
    _late,
    _satisfaction,
    _shrinking,
    _arrears,
]


# --- the document -----------------------------------------------------------------------------

NUMERALS = "一二三四五六七八九十"


@dataclass
class WorkReport:
    title: str
    summary: list[str]
    sections: list[tuple[str, list[str | Subheading]]] = field(default_factory=list)
    plans_heading: str = ""
    plans_placeholder: str = "【待填写：此处由工作人员撰写下一阶段工作计划。】"
    organisation: str = ""
    signed: str = ""
    note: str = ""


def _summary(report: dict[str, Any], w: Words) -> str:
    m = report["members"]
    stock = None
    if m["total"]:
        verb = "达到" if m.get("growth_rate") and m["growth_rate"] > 0 else "为"
        ents = m.get("total_by_kind", {}).get("enterprise")
        stock = (
            f"会员企业{verb}{n(ents, '家')}"
            if ents == m["total"]
            else f"会员总数{verb}{n(m['total'])}"
        )
    work = []
    v = report.get("visits") or {}
    if v.get("count"):
        work.append(f"走访企业{n(v['count'], '家次')}")
    c = report.get("cases") or {}
    if c.get("resolved"):
        work.append(f"协调解决企业困难和问题{n(c['resolved'], '件')}")
    e = (report.get("events") or {}).get("total", {})
    if e.get("count"):
        work.append(f"举办各类活动{n(e['count'], '场')}")
    p = report.get("political") or {}
    if p.get("proposals", {}).get("submitted"):
        work.append(f"提交提案、议案和建议{n(p['proposals']['submitted'], '件')}")
    ch = report.get("charity") or {}
    if ch and Decimal(ch["amount"]) > 0:
        work.append(f"会员捐款捐物{money(ch['amount'])}")
    if not work:
        # Nothing done to speak of: say so plainly, without a claim of progress.
        have = f"截至{w['end']}{w['org']}{stock}；" if stock else ""
        return f"{have}{w['label']}暂无走访、诉求办理、活动等工作记录。"
    return (
        f"{w['label']}，{w['org']}围绕团结、服务、引导、教育的工作主线，"
        + "，".join([*([stock] if stock else []), *work])
        + "，各项工作取得新进展。"
    )


def work_report(report: dict[str, Any], signed: datetime.date | None = None) -> WorkReport:
    """The work report's text: title, summary, areas, shortfalls, plan, sign-off."""
    signed = signed or timezone.localdate()
    w = terms(report) | {"today": zh_date(signed)}
    story = WorkReport(
        title=f"{w['org']}{w['label']}工作报告",
        summary=[_summary(report, w)],
        organisation=w["org"],
        signed=w["today"],
        note=f"本报告数据由系统根据{w['label']}的业务记录于{w['today']}生成。",
    )
    sections = []
    for area in AREAS:
        if paragraphs := _area(area, report, w):
            sections.append((area.heading, paragraphs))
    problems = [s for check in SHORTFALLS if (s := check(report, w))]
    if problems:
        sections.append(("存在的问题和不足", problems))
    story.sections = [(f"{NUMERALS[i]}、{h}", ps) for i, (h, ps) in enumerate(sections)]
    plans = f"{report['year'] + 1}年工作计划" if w["kind"] == "year" else "下一阶段工作计划"
    story.plans_heading = f"{NUMERALS[len(sections)]}、{plans}"
    story.plans_placeholder = f"【待填写：此处由工作人员撰写{plans}。】"
    return story


def sentences(story: WorkReport) -> list[str]:
    """Every sentence of the report's prose, for checks (no sentence twice)."""
    text = [
        *story.summary,
        *(p for _h, ps in story.sections for p in ps if not isinstance(p, Subheading)),
    ]
    return [s + "。" for t in text for s in t.split("。") if s.strip()]
