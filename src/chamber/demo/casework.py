"""Demo casework from 2014 to the load date: departments, the expert pool, leaders'
quotas, visits and the cases raised on them with realistic outcomes.

At the default scale (5,000 members) the district makes about 1,100 visits in 2016 and
resolves 300-odd cases, as the 2016 work review says; Xin'an's expert team makes 11
visits that raise about 100 problems. Other scales are proportional. Rows are written
in bulk (the demo is loaded, not edited: no audit entries), and each case's timeline
is simulated step by step with the same working-day calendar the services use, up to
the load date: what would happen later has not happened yet (cases still open, some
past their due date, resolved ones awaiting their follow-up).

The seed years (2014–2017) come from the seed's generator as they always did; the
later years (`build_casework_later`) from a generator of their own (timeline.py).
"""

from __future__ import annotations

import contextlib
import datetime
import random
import zoneinfo
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from chamber.casework.choices import (
    FINAL_STATUSES,
    CaseSource,
    Priority,
    Satisfaction,
    Status,
    Step,
    VisitKind,
)
from chamber.casework.models import (
    Case,
    CaseEvent,
    Category,
    ContactQuota,
    Department,
    Expert,
    Visit,
)
from chamber.casework.services import cases as svc
from chamber.casework.workdays import WorkCalendar
from chamber.core import bulk
from chamber.core import steps as engine
from chamber.members.choices import Rank
from chamber.members.models import Enterprise, Membership
from chamber.orgs.choices import Role
from chamber.orgs.models import Organization, RoleAssignment

from .timeline import SEED_LAST_DAY, DemoCalendar, calendar_for, seed_view

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
YEARS = [2014, 2015, 2016, 2017]
VISITS_PER_YEAR = {2014: 700, 2015: 900, 2016: 1100, 2017: 1200}  # at 5,000 members
CASE_PER_ENTERPRISE_VISIT = 0.19
OTHER_SOURCE_SHARE = 0.08  # cases from meetings, the hotline and letters
XINAN_EXPERT_VISITS = 11
XINAN_EXPERT_CASES = 100
LAST_DAY = datetime.date(2017, 12, 29)  # the seed years' visits end before the holidays
LATER_GROWTH = 0.03  # visits per year grow by 3% of 2017's after the seed years
LATER_SLOW = 0.1  # after the seed years, cases stuck past their limit (overdue ones)

DEPARTMENTS = [
    ("宝安区经济促进局", "Economic Promotion Bureau"),
    ("宝安区金融服务办公室", "Financial Services Office"),
    ("宝安区人力资源局", "Human Resources Bureau"),
    ("宝安区规划土地监察局", "Planning and Land Inspection Bureau"),
    ("宝安区住房和建设局", "Housing and Construction Bureau"),
    ("宝安区市场和质量监督管理局", "Market and Quality Supervision Bureau"),
    ("宝安区环境保护和水务局", "Environmental Protection and Water Bureau"),
    ("宝安区国家税务局", "State Taxation Bureau"),
    ("宝安区地方税务局", "Local Taxation Bureau"),
    ("宝安区科技创新局", "Science, Technology and Innovation Bureau"),
    ("宝安区司法局", "Justice Bureau"),
    ("宝安区公安分局", "Public Security Branch Bureau"),
    ("宝安区城市管理局", "Urban Management Bureau"),
]
# category -> (weight, departments it is handed to, problems)
CATEGORY_PLAN: dict[str, tuple[int, list[str], list[str]]] = {
    "financing": (
        22,
        ["宝安区金融服务办公室", "宝安区经济促进局"],
        [
            "银行抽贷，流动资金紧张",
            "贷款到期续贷困难",
            "申请中小企业贴息贷款",
            "应收账款融资渠道少",
            "担保费用过高",
        ],
    ),
    "land_premises": (
        14,
        ["宝安区规划土地监察局", "宝安区住房和建设局", "宝安区经济促进局"],
        [
            "厂房租约到期被要求搬迁",
            "扩产缺少工业用地",
            "厂房消防验收未通过",
            "申请入驻产业园区",
            "厂区周边道路积水",
        ],
    ),
    "talent_hiring": (
        14,
        ["宝安区人力资源局"],
        [
            "普工招聘难，流失率高",
            "技术人才入户指标",
            "高层次人才认定咨询",
            "员工子女入学",
            "人才住房申请",
        ],
    ),
    "permits": (
        12,
        ["宝安区市场和质量监督管理局", "宝安区环境保护和水务局"],
        ["环评批复办理慢", "排污许可证延续", "生产许可证变更", "商标注册受阻", "食品经营许可办理"],
    ),
    "tax_fees": (
        10,
        ["宝安区国家税务局", "宝安区地方税务局"],
        [
            "出口退税进度慢",
            "研发费用加计扣除咨询",
            "营改增后税负上升",
            "社保费用负担重",
            "发票领用限额不足",
        ],
    ),
    "market_orders": (
        9,
        ["宝安区经济促进局"],
        ["希望对接海外展会", "产品进入政府采购目录", "订单下滑寻求新市场", "电商平台入驻支持"],
    ),
    "disputes_rights": (
        8,
        ["宝安区司法局", "宝安区公安分局"],
        ["货款被拖欠", "知识产权被侵权", "劳资纠纷调解", "合同诈骗报案跟进"],
    ),
    "policy": (
        8,
        ["宝安区科技创新局", "宝安区经济促进局"],
        ["高新技术企业认定咨询", "技术改造补贴申报", "专精特新政策咨询", "工业互联网项目申报"],
    ),
    "other": (
        3,
        ["宝安区城市管理局"],
        ["厂区周边交通拥堵", "园区环境卫生", "企业周边治安"],
    ),
}
EXPERT_FIELDS = [
    "融资",
    "知识产权",
    "财税",
    "劳动用工",
    "环保",
    "智能制造",
    "市场营销",
    "法律",
    "质量管理",
    "进出口",
]
EXPERT_SURNAMES = "陈林黄张李王吴刘蔡杨郑谢郭许"
EXPERT_GIVEN = "建国志强海涛明辉立新振华文军晓东卫国永红伟民"
AFFILIATIONS = [
    "深圳大学",
    "哈尔滨工业大学（深圳）",
    "南方科技大学",
    "清华大学深圳研究生院",
    "中国科学院深圳先进技术研究院",
    "深圳市律师协会",
    "深圳市注册会计师协会",
]
PURPOSES = [
    "企业大走访，了解生产经营情况",
    "了解企业困难和诉求",
    "宣讲惠企政策",
    "回访企业问题办理情况",
    "调研转型升级需求",
]
RESOLUTIONS = [
    "协调相关部门现场办公，问题已解决",
    "已与企业沟通并协调落实",
    "承办单位已书面答复，企业已办理完毕",
    "组织银企对接会，企业获得贷款",
    "协助企业完成申报",
    "专家现场指导，问题已解决",
]
UNSATISFIED = ["办理时间太长", "问题只解决了一部分", "费用仍然偏高", "答复不具体"]


