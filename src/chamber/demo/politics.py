"""Demo political participation, 2014–2017, after the seed year's account (2016):
35 members elected to the 5th district CPPCC and 14 to the 6th district people's
congress, 91 members holding posts at some level at the end of 2016, and 60-odd
proposals, motions and suggestions submitted in 2016, each taken through its
lifecycle to a realistic outcome (and left where it stands on the load date).
The later terms' posts and proposals come from `later.py`.

People are drawn deterministically (for the seed) from the demo's members in office
at the end of 2016, council members first. Rows are bulk-created with the fields the
services would have written; there are no audit entries (the demo is loaded, not
edited). Sitting dates and the day the new district terms began are not confirmed by
the source: they are plausible constants below.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from chamber.members.models import Membership
from chamber.orgs.models import Organization
from chamber.politics import deadlines
from chamber.politics.choices import (
    Body,
    Level,
    PostRole,
    ProposalKind,
    Satisfaction,
    Status,
    Step,
)
from chamber.politics.models import (
    HandlingUnit,
    PoliticalPost,
    Proposal,
    ProposalStep,
    Reply,
    Topic,
)

from .timeline import SEED_LAST_DAY, DemoCalendar, add_years, calendar_for

D = datetime.date
SEED_YEAR_END = D(2016, 12, 31)
ELECTION = D(2016, 11, 28)  # 5th district CPPCC and 6th congress begin (unconfirmed date)

# Seats: (key, body, level, place, term, start, end or None). Dates unconfirmed.
SEATS = {
    "d_cppcc_4": (Body.CPPCC, Level.DISTRICT, "宝安区", 4, D(2011, 12, 20), ELECTION),
    "d_cppcc_5": (Body.CPPCC, Level.DISTRICT, "宝安区", 5, ELECTION, None),
    "d_npc_5": (Body.NPC, Level.DISTRICT, "宝安区", 5, D(2011, 12, 20), ELECTION),
    "d_npc_6": (Body.NPC, Level.DISTRICT, "宝安区", 6, ELECTION, None),
    "m_cppcc_5": (Body.CPPCC, Level.MUNICIPAL, "深圳市", 5, D(2010, 1, 18), D(2015, 1, 20)),
    "m_cppcc_6": (Body.CPPCC, Level.MUNICIPAL, "深圳市", 6, D(2015, 1, 20), None),
    "m_npc_6": (Body.NPC, Level.MUNICIPAL, "深圳市", 6, D(2015, 1, 22), None),
    "p_cppcc_11": (Body.CPPCC, Level.PROVINCIAL, "广东省", 11, D(2013, 1, 25), None),
    "p_npc_12": (Body.NPC, Level.PROVINCIAL, "广东省", 12, D(2013, 1, 27), None),
    "n_cppcc_12": (Body.CPPCC, Level.NATIONAL, "", 12, D(2013, 3, 3), None),
    "n_npc_12": (Body.NPC, Level.NATIONAL, "", 12, D(2013, 3, 5), None),
    # Posts in members' home towns (各地): a prefecture and a county-level city.
    "mz_cppcc_7": (Body.CPPCC, Level.MUNICIPAL, "梅州市", 7, D(2012, 1, 5), D(2017, 1, 8)),
    "mz_cppcc_8": (Body.CPPCC, Level.MUNICIPAL, "梅州市", 8, D(2017, 1, 8), None),
    "pn_cppcc_11": (Body.CPPCC, Level.DISTRICT, "普宁市", 11, D(2012, 1, 6), None),
}

# People per group, in draw order. The groups are disjoint, so the people in office at
# the end of 2016 are 35 + 14 + 42 = 91. Each group lists its seats; "earlier" seats
# went to the first n of the group only.
GROUPS = [
    # name, size, seats, [(earlier seat, n)]
    ("district_cppcc", 35, ["d_cppcc_5"], [("d_cppcc_4", 20)]),
    ("district_npc", 14, ["d_npc_6"], [("d_npc_5", 8)]),
    ("municipal_cppcc", 20, ["m_cppcc_6"], [("m_cppcc_5", 9)]),
    ("municipal_npc", 8, ["m_npc_6"], []),
    ("provincial_cppcc", 4, ["p_cppcc_11"], []),
    ("provincial_npc", 3, ["p_npc_12"], []),
    ("national_cppcc", 1, ["n_cppcc_12"], []),
    ("national_npc", 1, ["n_npc_12"], []),
    ("meizhou", 3, ["mz_cppcc_7"], []),
    ("puning", 2, ["pn_cppcc_11"], []),
    # Out of office by the end of 2016: not re-elected.
    ("past_district_cppcc", 12, [], [("d_cppcc_4", 12)]),
    ("past_district_npc", 5, [], [("d_npc_5", 5)]),
    ("past_municipal_cppcc", 4, [], [("m_cppcc_5", 4)]),
]
# Second seats of people already counted (the total of people does not change).
EXTRA_SEATS = [("district_cppcc", "m_cppcc_6", 5), ("district_npc", "m_npc_6", 2)]
SECTORS = {Body.CPPCC: ["工商联界"] * 3 + ["经济界"], Body.NPC: [""]}

# Sittings: (seat whose holders submit, kind(s), sitting number, first day, how many).
SITTINGS = [
    ("d_cppcc_4", 3, D(2014, 1, 7), 17),
    ("d_npc_5", 3, D(2014, 1, 7), 5),
    ("m_cppcc_5", 5, D(2014, 1, 13), 10),
    ("p_cppcc_11", 2, D(2014, 1, 16), 2),
    ("n_cppcc_12", 2, D(2014, 3, 3), 1),
    ("d_cppcc_4", 4, D(2015, 1, 6), 18),
    ("d_npc_5", 4, D(2015, 1, 6), 6),
    ("m_cppcc_6", 1, D(2015, 1, 20), 12),
    ("m_npc_6", 1, D(2015, 1, 22), 4),
    ("p_cppcc_11", 3, D(2015, 1, 26), 2),
    ("p_npc_12", 3, D(2015, 1, 28), 1),
    ("n_npc_12", 3, D(2015, 3, 5), 1),
    # The seed year: 64 in all.
    ("d_cppcc_4", 5, D(2016, 1, 6), 20),
    ("d_npc_5", 5, D(2016, 1, 6), 6),
    ("m_cppcc_6", 2, D(2016, 1, 15), 10),
    ("m_npc_6", 2, D(2016, 1, 17), 4),
    ("p_cppcc_11", 4, D(2016, 1, 25), 3),
    ("p_npc_12", 4, D(2016, 1, 27), 2),
    ("n_cppcc_12", 4, D(2016, 3, 3), 1),
    ("n_npc_12", 4, D(2016, 3, 5), 1),
    ("d_cppcc_5", 1, D(2016, 11, 28), 12),
    ("d_npc_6", 1, D(2016, 11, 28), 5),
    ("m_cppcc_6", 3, D(2017, 1, 12), 12),
    ("m_npc_6", 3, D(2017, 1, 14), 4),
    ("p_cppcc_11", 5, D(2017, 1, 20), 3),
    ("p_npc_12", 5, D(2017, 1, 22), 2),
    ("n_cppcc_12", 5, D(2017, 3, 3), 1),
    ("mz_cppcc_8", 1, D(2017, 1, 8), 2),
    ("d_cppcc_5", 2, D(2017, 12, 5), 16),
    ("d_npc_6", 2, D(2017, 12, 5), 6),
]

TOPICS = {
    "中国制造2025": ["推进制造业转型升级", "加快发展智能制造", "支持中小制造企业技术改造"],
    "创新产业载体": ["加强创新产业载体集聚建设", "盘活旧工业区建设产业园区", "建设科技企业孵化器"],
    "企业服务": ["优化企业服务机制", "建立企业服务专员制度", "完善企业诉求快速响应机制"],
    "营商环境": ["进一步优化营商环境", "简化企业投资审批流程", "规范涉企行政检查"],
    "融资": ["缓解中小微企业融资难", "设立中小企业转贷资金", "发展供应链金融"],
    "人才住房": ["加大人才住房供给", "完善企业人才安居政策", "解决产业工人住房问题"],
    "交通": ["改善工业园区交通微循环", "增开工业区公交线路", "缓解宝安大道交通拥堵"],
    "环境保护": ["推进茅洲河流域综合治理", "支持企业环保设施升级", "加强工业废气治理"],
    "教育": ["增加公办学位供给", "解决企业员工子女入学难", "发展职业技术教育"],
    "医疗卫生": ["提升社区健康服务中心水平", "加快区级医院建设"],
    "知识产权": ["加强知识产权保护", "支持企业专利申请和运用"],
    "城市更新": ["加快城市更新项目审批", "推进旧工业区升级改造"],
}
# Which department handles which topic (lead, co-handler).
DEPT_OF_TOPIC = {
    "中国制造2025": ("经济促进局", "科技创新局"),
    "创新产业载体": ("经济促进局", "规划土地监察局"),
    "企业服务": ("经济促进局", "市场监督管理局"),
    "营商环境": ("发展和改革局", "市场监督管理局"),
    "融资": ("金融工作局", "财政局"),
    "人才住房": ("住房和建设局", "人力资源局"),
    "交通": ("交通运输局", "规划土地监察局"),
    "环境保护": ("环境保护和水务局", "经济促进局"),
    "教育": ("教育局", "人力资源局"),
    "医疗卫生": ("卫生和计划生育局", "发展和改革局"),
    "知识产权": ("市场监督管理局", "科技创新局"),
    "城市更新": ("城市更新局", "规划土地监察局"),
}
DEPTS = sorted({d for pair in DEPT_OF_TOPIC.values() for d in pair})
UPPER_UNITS = {
    Level.PROVINCIAL: [
        "广东省发展和改革委员会",
        "广东省经济和信息化委员会",
        "广东省人力资源和社会保障厅",
    ],
    Level.NATIONAL: ["国家发展和改革委员会", "工业和信息化部"],
}
SUFFIX = {
    ProposalKind.PROPOSAL: "提案",
    ProposalKind.MOTION: "议案",
    ProposalKind.SUGGESTION: "建议",
}
REPLY_TEXT = {
    "A": "经研究，所提建议已被采纳并落实，具体措施详见答复函。",
    "B": "所提问题正在解决中，已列入年度工作计划，将加快推进。",
    "C": "所提建议具有前瞻性，受条件限制，拟在今后工作中逐步解决。",
    "D": "所提建议已留作参考，将在制定相关政策时统筹考虑。",
}
SATISFACTION_ZH = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
OPINION_REASONS = ["属于个案诉求，不宜作为提案立案", "内容涉及司法程序", "建议内容不具体"]


def _unit_names(level: str, place: str) -> list[str]:
    if level in UPPER_UNITS:
        return UPPER_UNITS[level]
    return [f"{place}{d}" for d in DEPTS]


def _units() -> dict[str, HandlingUnit]:
    units: dict[str, HandlingUnit] = {}
    wanted: list[tuple[str, str, str]] = []
    for level, place in [(Level.DISTRICT, "宝安区"), (Level.MUNICIPAL, "深圳市")]:
        short = "区" if level == Level.DISTRICT else "市"
        wanted += [(f"{place}{d}", f"{short}{d}", level) for d in DEPTS]
    wanted += [(n, "", lv) for lv, names in UPPER_UNITS.items() for n in names]
    wanted += [(f"梅州市{d}", "", Level.MUNICIPAL) for d in DEPTS]
    for name, short, level in wanted:
        units[name] = HandlingUnit.objects.get_or_create(
            name=name, defaults={"short_name": short, "level": level}
        )[0]
    return units


def _pool(rng: random.Random) -> list[tuple[int, int]]:
    """(person id, organisation id) of members in office at the end of the seed year,
    council ranks and early joiners first, shuffled within that order in bands."""
    rows = list(
        Membership.objects.active(SEED_YEAR_END)
        .filter(representative__isnull=False)
        .order_by("rank", "joined", "id")
        .values_list("representative_id", "organization_id")
    )
    seen: set[int] = set()
    ordered = [r for r in rows if not (r[0] in seen or seen.add(r[0]))]
    need = sum(size for _n, size, _s, _e in GROUPS)
    head = ordered[: need * 2]
    rng.shuffle(head)
    return head


@dataclass
class _Plan:
    posts: list[PoliticalPost] = field(default_factory=list)
    holders: dict[str, list[int]] = field(default_factory=dict)  # seat -> person ids


def _posts(rng: random.Random, pool: list[tuple[int, int]]) -> _Plan:
    plan = _Plan()
    groups: dict[str, list[tuple[int, int]]] = {}
    i = 0
    for name, size, _seats, _earlier in GROUPS:
        groups[name] = pool[i : i + size]
        i += size

    def seat(key: str, person: int, org: int, role: str | None = None) -> None:
        body, level, place, term, start, end = SEATS[key]
        default = PostRole.MEMBER if body == Body.CPPCC else PostRole.DEPUTY
        plan.posts.append(
            PoliticalPost(
                person_id=person,
                organization_id=org,
                body=body,
                level=level,
                place=place,
                term=term,
                role=role or default,
                sector=rng.choice(SECTORS[body]) if level == Level.DISTRICT else "",
                start=start,
                end=end,
            )
        )
        plan.holders.setdefault(key, []).append(person)

    for name, _size, seats, earlier in GROUPS:
        members = groups[name]
        for k, (person, org) in enumerate(members):
            for key in seats:
                role = None
                if key == "d_cppcc_5" and k == 0:
                    role = PostRole.VICE_CHAIR
                elif key in ("d_cppcc_5", "d_npc_6") and k in (1, 2, 3):
                    role = PostRole.STANDING_MEMBER
                seat(key, person, org, role)
            for key, n in earlier:
                if k < n:
                    seat(key, person, org)
    for name, key, n in EXTRA_SEATS:
        for person, org in groups[name][-n:]:
            seat(key, person, org)
    # Two of the Meizhou members were re-elected to its 8th committee in January 2017.
    for person, org in groups["meizhou"][:2]:
        seat("mz_cppcc_8", person, org)
    return plan


@dataclass
class _Life:
    """One proposal's simulated life: its steps and the fields they leave behind."""

    proposal: Proposal
    cutoff: datetime.date  # the load date: later steps have not been taken yet
    steps: list[ProposalStep] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    co_handlers: list[HandlingUnit] = field(default_factory=list)

    def step(self, step: str, on: datetime.date, to: str, unit=None, note: str = "") -> bool:
        """Take a step unless it falls after the cutoff (then the life stops here)."""
        if on > self.cutoff:
            return False
        p = self.proposal
        self.steps.append(
            ProposalStep(step=step, on=on, from_status=p.status, to_status=to, unit=unit, note=note)
        )
        p.status = to
        return True