def _at(
    day: datetime.date, rng: random.Random, after: datetime.datetime | None = None
) -> datetime.datetime:
    """A working hour of `day`, and never before `after` (the case's previous step), so
    that same-day steps keep their order, as the step engine requires. The draws are
    the same either way, so every date (and every figure) stays what it was."""
    at = datetime.datetime.combine(
        day, datetime.time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=SHANGHAI
    )
    if after is not None and at <= after:
        at = after + datetime.timedelta(minutes=1)
    return at


class _Stop(Exception):
    """A case's next step would fall after the load date: its life stops here."""


class _Sim:
    """Simulates one case's life, collecting its fields and its timeline. Every later
    date comes through `later`, which stops the life at the load date, before the
    step's fields are set."""

    def __init__(
        self, rng: random.Random, cal: WorkCalendar, staff: Any, last: datetime.date, later: bool
    ):
        self.rng, self.cal, self.staff, self.last = rng, cal, staff, last
        # After the seed years: some cases stuck well past their time limit (overdue on
        # the load date), and every resolved case followed up and closed in its time
        # (the seed leaves a tenth without a follow-up, a fifth not closed).
        self.slow = LATER_SLOW if later else 0.0
        self.thorough = later
        self.events: list[dict[str, Any]] = []
        # A step on the load date happens before the load: no step in the future.
        self.now = timezone.now()

    def step(self, case: Case, step: str, to: str, day: datetime.date, comment="", **data):
        after = self.events[-1]["at"] if self.events else None
        at = _at(day, self.rng, after)
        if at > self.now:
            at = max(self.now, after + datetime.timedelta(seconds=1)) if after else self.now
        self.events.append(
            {
                "step": step,
                "from_status": case.status if step != Step.RAISE else "",
                "to_status": to,
                "at": at,
                "comment": comment,
                "data": data,
            }
        )
        case.status = to

    def later(self, day: datetime.date, lo: int, hi: int) -> datetime.date:
        return self.upto(self.cal.add(day, self.rng.randint(lo, hi)))

    def upto(self, day: datetime.date) -> datetime.date:
        if day > self.last:
            raise _Stop
        return day


def _departments() -> dict[str, Department]:
    Department.objects.bulk_create(
        [
            Department(name=name, name_en=en, sort_order=i)
            for i, (name, en) in enumerate(DEPARTMENTS)
        ],
        ignore_conflicts=True,
    )
    return {d.name: d for d in Department.objects.all()}


def _experts(rng: random.Random, streets: dict[str, Organization], root) -> dict[str, list[Expert]]:
    pools = {"xinan": 8, "shajing": 10, None: 6}
    rows = []
    for pool, n in pools.items():
        for _ in range(n):
            fields = rng.sample(EXPERT_FIELDS, 2)
            rows.append(
                Expert(
                    name=rng.choice(EXPERT_SURNAMES) + "".join(rng.sample(EXPERT_GIVEN, 2)),
                    title=rng.choice(["教授", "研究员", "高级工程师", "律师", "注册会计师", "院士"])
                    if pool != "shajing" or rng.random() < 0.9
                    else "院士",
                    affiliation=rng.choice(AFFILIATIONS),
                    fields=", ".join(fields),
                    phone="1"
                    + rng.choice("3578")
                    + "".join(rng.choice("0123456789") for _ in range(9)),
                    organization=streets[pool] if pool else root,
                )
            )
    Expert.objects.bulk_create(rows)
    return _expert_pools()


def _expert_pools() -> dict[str | None, list[Expert]]:
    """The expert pools by street code (None: the district's pool)."""
    pools = {"xinan", "shajing"}
    made: dict[str | None, list[Expert]] = defaultdict(list)
    for e in Expert.objects.select_related("organization").order_by("id"):
        code = e.organization.code.split(".")[-1] if e.organization else None
        made[code if code in pools else None].append(e)
    return made


def _staff_users(root: Organization, streets: dict[str, Organization]) -> dict[int, Any]:
    """One secretary per street chamber (username = the street's code; the demo
    password), and the district staff user for the federation's own visits."""
    User = get_user_model()
    by_org: dict[int, Any] = {}
    for code, org in streets.items():
        user, created = User.objects.get_or_create(username=code, defaults={"is_staff": True})
        if created:
            user.set_password(settings.CHAMBER_DEMO_PASSWORD)
            user.save()
        RoleAssignment.objects.get_or_create(user=user, organization=org, role=Role.SECRETARY)
        by_org[org.pk] = user
    district, created = User.objects.get_or_create(username="district", defaults={"is_staff": True})
    if created:
        district.set_password(settings.CHAMBER_DEMO_PASSWORD)
        district.save()
    RoleAssignment.objects.get_or_create(user=district, organization=root, role=Role.STAFF)
    by_org[root.pk] = district
    return by_org


def _members_by_year(
    years: range | list[int], view=seed_view
) -> dict[tuple[int, int], list[tuple]]:
    """(org id, year) -> [(enterprise id, rank, representative id)] of members active
    at some time that year (the seed years: as the seed wrote them)."""
    out: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    # Ordered, so the demo is the same for a seed on every database.
    rows = (
        Membership.objects.filter(enterprise__isnull=False)
        .order_by("id")
        .values_list(
            "organization_id", "enterprise_id", "rank", "representative_id", "joined", "left"
        )
    )
    for org_id, ent_id, rank, rep, joined, left in rows.iterator(chunk_size=5000):
        joined, left = view(joined, left)
        for year in years:
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            if joined <= end and (left is None or left > start):
                out[(org_id, year)].append((ent_id, rank, rep))
    return out


def _work_day(rng: random.Random, cal: WorkCalendar, year: int, last=LAST_DAY) -> datetime.date:
    while True:
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        if day <= last and cal.is_working_day(day):
            return day


class _Plan:
    """The visits of some years and the cases raised on them, before they are written."""

    def __init__(self, rng: random.Random, staff: dict[int, Any]):
        self.rng, self.staff = rng, staff
        self.visits: list[Visit] = []
        self.ents: list[list[int]] = []
        self.leaders: list[list[int]] = []
        self.experts: list[list[int]] = []
        # (visit index or None, org, enterprise id, received date, source)
        self.raised: list[tuple[int | None, Organization, int, datetime.date, str]] = []

    def visit(self, org, day, kind, ents, leaders=(), exps=(), purpose=None, others="") -> int:
        self.visits.append(
            Visit(
                organization=org,
                date=day,
                kind=kind,
                purpose=purpose or self.rng.choice(PURPOSES),
                others=others,
                created_by=self.staff.get(org.pk),
            )
        )
        self.ents.append(list(dict.fromkeys(ents)))
        self.leaders.append(list(leaders))
        self.experts.append([e.pk for e in exps])
        return len(self.visits) - 1