def _days(rng: random.Random, lo: int, hi: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(lo, hi))


def _live(rng, life: _Life, units: list[HandlingUnit], lead_unit, co_unit, merge_into) -> None:
    p = life.proposal
    on = p.submitted_on
    life.step(Step.DRAFT, on - _days(rng, 3, 20), Status.DRAFTED)
    life.step(Step.SUBMIT, on, Status.SUBMITTED)
    fate = rng.random()
    on += _days(rng, 10, 30)
    if fate < 0.07:
        reason = rng.choice(OPINION_REASONS)
        p.decline_reason, p.passed_on_as_opinion = reason, rng.random() < 0.5
        if life.step(Step.DECLINE, on, Status.NOT_FILED, note=reason):
            p.decided_on = on
        return
    if fate < 0.15 and merge_into is not None:
        if life.step(Step.MERGE, on, Status.MERGED, note=merge_into.title):
            p.decided_on, p.merged_into = on, merge_into
        return
    if not life.step(Step.FILE, on, Status.FILED):
        return
    p.filed_on = on
    on += _days(rng, 5, 15)
    if rng.random() < 0.06:  # first sent to the wrong unit, which returns it
        wrong = rng.choice([u for u in units if u != lead_unit])
        if not life.step(Step.ASSIGN, on, Status.ASSIGNED, unit=wrong):
            return
        p.lead_unit, p.assigned_on, p.reply_due = wrong, on, deadlines.reply_due(on)
        on += _days(rng, 2, 9)
        if not life.step(Step.RETURN, on, Status.RETURNED, unit=wrong, note="不属本单位职责"):
            return
        p.lead_unit, p.assigned_on, p.reply_due = None, None, None
        on += _days(rng, 3, 7)
    if not life.step(Step.ASSIGN, on, Status.ASSIGNED, unit=lead_unit):
        return
    p.lead_unit, p.assigned_on, p.reply_due = lead_unit, on, deadlines.reply_due(on)
    if co_unit is not None and rng.random() < 0.6:
        life.co_handlers.append(co_unit)
    on += _days(rng, 1, 7)
    if not life.step(Step.SIGN, on, Status.SIGNED, unit=lead_unit):
        return
    p.signed_on = on
    if rng.random() < 0.1:
        extended = min(
            deadlines.add_months(p.assigned_on, rng.randint(4, 6)),
            deadlines.latest_reply_due(p.assigned_on),
        )
        ext_on = min(p.reply_due - _days(rng, 3, 15), life.cutoff)
        if ext_on >= on and life.step(
            Step.EXTEND, ext_on, Status.SIGNED, unit=lead_unit, note="涉及多个部门，需协调办理"
        ):
            p.reply_due, p.due_extended = extended, True
            p.extension_reason = "涉及多个部门，需协调办理"
            on = ext_on
    late = rng.random() < 0.05
    reply_on = p.reply_due + _days(rng, 3, 25) if late else on + _days(rng, 30, 80)
    reply_on = max(reply_on, on)
    grade = rng.choices("ABCD", weights=[40, 30, 20, 10])[0]
    if not _reply(rng, life, reply_on, grade, lead_unit):
        return
    p.first_replied_on = reply_on
    satisfaction = rng.choices(Satisfaction.values, weights=[72, 22, 6])[0]
    on = reply_on + _days(rng, 5, 20)
    if not _evaluate(life, on, satisfaction):
        return
    if satisfaction == Satisfaction.UNSATISFIED:
        on += _days(rng, 1, 5)
        if not life.step(Step.REHANDLE, on, Status.REHANDLING, unit=lead_unit, note="重新办理"):
            return
        p.reply_due = deadlines.rereply_due(on)
        on += _days(rng, 20, 55)
        if not _reply(rng, life, on, rng.choice("AB"), lead_unit):
            return
        on += _days(rng, 5, 15)
        if not _evaluate(life, on, rng.choice([Satisfaction.SATISFIED, Satisfaction.BASIC])):
            return
    on += _days(rng, 3, 15)
    if life.step(Step.CLOSE, on, Status.CLOSED):
        p.closed_on = on