def _plan_year(
    plan: _Plan,
    *,
    year: int,
    target: int,
    share: float,
    last: datetime.date,
    cal: WorkCalendar,
    root: Organization,
    streets: dict[str, Organization],
    experts: dict[str, list[Expert]],
    members_by: dict[tuple[int, int], list[tuple]],
    scale: float,
) -> None:
    """One year's visits and the cases raised on them; `share` of the year has passed
    (1 for a whole year), `last` is its last day with visits."""
    rng = plan.rng
    visits, raised = plan.visits, plan.raised
    active = [
        org
        for org in streets.values()
        if org.is_in_force(datetime.date(year, 12, 31)) and members_by.get((org.pk, year))
    ]
    weights = [len(members_by[(o.pk, year)]) for o in active]
    made = 0
    # Leaders' visits: presidents and vice-presidents contact members (quotas).
    for org in active:
        pool = members_by[(org.pk, year)]
        for ent_id, rank, rep in pool:
            if rep is None or rank not in (Rank.PRESIDENT, Rank.VICE_PRESIDENT):
                continue
            n = rng.randint(2, 5) if rank == Rank.PRESIDENT else rng.randint(0, 3)
            if share < 1:
                n = round(n * share)
            for _ in range(n):
                ents = [e for e, _r, _p in rng.sample(pool, min(len(pool), rng.randint(1, 2)))]
                ents = [e for e in ents if e != ent_id] or [pool[0][0]]
                idx = plan.visit(
                    org, _work_day(rng, cal, year, last), VisitKind.LEADER, ents, [rep]
                )
                made += 1
                for e in ents:
                    if rng.random() < CASE_PER_ENTERPRISE_VISIT:
                        raised.append((idx, org, e, visits[idx].date, CaseSource.VISIT))
    # Xin'an's expert team (2016): 11 visits, about 100 problems raised.
    if year == 2016 and "xinan" in streets and scale >= 0.5:
        org = streets["xinan"]
        pool = members_by[(org.pk, year)]
        per_visit = round(XINAN_EXPERT_CASES * scale) / XINAN_EXPERT_VISITS
        for i in range(XINAN_EXPERT_VISITS):
            day = _work_day(rng, cal, year, last=datetime.date(2016, 11, 15))
            ents = [e for e, _r, _p in rng.sample(pool, min(len(pool), rng.randint(5, 8)))]
            idx = plan.visit(
                org,
                day,
                VisitKind.EXPERT,
                ents,
                exps=rng.sample(experts["xinan"], 3),
                purpose=f"专家团队走访（第{i + 1}次）",
            )
            made += 1
            n_cases = round(per_visit * (i + 1)) - round(per_visit * i)
            for k in range(n_cases):
                raised.append((idx, org, ents[k % len(ents)], day, CaseSource.VISIT))
    # The federation's own visits (district leaders with staff), about 4%.
    for _ in range(round(target * 0.04)):
        org = rng.choices(active, weights)[0]
        pool = members_by[(org.pk, year)]
        ents = [rng.choice(pool)[0]]
        idx = plan.visit(
            root,
            _work_day(rng, cal, year, last),
            rng.choice([VisitKind.LEADER, VisitKind.SURVEY]),
            ents,
            others="区工商联领导",
        )
        made += 1
        if rng.random() < CASE_PER_ENTERPRISE_VISIT:
            raised.append((idx, root, ents[0], visits[idx].date, CaseSource.VISIT))
    # Routine rounds, surveys and other expert visits fill up the year.
    while made < target:
        org = rng.choices(active, weights)[0]
        pool = members_by[(org.pk, year)]
        code = org.code.split(".")[-1]
        kind = rng.choices([VisitKind.ROUTINE, VisitKind.SURVEY, VisitKind.EXPERT], [82, 12, 6])[0]
        exps = []
        if kind == VisitKind.EXPERT:
            exps = rng.sample(experts.get(code) or experts[None], 2)
        n = rng.choices([1, 2, 3], [80, 15, 5])[0]
        ents = [e for e, _r, _p in rng.sample(pool, min(len(pool), n))]
        idx = plan.visit(org, _work_day(rng, cal, year, last), kind, ents, exps=exps)
        made += 1
        for e in ents:
            if rng.random() < CASE_PER_ENTERPRISE_VISIT:
                raised.append((idx, org, e, visits[idx].date, CaseSource.VISIT))
    # Cases raised at meetings, on the hotline and by letter.
    n_other = round(len([r for r in raised if r[3].year == year]) * OTHER_SOURCE_SHARE)
    for _ in range(n_other):
        org = rng.choices(active, weights)[0]
        raised.append(
            (
                None,
                org,
                rng.choice(members_by[(org.pk, year)])[0],
                _work_day(rng, cal, year, last),
                rng.choice([CaseSource.MEETING, CaseSource.HOTLINE, CaseSource.LETTER]),
            )
        )