def _reply(rng, life: _Life, on, grade: str, unit) -> bool:
    p = life.proposal
    late = p.reply_due is not None and on > p.reply_due
    note = f"答复等级{grade}" + (" · 逾期" if late else "")
    if not life.step(Step.REPLY, on, Status.REPLIED, unit=unit, note=note):
        return False
    life.replies.append(
        Reply(
            round=len(life.replies) + 1,
            unit=unit,
            replied_on=on,
            text=REPLY_TEXT[grade],
            grade=grade,
            due=p.reply_due,
            late=late,
        )
    )
    p.grade, p.satisfaction = grade, ""
    return True


def _evaluate(life: _Life, on, satisfaction: str) -> bool:
    if not life.step(Step.EVALUATE, on, Status.EVALUATED, note=SATISFACTION_ZH[satisfaction]):
        return False
    reply = life.replies[-1]
    reply.satisfaction, reply.evaluated_on = satisfaction, on
    life.proposal.satisfaction = satisfaction
    return True


def _text(place: str, topic: str) -> str:
    return (
        f"{place or '我国'}在{topic}方面仍有不少企业反映的困难。"
        "建议：一是加强统筹，明确牵头部门；二是出台配套措施，落实到位；"
        "三是建立跟踪评估机制，定期向社会公布进展。"
    )


def _kind(rng: random.Random, body: str) -> str:
    if body == Body.CPPCC:
        return ProposalKind.PROPOSAL
    return ProposalKind.MOTION if rng.random() < 0.3 else ProposalKind.SUGGESTION


def build_politics(
    *, seed: int, root: Organization, demo: DemoCalendar | None = None
) -> dict[str, int]:
    demo = calendar_for(demo)
    rng = random.Random(seed * 7919 + 6)
    plan = _posts(rng, _pool(rng))
    PoliticalPost.objects.bulk_create(plan.posts)
    units = _units()
    topics = {name: Topic.objects.get_or_create(name=name)[0] for name in TOPICS}
    lives: list[_Life] = []
    topic_rows: list[tuple[_Life, list[Topic]]] = []
    co_rows: list[tuple[_Life, list[int]]] = []
    numbers: dict[tuple[str, int], int] = {}
    for key, sitting, first_day, count in SITTINGS:
        holders = plan.holders.get(key, [])
        if not holders:
            continue
        body, level, place, term, _start, _end = SEATS[key]
        unit_names = _unit_names(level, place)
        filed_here: list[Proposal] = []
        for _ in range(count):
            kind = _kind(rng, body)
            lead = rng.choice(holders)
            others = [h for h in holders if h != lead]
            co = rng.sample(others, min(len(others), rng.choice([0, 0, 1, 1, 2, 3])))
            topic_names = rng.sample(sorted(TOPICS), rng.choice([1, 1, 2]))
            title = f"关于{rng.choice(TOPICS[topic_names[0]])}的{SUFFIX[kind]}"
            seq = numbers[(key, first_day.year)] = numbers.get((key, first_day.year), 0) + 1
            p = Proposal(
                organization=root,
                kind=kind,
                level=level,
                place=place,
                session_year=first_day.year,
                session_term=term,
                session_sitting=sitting,
                number=f"{first_day.year}{seq:03d}",
                title=title,
                text=_text(place, topic_names[0]),
                lead_id=lead,
                status=Status.DRAFTED,
                submitted_on=first_day + _days(rng, 0, 2),
            )
            life = _Life(p, cutoff=demo.today)
            if level in UPPER_UNITS:
                lead_unit = units[rng.choice(unit_names)]
                co_unit = None
            else:
                lead_name, co_name = DEPT_OF_TOPIC[topic_names[0]]
                lead_unit, co_unit = units[f"{place}{lead_name}"], units[f"{place}{co_name}"]
            merge_into = rng.choice(filed_here) if filed_here else None
            _live(
                rng,
                life,
                [units[n] for n in unit_names],
                lead_unit,
                co_unit,
                merge_into if merge_into is not None and merge_into.kind == kind else None,
            )
            if p.filed_on is not None:
                p.file_number = f"立{first_day.year}{len(filed_here) + 1:03d}"
                filed_here.append(p)
            p.save()  # one row at a time: merges point at proposals saved before
            lives.append(life)
            topic_rows.append((life, [topics[t] for t in topic_names]))
            co_rows.append((life, co))
    _write_lives(lives, topic_rows, co_rows)
    return {"posts": len(plan.posts), "proposals": len(lives)}