def _write(
    plan: _Plan, cal: WorkCalendar, last: datetime.date, later: bool, through_engine: bool = False
) -> dict[str, int]:
    """Writes the planned visits, then simulates and writes their cases up to `last`:
    in bulk, or (`through_engine`) by taking each step through the step engine."""
    rng, visits, staff = plan.rng, plan.visits, plan.staff
    depts = _departments()
    categories = {c.code: c for c in Category.objects.all()}
    cat_codes = [c for c in CATEGORY_PLAN if c in categories]
    cat_weights = [CATEGORY_PLAN[c][0] for c in cat_codes]
    bulk.insert_objects(Visit, visits)
    through = Visit.enterprises.through
    bulk.insert_objects(
        through,
        [
            through(visit_id=v.pk, enterprise_id=e)
            for v, ents in zip(visits, plan.ents, strict=True)
            for e in ents
        ],
    )
    staff_through = Visit.staff.through
    bulk.insert_objects(
        staff_through,
        [staff_through(visit_id=v.pk, user_id=v.created_by_id) for v in visits if v.created_by_id],
    )
    lt = Visit.leaders.through
    bulk.insert_objects(
        lt,
        [
            lt(visit_id=v.pk, person_id=p)
            for v, ps in zip(visits, plan.leaders, strict=True)
            for p in ps
        ],
    )
    et = Visit.experts.through
    bulk.insert_objects(
        et,
        [
            et(visit_id=v.pk, expert_id=x)
            for v, xs in zip(visits, plan.experts, strict=True)
            for x in xs
        ],
    )

    raised = sorted(plan.raised, key=lambda r: r[3])
    cases, timelines, merged = _simulate(
        rng, cal, raised, visits, staff, categories, cat_codes, cat_weights, depts, last, later
    )
    if through_engine:
        refused = _replay(cases, timelines, merged, staff, random.Random(f"replay:{later}"))
        return {
            "visits": len(visits),
            "cases": len(cases),
            "case steps taken through the engine": sum(map(len, timelines)),
            "case steps refused": refused,
        }
    bulk.insert_objects(Case, cases)
    timeline_of = {id(c): t for c, t in zip(cases, timelines, strict=True)}
    for case, target in merged:
        case.merged_into_id = target.pk
        for e in timeline_of[id(case)]:
            if e["step"] == Step.MERGE:
                e["data"]["into"] = target.pk
    Case.objects.bulk_update([c for c, _t in merged], ["merged_into"], batch_size=2000)
    events = [
        CaseEvent(case_id=case.pk, actor=staff.get(case.organization_id), **e)
        for case, timeline in zip(cases, timelines, strict=True)
        for e in timeline
    ]
    bulk.insert_objects(CaseEvent, events)
    return {"visits": len(visits), "cases": len(cases), "case events": len(events)}


def _typing_lag(rng: random.Random) -> datetime.timedelta:
    """How long after a step staff type it in: mostly the same day, some within the
    grace time, a few days or weeks later (补录)."""
    r = rng.random()
    if r < 0.8:
        return datetime.timedelta(minutes=rng.randint(5, 240))
    if r < 0.95:
        return datetime.timedelta(days=rng.randint(1, 2), minutes=rng.randint(0, 600))
    return datetime.timedelta(days=rng.randint(4, 25))


def _typed(at: datetime.datetime, rng: random.Random) -> Any:
    """Type a step in a little after it happened, never after the load."""
    return engine.typed_at(max(at, min(at + _typing_lag(rng), timezone.now())))


def _replay(cases, timelines, merged, staff, rng: random.Random) -> int:
    """Take every simulated step through the step engine (`chamber demo
    --through-engine`), in the order they happened across all cases, each typed in a
    little after it happened: the history obeys every rule a user's does, and the
    engine, not the simulation, writes the cases' fields. A refused step is not written
    (nor the case's later steps); the count of refusals is returned (0 is tested)."""
    target_of = {id(case): target for case, target in merged}
    index_of = {id(case): i for i, case in enumerate(cases)}
    order = sorted((e["at"], i, j) for i, t in enumerate(timelines) for j, e in enumerate(t))
    real: dict[int, Case] = {}
    dead: set[int] = set()
    refused = 0
    for at, i, j in order:
        if i in dead:
            continue
        sim, e = cases[i], timelines[i][j]
        step, actor = e["step"], staff.get(sim.organization_id)
        if step == Step.ESCALATE:
            continue  # the third return escalates by itself
        with _typed(at, rng):
            try:
                if step == Step.RAISE:
                    real[i] = svc.raise_case(
                        actor=actor,
                        organization=sim.organization,
                        enterprise=Enterprise(pk=sim.enterprise_id),
                        category=sim.category,
                        title=sim.title,
                        priority=sim.priority,
                        source=sim.source,
                        visit=sim.visit,
                        occurred_at=at,
                    )
                    continue
                case, kw = real[i], {"actor": actor, "occurred_at": at}
                if step == Step.MERGE:
                    target = real[index_of[id(target_of[id(sim)])]]
                    target.refresh_from_db(fields=["status"])
                    if target.status in FINAL_STATUSES:
                        # the duplicate came in after the first was settled: declined
                        svc.reject_case(case=case, reason="与已办结诉求重复", **kw)
                    else:
                        svc.merge_case(case=case, into=target, comment=e["comment"], **kw)
                else:
                    _take(step, case, e, **kw)
            except ValidationError:
                refused += 1
                dead.add(i)
    return refused


def _take(step: str, case: Case, e: dict[str, Any], **kw: Any) -> None:
    """The simulated step taken through the case service's named step."""
    data, comment = e["data"], e["comment"]
    if step == Step.ASSIGN:
        svc.assign_case(case=case, assignee=kw["actor"], **kw)
    elif step == Step.HAND_OVER:
        dept = Department.objects.get(pk=data["department_id"])
        svc.hand_over_case(case=case, department=dept, comment=comment, **kw)
    elif step == Step.RETURN:
        svc.return_case(case=case, reason=comment, **kw)
    elif step == Step.RESOLVE:
        svc.resolve_case(case=case, resolution=comment, **kw)
    elif step == Step.FOLLOW_UP:
        svc.follow_up_case(
            case=case, satisfaction=data["satisfaction"], score=data["score"], comment=comment, **kw
        )
    elif step in (Step.REOPEN, Step.REJECT):
        svc.take(step, case, reason=comment, **kw)
    else:  # start, urge, close
        svc.take(step, case, comment=comment, **kw)


def _work_calendar(demo: DemoCalendar) -> WorkCalendar:
    # due dates of the last cases run past the load date
    return WorkCalendar.load(datetime.date(2014, 1, 1), datetime.date(demo.today.year + 2, 12, 31))


def build_casework(
    *,
    seed: int,
    members: int,
    root: Organization,
    streets: dict[str, Organization],
    demo: DemoCalendar | None = None,
    through_engine: bool = False,
) -> dict[str, int]:
    """The seed years, 2014–2017, from the seed's generator; their cases live on to the
    load date."""
    demo = calendar_for(demo)
    rng = random.Random(seed * 7 + 4)
    scale = members / 5000
    cal = _work_calendar(demo)
    _departments()
    experts = _experts(rng, streets, root)
    ContactQuota.objects.get_or_create(
        organization=root, rank=Rank.PRESIDENT, defaults={"contacts_per_year": 4}
    )
    ContactQuota.objects.get_or_create(
        organization=root, rank=Rank.VICE_PRESIDENT, defaults={"contacts_per_year": 2}
    )
    plan = _Plan(rng, _staff_users(root, streets))
    members_by = _members_by_year(YEARS)
    for year in YEARS:
        _plan_year(
            plan,
            year=year,
            target=round(VISITS_PER_YEAR[year] * scale),
            share=1.0,
            last=LAST_DAY,
            cal=cal,
            root=root,
            streets=streets,
            experts=experts,
            members_by=members_by,
            scale=scale,
        )
    counts = _write(plan, cal, demo.today, later=False, through_engine=through_engine)
    counts["experts"] = sum(len(v) for v in experts.values())
    return counts


def build_casework_later(
    *,
    seed: int,
    members: int,
    root: Organization,
    streets: dict[str, Organization],
    demo: DemoCalendar,
    through_engine: bool = False,
) -> dict[str, int]:
    """The years after the seed years, to the load date, from a generator of their own:
    visits this month, cases still open, some of them past their due date."""
    rng = demo.rng(seed, "casework")
    scale = members / 5000
    cal = _work_calendar(demo)
    plan = _Plan(rng, _staff_users(root, streets))
    members_by = _members_by_year(demo.later_years, view=lambda j, lft: (j, lft))
    experts = _expert_pools()
    for year in demo.later_years:
        last = min(demo.last_day(year), datetime.date(year, 12, 29))
        if cal.between(datetime.date(year, 1, 1), last) < 1:
            continue  # the load date is in the first days of January: no working day yet
        per_year = VISITS_PER_YEAR[2017] * (1 + LATER_GROWTH * (year - 2017))
        share = demo.elapsed(year)
        _plan_year(
            plan,
            year=year,
            target=round(per_year * scale * share),
            share=share,
            last=last,
            cal=cal,
            root=root,
            streets=streets,
            experts=experts,
            members_by=members_by,
            scale=scale,
        )
    counts = _write(plan, cal, demo.today, later=True, through_engine=through_engine)
    counts = {f"{k} after 2017": v for k, v in counts.items()}
    counts["seed-year follow-ups caught up in 2018"] = _catch_up_follow_ups(
        rng, cal, plan.staff, through_engine
    )
    return counts


def _simulate(
    rng, cal, raised, visits, staff, categories, cat_codes, cat_weights, depts, last, later
):
    cases: list[Case] = []
    timelines: list[list[dict[str, Any]]] = []
    merged: list[tuple[Case, Case]] = []
    recent: dict[int, Case] = {}
    dept_list = list(depts.values())
    for visit_idx, org, ent_id, day, source in raised:
        code = rng.choices(cat_codes, cat_weights)[0]
        cat = categories[code]
        _w, dept_names, problems = CATEGORY_PLAN[code]
        user = staff.get(org.pk)
        case = Case(
            organization=org,
            enterprise_id=ent_id,
            visit=visits[visit_idx] if visit_idx is not None else None,
            source=source,
            category=cat,
            title=rng.choice(problems),
            priority=rng.choices(Priority.values, [3, 12, 75, 10])[0],
            received_on=day,
            due_on=cal.add(day, cat.time_limit_days),
            created_by=user,
        )
        sim = _Sim(rng, cal, user, last, later)
        sim.step(
            case,
            Step.RAISE,
            Status.RECEIVED,
            day,
            source=source,
            category=code,
            due_on=case.due_on.isoformat(),
        )
        fate = rng.random()
        # a step that would fall after the load date stops the case there: still open
        with contextlib.suppress(_Stop):
            _fate(sim, case, fate, cat, dept_names, depts, dept_list, user, day, recent, merged)
        if case.status not in (Status.MERGED, Status.REJECTED):
            recent[org.pk] = case
        cases.append(case)
        timelines.append(sim.events)
    return cases, timelines, merged