def _write_lives(lives: list[_Life], topic_rows, co_rows) -> None:
    """The proposals' steps, replies, topics, co-submitters and co-handlers."""
    steps, replies = [], []
    for life in lives:
        for s in life.steps:
            s.proposal = life.proposal
        for r in life.replies:
            r.proposal = life.proposal
        steps += life.steps
        replies += life.replies
    ProposalStep.objects.bulk_create(steps, batch_size=2000)
    Reply.objects.bulk_create(replies, batch_size=2000)
    Proposal.topics.through.objects.bulk_create(
        [
            Proposal.topics.through(proposal_id=life.proposal.pk, topic_id=t.pk)
            for life, ts in topic_rows
            for t in ts
        ]
    )
    Proposal.co_submitters.through.objects.bulk_create(
        [
            Proposal.co_submitters.through(proposal_id=life.proposal.pk, person_id=person)
            for life, people in co_rows
            for person in people
        ]
    )
    Proposal.co_handlers.through.objects.bulk_create(
        [
            Proposal.co_handlers.through(proposal_id=life.proposal.pk, handlingunit_id=u.pk)
            for life in lives
            for u in life.co_handlers
        ]
    )


# --- the terms after the seed years ------------------------------------------------------

SITTING_KEYS = {key for key, *_rest in SITTINGS}  # the terms whose proposals the demo keeps
HOME_TOWNS = {"梅州市", "普宁市"}
RE_ELECTED = 0.6  # share of a term's members elected again to the next one
SITTING_SHARE = 0.4  # proposals per sitting, per member of the term


def build_politics_later(*, seed: int, root: Organization, demo: DemoCalendar) -> dict[str, int]:
    """Every congress and committee whose term was open at the end of 2017 goes on in
    five-year terms up to the one in force on the load date: the previous term's posts
    end the day the next begins, about 60% of its members are elected again and the
    others are members in office that day; each term sits once a year, and the
    proposals of each sitting are taken through their lifecycle up to the load date."""
    rng = demo.rng(seed, "politics")
    units = _units()
    topics = {t.name: t for t in Topic.objects.all()}
    lives: list[_Life] = []
    topic_rows: list[tuple[_Life, list[Topic]]] = []
    co_rows: list[tuple[_Life, list[int]]] = []
    posts = 0
    numbers: dict[tuple[str, int], int] = {}
    for key, (body, level, place, term, start, end) in SEATS.items():
        if end is not None:
            continue
        for offset, starts in demo.terms(start):
            number = term + offset
            if offset == 0:
                # the term in force at the end of 2017: its later sittings
                elected = list(
                    PoliticalPost.objects.filter(body=body, level=level, place=place, term=number)
                    .order_by("id")
                    .values_list("person_id", "organization_id", "sector")
                )
            else:
                previous = PoliticalPost.objects.filter(
                    body=body, level=level, place=place, end=None
                ).order_by("id")
                holders = [(p.person_id, p.organization_id, p.sector) for p in previous]
                previous.update(end=starts)  # posts end with their term
                if starts <= SEED_LAST_DAY:
                    continue  # a term the seed says nothing of: nobody known to be re-elected
                if place in HOME_TOWNS:
                    # posts in members' home towns: some of the same people, re-elected
                    elected = [h for h in holders if rng.random() < RE_ELECTED]
                else:
                    elected = _elect(rng, holders, starts)
                new_posts = [
                    PoliticalPost(
                        person_id=person,
                        organization_id=org,
                        body=body,
                        level=level,
                        place=place,
                        term=number,
                        role=(PostRole.MEMBER if body == Body.CPPCC else PostRole.DEPUTY),
                        sector=sector,
                        start=starts,
                        end=None,
                    )
                    for person, org, sector in elected
                ]
                PoliticalPost.objects.bulk_create(new_posts)
                posts += len(new_posts)
            people = [p for p, _o, _s in elected] if key in SITTING_KEYS else []
            for sitting in range(1, 6):
                day = add_years(starts, sitting - 1) + datetime.timedelta(
                    days=0 if sitting == 1 else 7
                )
                if day > demo.today or day <= SEED_LAST_DAY or not people:
                    continue
                for _ in range(max(1, round(len(people) * SITTING_SHARE))):
                    seq = numbers[(key, day.year)] = numbers.get((key, day.year), 0) + 1
                    life, tnames, co = _proposal(
                        rng, root, units, body, level, place, number, sitting, day, people, demo
                    )
                    life.proposal.number = f"{day.year}{seq:03d}"
                    if life.proposal.filed_on is not None:
                        life.proposal.file_number = f"立{day.year}{seq:03d}"
                    life.proposal.save()
                    lives.append(life)
                    topic_rows.append((life, [topics[t] for t in tnames]))
                    co_rows.append((life, co))
    _write_lives(lives, topic_rows, co_rows)
    return {"posts after 2017": posts, "proposals after 2017": len(lives)}