def _fate(
    sim: _Sim, case: Case, fate, cat, dept_names, depts, dept_list, user, day, recent, merged
):
    org = case.organization
    if fate < 0.03:
        case.closed_on = sim.later(day, 1, 3)
        sim.step(case, Step.REJECT, Status.REJECTED, case.closed_on, "不属于商会和政府部门职能范围")
    elif fate < 0.05 and org.pk in recent:
        target = recent[org.pk]
        case.closed_on = sim.later(day, 0, 2)
        sim.step(case, Step.MERGE, Status.MERGED, case.closed_on, "与已受理诉求重复", into=None)
        merged.append((case, target))  # linked once both have ids
    else:
        _work(sim, case, cat, dept_names, depts, dept_list, user, day)


def _work(sim: _Sim, case: Case, cat, dept_names, depts, dept_list, user, day) -> None:
    rng, cal = sim.rng, sim.cal
    case.assignee = user
    d = sim.later(day, 0, 2)
    sim.step(case, Step.ASSIGN, Status.ASSIGNED, d, assignee=user.get_username() if user else None)
    limit = cat.time_limit_days
    if rng.random() < 0.38:
        returns = 0
        if rng.random() < 0.08:
            returns = 3 if rng.random() < 0.12 else 1
        tried = list(dept_names)
        for _ in range(returns):
            dept = depts[rng.choice(tried)] if tried else rng.choice(dept_list)
            d = sim.later(d, 1, 3)
            case.department, case.handed_over_on = dept, d
            case.due_on = cal.add(d, limit)
            sim.step(
                case,
                Step.HAND_OVER,
                Status.IN_PROGRESS,
                d,
                department=dept.name,
                department_id=dept.pk,
                due_on=case.due_on.isoformat(),
                working_days=limit,
            )
            d = sim.later(d, 2, 8)
            case.return_count += 1
            case.department, case.handed_over_on = None, None
            sim.step(
                case,
                Step.RETURN,
                Status.RETURNED,
                d,
                "不属于本单位职责，申请退回",
                department=dept.name,
                department_id=dept.pk,
                returns=case.return_count,
            )
            if case.return_count >= 3:
                case.escalated, case.escalated_on = True, d
                sim.step(
                    case,
                    Step.ESCALATE,
                    Status.RETURNED,
                    d,
                    "多次退回，提请领导协调",
                    returns=case.return_count,
                )
        dept = depts[rng.choice(dept_names)] if dept_names else rng.choice(dept_list)
        d = sim.later(d, 1, 3)
        case.department, case.handed_over_on = dept, d
        case.due_on = cal.add(d, limit)
        sim.step(
            case,
            Step.HAND_OVER,
            Status.IN_PROGRESS,
            d,
            department=dept.name,
            department_id=dept.pk,
            due_on=case.due_on.isoformat(),
            working_days=limit,
        )
    else:
        d = sim.later(d, 0, 2)
        sim.step(case, Step.START, Status.IN_PROGRESS, d)
    # How long it takes, in working days: most within the limit.
    took = max(1, round(limit * rng.triangular(0.25, 1.3, 0.55)))
    if sim.slow and rng.random() < sim.slow:
        took = round(limit * rng.uniform(1.3, 3.0))
    done = cal.add(d, took)
    if case.department_id and took > limit * 0.8 and rng.random() < 0.6:
        urged = sim.upto(cal.add(d, max(1, round(limit * 0.8))))
        case.urge_count += 1
        case.last_urged_on = urged
        sim.step(
            case,
            Step.URGE,
            case.status,
            case.last_urged_on,
            "电话催办",
            urged=1,
            department=case.department.name,
        )
    sim.upto(done)  # not done by the load date: still open
    _resolve_and_follow_up(sim, case, done)