def _elect(rng: random.Random, holders: list[tuple], starts: datetime.date) -> list[tuple]:
    """A district term: about 60% re-elected among those still members, the rest drawn
    from the members' representatives in office on the day."""
    active = {
        person: org
        for person, org in Membership.objects.active(starts)
        .filter(representative__isnull=False)
        .order_by("rank", "joined", "id")
        .values_list("representative_id", "organization_id")
    }
    kept = [(p, active[p], s) for p, _o, s in holders if p in active and rng.random() < RE_ELECTED]
    taken = {p for p, _o, _s in holders} | set(
        PoliticalPost.objects.filter(end=None).values_list("person_id", flat=True)
    )
    fresh = [p for p in list(active)[: len(holders) * 4] if p not in taken]
    rng.shuffle(fresh)
    sectors = [s for _p, _o, s in holders] or [""]
    kept += [(p, active[p], rng.choice(sectors)) for p in fresh[: len(holders) - len(kept)]]
    return kept


def _proposal(rng, root, units, body, level, place, term, sitting, day, people, demo):
    kind = _kind(rng, body)
    lead = rng.choice(people)
    others = [h for h in people if h != lead]
    co = rng.sample(others, min(len(others), rng.choice([0, 0, 1, 1, 2, 3])))
    topic_names = rng.sample(sorted(TOPICS), rng.choice([1, 1, 2]))
    title = f"关于{rng.choice(TOPICS[topic_names[0]])}的{SUFFIX[kind]}"
    p = Proposal(
        organization=root,
        kind=kind,
        level=level,
        place=place,
        session_year=day.year,
        session_term=term,
        session_sitting=sitting,
        number="",
        title=title,
        text=_text(place, topic_names[0]),
        lead_id=lead,
        status=Status.DRAFTED,
        submitted_on=min(day + _days(rng, 0, 2), demo.today),
    )
    life = _Life(p, cutoff=demo.today)
    unit_names = _unit_names(level, place)
    if level in UPPER_UNITS or place not in ("宝安区", "深圳市"):
        lead_unit, co_unit = units[rng.choice(unit_names)], None
    else:
        lead_name, co_name = DEPT_OF_TOPIC[topic_names[0]]
        lead_unit, co_unit = units[f"{place}{lead_name}"], units[f"{place}{co_name}"]
    _live(rng, life, [units[n] for n in unit_names], lead_unit, co_unit, None)
    return life, topic_names, co