def _resolve_and_follow_up(sim: _Sim, case: Case, done: datetime.date) -> None:
    rng = sim.rng
    case.resolution = rng.choice(RESOLUTIONS)
    case.resolved_on = done
    sim.step(
        case, Step.RESOLVE, Status.RESOLVED, done, case.resolution, on_time=done <= case.due_on
    )
    if rng.random() > 0.9 and not sim.thorough:
        return  # not yet followed up
    f = sim.later(done, 2, 8)
    level = rng.choices(
        [Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED], [75, 18, 7]
    )[0]
    score = {
        Satisfaction.SATISFIED: rng.choice([5, 5, 4]),
        Satisfaction.BASIC: rng.choice([4, 3]),
        Satisfaction.UNSATISFIED: rng.choice([2, 1]),
    }[level]
    comment = rng.choice(UNSATISFIED) if level == Satisfaction.UNSATISFIED else ""
    case.satisfaction, case.satisfaction_score, case.follow_up_comment = level, score, comment
    case.followed_up_on = f
    sim.step(case, Step.FOLLOW_UP, Status.FOLLOWED_UP, f, comment, satisfaction=level, score=score)
    if level == Satisfaction.UNSATISFIED and rng.random() < 0.6:
        r = sim.later(f, 0, 2)
        case.reopen_count += 1
        case.resolved_on = None
        case.due_on = sim.cal.add(r, case.category.time_limit_days)
        sim.step(
            case,
            Step.REOPEN,
            Status.REOPENED,
            r,
            "企业不满意，重新协调",
            reopened=1,
            due_on=case.due_on.isoformat(),
        )
        d = sim.later(r, 1, 3)
        sim.step(case, Step.START, Status.IN_PROGRESS, d)
        done = sim.later(d, 2, case.category.time_limit_days)
        case.resolution = "再次协调，" + rng.choice(RESOLUTIONS)
        case.resolved_on = done
        sim.step(
            case, Step.RESOLVE, Status.RESOLVED, done, case.resolution, on_time=done <= case.due_on
        )
        f = sim.later(done, 2, 6)
        level = rng.choice([Satisfaction.SATISFIED, Satisfaction.BASIC])
        score = 4 if level == Satisfaction.SATISFIED else 3
        case.satisfaction, case.satisfaction_score, case.follow_up_comment = level, score, ""
        case.followed_up_on = f
        sim.step(case, Step.FOLLOW_UP, Status.FOLLOWED_UP, f, "", satisfaction=level, score=score)
    if rng.random() < 0.8 or sim.thorough:
        c = sim.later(f, 1, 5)
        case.closed_on = c
        note = "企业表示理解，结案" if case.satisfaction == Satisfaction.UNSATISFIED else ""
        sim.step(case, Step.CLOSE, Status.CLOSED, c, note)


def _catch_up_follow_ups(
    rng: random.Random, cal: WorkCalendar, staff: dict[int, Any], through_engine: bool = False
) -> int:
    """The seed years leave a tenth of their resolved cases without a follow-up; the
    federation caught up with them early in 2018 (dated then, so no seed-year figure
    moves; the seed's last cases, resolved in 2018, a few days after) and closed them."""
    cases = list(
        Case.objects.filter(status=Status.RESOLVED, received_on__lte=SEED_LAST_DAY)
        .select_related("organization")
        .order_by("id")
    )
    events = []
    for case in cases:
        day = cal.add(max(case.resolved_on, datetime.date(2018, 1, 2)), rng.randint(2, 35))
        level = rng.choices([Satisfaction.SATISFIED, Satisfaction.BASIC], [80, 20])[0]
        score = rng.choice([5, 4]) if level == Satisfaction.SATISFIED else rng.choice([4, 3])
        case.satisfaction, case.satisfaction_score, case.followed_up_on = level, score, day
        case.closed_on = cal.add(day, rng.randint(1, 5))
        case.status = Status.CLOSED
        actor = staff.get(case.organization_id)
        for step, before, after, on, data in (
            (Step.FOLLOW_UP, Status.RESOLVED, Status.FOLLOWED_UP, day, {"satisfaction": level}),
            (Step.CLOSE, Status.FOLLOWED_UP, Status.CLOSED, case.closed_on, {}),
        ):
            if step == Step.FOLLOW_UP:
                data["score"] = score
            events.append(
                CaseEvent(
                    case_id=case.pk,
                    actor=actor,
                    step=step,
                    from_status=before,
                    to_status=after,
                    at=_at(on, rng),
                    comment="补充回访" if step == Step.FOLLOW_UP else "",
                    data=data,
                )
            )
    if through_engine:
        typing = random.Random("replay:catch-up")
        for case, (follow, close) in zip(
            cases, zip(events[::2], events[1::2], strict=True), strict=True
        ):
            case.refresh_from_db()
            for e in (follow, close):
                with _typed(e.at, typing):
                    _take(
                        e.step,
                        case,
                        {"data": e.data, "comment": e.comment},
                        actor=e.actor,
                        occurred_at=e.at,
                    )
        return len(cases)
    Case.objects.bulk_update(
        cases,
        ["satisfaction", "satisfaction_score", "followed_up_on", "closed_on", "status"],
        batch_size=2000,
    )
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    return len(cases)
