"""Demo activities 2014–2017, in the proportions of the seed year (seed/README.md):
西乡's ten themed trainings a year with 900+ attendances, 松岗's first fair of local
products (2016), 60 members at the 宝博会, 40 entrepreneurs on a Hong Kong training
trip, 28 trade exchanges, study tours to 普宁, 梅州, 贵州 and 四川, the "与爱同行"
charity micro-run with 1,000+ runners, the symposium of newly elected CPPCC members,
donations above 100 million yuan in all, 福永's 福商公益基金会, the fourth executive
committee's numbered meetings (the fifth on 2017-03-20), and the honours the article
lists.

Rows are written in bulk (no per-row audit entries: the demo is loaded, not edited).
Everything is drawn from one seeded random generator, so a seed gives the same data.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from chamber.activities.choices import (
    CheckInMethod,
    Destination,
    EventKind,
    EventStatus,
    RegistrationStatus,
)
from chamber.activities.models import (
    CheckIn,
    Event,
    EventCoOrganizer,
    EventSpeaker,
    Registration,
)
from chamber.activities.models.events import CODE_ALPHABET, CODE_LENGTH
from chamber.core import bulk
from chamber.members.choices import MemberKind
from chamber.members.models import Membership
from chamber.orgs.models import Organization

from .charity import build_donations
from .council import build_council, build_council_later, build_honors
from .timeline import DemoCalendar, calendar_for, numeral, seed_view

YEARS = (2014, 2015, 2016, 2017)  # the seed years; later ones: timeline.DemoCalendar
TZ = timezone.get_default_timezone()

TRAINING_THEMES = [
    "企业税收优惠政策解读",
    "知识产权保护与运用",
    "企业融资与上市实务",
    "安全生产管理",
    "劳动用工法律风险防范",
    "跨境电商实务",
    "智能制造与转型升级",
    "新三板挂牌实务",
    "企业家领导力提升",
    "环保法规与清洁生产",
    "“中国制造2025”政策解读",
    "企业品牌建设",
    "财务管理与内控",
    "商标与专利申请实务",
]
SPEAKERS = [
    ("陈教授", "深圳大学经济学院教授", True),
    ("刘主任", "宝安区税务局政策法规科", False),
    ("王律师", "广东某律师事务所合伙人", False),
    ("张院士团队专家", "沙井街道院士专家工作站", True),
    ("李博士", "中山大学管理学院副教授", True),
    ("赵处长", "深圳市市场监督管理局", False),
    ("黄经理", "中国银行宝安支行", False),
]
TRADE_PARTNERS = [
    "香港中华厂商联合会",
    "东莞市长安镇商会",
    "惠州市工商联",
    "台湾电机电子工业同业公会",
    "澳门中华总商会",
    "马来西亚中华总商会",
    "广州市番禺区工商联",
    "河源市工商联",
    "汕尾市工商联",
    "江西赣州市工商联",
    "湖南郴州市商务局",
    "韩国京畿道中小企业协会",
    "新加坡中华总商会",
    "泰国华人青年商会",
]
STUDY_TOURS = [
    ("普宁", "普宁市"),
    ("梅州", "梅州市"),
    ("贵州", "贵州毕节市"),
    ("四川", "四川成都市"),
    ("浙江义乌", "义乌市"),
    ("福建晋江", "晋江市"),
]


@dataclass
class Member:
    enterprise_id: int
    person_id: int | None
    org_id: int
    joined: datetime.date
    left: datetime.date | None
    rank: str

    def active(self, day: datetime.date) -> bool:
        return self.joined <= day and (self.left is None or self.left > day)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


class Builder:
    def __init__(
        self,
        seed: int,
        root: Organization,
        streets: dict[str, Organization],
        demo: DemoCalendar,
        *,
        later: bool = False,
    ):
        """The seed years from the seed's generator, or (`later`) the years after them to
        the load date from a generator of their own."""
        self.rng = demo.rng(seed, "activities") if later else random.Random(seed * 1009 + 17)
        self.years = demo.later_years if later else YEARS
        self.later = later
        self.demo = demo
        self.root = root
        self.streets = streets
        self.codes: set[str] = set(Registration.objects.values_list("code", flat=True))
        view = (lambda j, lft: (j, lft)) if later else seed_view
        self.members = [
            Member(
                m.enterprise_id, m.representative_id, m.organization_id, *view(joined, left), m.rank
            )
            for m in Membership.objects.filter(kind=MemberKind.ENTERPRISE)
            .only("enterprise_id", "representative_id", "organization_id", "joined", "left", "rank")
            .order_by("id")
            for joined, left in [(m.joined, m.left)]
        ]
        self.street_ids = {code: org.pk for code, org in streets.items()}
        self.events: list[Event] = []
        self.co: list[tuple[Event, Organization]] = []
        self.speakers: list[tuple[Event, tuple[str, str, bool], str]] = []
        self.plans: list[tuple[Event, dict]] = []  # sign-up plans, filled after save
        self.counts = {"events": 0, "registrations": 0, "check_ins": 0, "donations": 0}

    # --- helpers ---------------------------------------------------------------------------

    def code(self) -> str:
        while True:
            c = "".join(self.rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if c not in self.codes:
                self.codes.add(c)
                return c

    def day_in(self, year: int, months: tuple[int, int] = (1, 12)) -> datetime.date:
        start = datetime.date(year, months[0], 1)
        end = (
            datetime.date(year, months[1] + 1, 1)
            if months[1] < 12
            else datetime.date(year + 1, 1, 1)
        )
        day = start + datetime.timedelta(days=self.rng.randrange((end - start).days))
        if day.weekday() == 6:  # events fall on working days or Saturdays
            day -= datetime.timedelta(days=1)
        return day

    def pool(self, org: Organization | None, day: datetime.date) -> list[Member]:
        """Members active on `day` in `org`'s subtree (None or the district: everyone)."""
        if org is None or org.pk == self.root.pk:
            return [m for m in self.members if m.active(day)]
        ids = {org.pk}
        # a pre-2017 street's members moved to its new street keep attending there
        return [m for m in self.members if m.org_id in ids and m.active(day)]

    def event(
        self,
        *,
        org: Organization,
        kind: str,
        title: str,
        day: datetime.date,
        hours: tuple[int, int] = (9, 12),
        days: int = 1,
        place: str = "",
        destination: str = Destination.LOCAL,
        city: str = "",
        capacity: int | None = None,
        description: str = "",
        co: list[Organization] = (),
        open_to_own: bool = False,
        plan: dict | None = None,
    ) -> Event | None:
        if day > self.demo.horizon:
            return None  # not announced yet
        ev = Event(
            organization=org,
            kind=kind,
            title=title,
            # held, or open for sign-up from the load date on
            status=EventStatus.CLOSED if day < self.demo.today else EventStatus.ANNOUNCED,
            starts_at=_at(day, hours[0]),
            ends_at=_at(day + datetime.timedelta(days=days - 1), hours[1]),
            place=place,
            destination=destination,
            city=city,
            capacity=capacity,
            registration_deadline=_at(day - datetime.timedelta(days=2), 18),
            description=description,
        )
        self.events.append(ev)
        for c in co:
            self.co.append((ev, c))
        if open_to_own:
            self.co.append((ev, None))  # marker: open to the organiser's members
        if plan:
            self.plans.append((ev, plan))
        return ev

    # --- events ----------------------------------------------------------------------------

    def build_events(self) -> None:
        rng = self.rng
        root, s = self.root, self.streets
        for year in self.years:
            # in the tree's order, whatever order the dict came in: the same seed, the same data
            in_force = sorted(
                (c for c in s if s[c].is_in_force(datetime.date(year, 6, 30))),
                key=lambda c: (s[c].sort_order, c),
            )
            # 西乡: ten themed trainings a year, 900+ person-times (the seed year)
            themes = rng.sample(TRAINING_THEMES, 10)
            for i, theme in enumerate(themes):
                day = self.day_in(year, (1 + i, 1 + i) if i < 10 else (1, 12))
                co = [root] if i in (2, 7) else []
                self.event(
                    org=s["xixiang"],
                    kind=EventKind.TRAINING,
                    title=f"{theme}专题培训",
                    day=day,
                    hours=(14, 17),
                    place="西乡街道商会培训中心",
                    capacity=120,
                    description=f"西乡街道工商联（商会）{year}年第{i + 1}期主题培训。",
                    co=co,
                    open_to_own=not co,
                    plan={"target": rng.randint(80, 92), "party": (1, 2), "show": 0.94},
                )
            # the district and the other streets train too, less often
            for code in ["baoan", *in_force]:
                if code == "xixiang":
                    continue
                org = root if code == "baoan" else s[code]
                for _ in range(3 if code == "baoan" else rng.randint(0, 2)):
                    theme = rng.choice(TRAINING_THEMES)
                    self.event(
                        org=org,
                        kind=EventKind.TRAINING,
                        title=f"{theme}培训班",
                        day=self.day_in(year),
                        hours=(9, 12),
                        place="宝安区工商联会议室" if code == "baoan" else f"{org.name}会议室",
                        capacity=80,
                        plan={"target": rng.randint(35, 70), "party": (1, 1), "show": 0.9},
                    )
            # exhibitions: the 宝博会 every year (60 members in 2016); 松岗's first
            # fair of local products in 2016, the second in 2017
            exhibitors = 60 if year == 2016 else rng.randint(42, 58)
            self.event(
                org=root,
                kind=EventKind.EXHIBITION,
                title=f"{year}宝安国际品牌博览会（宝博会）",
                day=self.day_in(year, (11, 11)),
                hours=(9, 18),
                days=3,
                place="深圳会展中心",
                description="组织会员企业参展，展示宝安制造。",
                plan={"target": exhibitors, "party": (2, 4), "show": 1.0, "by_enterprise": True},
            )
            if year >= 2016:
                nth = f"第{numeral(year - 2015)}届" if year > 2016 else "首届"
                self.event(
                    org=s["songgang"],
                    kind=EventKind.EXHIBITION,
                    title=f"松岗街道{nth}名优产品展览交流会",
                    day=self.day_in(year, (9, 10)),
                    hours=(9, 17),
                    days=2,
                    place="松岗街道文化广场",
                    plan={"target": rng.randint(28, 36), "party": (2, 3), "show": 1.0},
                )
            # study tours: Hong Kong (40 entrepreneurs in 2016) and other provinces
            self.event(
                org=root,
                kind=EventKind.STUDY_TOUR,
                title=f"{year}年企业家赴港培训交流暨参观中小企业博览会",
                day=self.day_in(year, (6, 7)),
                hours=(8, 18),
                days=4,
                place="香港会议展览中心",
                destination=Destination.ABROAD,
                city="香港",
                capacity=40,
                plan={
                    "target": 40 if year == 2016 else rng.randint(30, 40),
                    "party": (1, 1),
                    "show": 1.0,
                },
            )
            for place, city in rng.sample(STUDY_TOURS, 2 + (year == 2016) * 2):
                org = root if rng.random() < 0.5 else s[rng.choice(in_force)]
                self.event(
                    org=org,
                    kind=EventKind.STUDY_TOUR,
                    title=f"赴{place}考察交流",
                    day=self.day_in(year),
                    hours=(8, 18),
                    days=3,
                    destination=Destination.ELSEWHERE,
                    city=city,
                    capacity=30,
                    plan={"target": rng.randint(15, 28), "party": (1, 1), "show": 1.0},
                )
            # trade exchanges: 28 in the seed year; two are co-organised by two streets
            for i in range(28 if year == 2016 else rng.randint(20, 26)):
                partner = rng.choice(TRADE_PARTNERS)
                org_code = rng.choice(["baoan", *in_force])
                org = root if org_code == "baoan" else s[org_code]
                co = []
                if i < 2 and org_code != "baoan":
                    other = rng.choice([c for c in in_force if c != org_code])
                    co = [s[other]]
                self.event(
                    org=org,
                    kind=EventKind.TRADE_EXCHANGE,
                    title=f"与{partner}经贸交流座谈",
                    day=self.day_in(year),
                    hours=(14, 17),
                    place=f"{org.name}会议室",
                    co=co,
                    plan={"target": rng.randint(8, 18), "party": (1, 2), "show": 0.95},
                )
            # symposiums
            titles = ["民营企业发展座谈会", "“两个健康”专题座谈会", "非公经济人士座谈会"]
            if year == 2016:
                titles[2] = "新当选区政协五届工商组委员参政议政专题座谈会"
            for t in titles:
                self.event(
                    org=root,
                    kind=EventKind.SYMPOSIUM,
                    title=t,
                    day=self.day_in(year, (12, 12)) if "新当选" in t else self.day_in(year),
                    hours=(14, 17),
                    place="宝安区工商联会议室",
                    plan={"target": rng.randint(25, 40), "party": (1, 1), "show": 0.95},
                )
            # charity: the micro-run (1,000+ runners in 2016), the charity sale, holiday visits
            self.event(
                org=root,
                kind=EventKind.CHARITY,
                title=f"“与爱同行”{year}慈善微跑",
                day=self.day_in(year, (4, 4)),
                hours=(8, 11),
                place="宝安海滨广场",
                description="联合区慈善会、义工联和中国银行举办。",
                plan={
                    "runners": rng.randint(1020, 1150) if year == 2016 else rng.randint(600, 950)
                },
            )
            self.event(
                org=root,
                kind=EventKind.CHARITY,
                title="“爱心助残 情暖你我”残疾人作品产品义卖",
                day=self.day_in(year, (5, 5)),
                hours=(9, 16),
                place="宝安区残疾人综合服务中心",
                plan={"target": rng.randint(20, 35), "party": (1, 2), "show": 0.95},
            )
            self.event(
                org=s[rng.choice(in_force)],
                kind=EventKind.CHARITY,
                title="中秋慰问社会福利机构",
                day=self.day_in(year, (9, 9)),
                hours=(9, 12),
                place="宝安区社会福利中心",
                plan={"target": rng.randint(10, 20), "party": (1, 1), "show": 1.0},
            )
            # meetings (the council's own meetings are Meeting rows, below)
            self.event(
                org=root,
                kind=EventKind.MEETING,
                title=f"{year}年会员大会暨工作会议",
                day=self.day_in(year, (3, 3)),
                hours=(9, 12),
                place="宝安区委礼堂",
                capacity=400,
                plan={"target": rng.randint(220, 320), "party": (1, 1), "show": 0.92},
            )
            self.event(
                org=s[rng.choice(in_force)],
                kind=EventKind.OTHER,
                title="会员企业联谊活动",
                day=self.day_in(year),
                hours=(15, 20),
                plan={"target": rng.randint(30, 60), "party": (1, 2), "show": 0.9},
            )
        Event.objects.bulk_create(self.events, batch_size=500)
        links, open_links = [], []
        open_to = Event.open_to.through
        for ev, org in self.co:
            if org is None:
                open_links.append(open_to(event_id=ev.pk, organization_id=ev.organization_id))
            else:
                links.append(EventCoOrganizer(event=ev, organization=org))
        EventCoOrganizer.objects.bulk_create(links)
        open_to.objects.bulk_create(open_links)
        speakers = []
        for ev in self.events:
            if ev.kind in (EventKind.TRAINING, EventKind.SYMPOSIUM):
                for order, (name, aff, expert) in enumerate(
                    self.rng.sample(SPEAKERS, 1 + (self.rng.random() < 0.4))
                ):
                    speakers.append(
                        EventSpeaker(
                            event=ev,
                            order=order,
                            name=name,
                            affiliation=aff,
                            is_expert=expert,
                            topic=ev.title.replace("专题培训", "").replace("培训班", ""),
                        )
                    )
        EventSpeaker.objects.bulk_create(speakers)
        self.counts["events"] = len(self.events)

    def build_sign_ups(self) -> None:
        rng = self.rng
        regs: list[Registration] = []
        shows: list[tuple[Registration, int, datetime.datetime]] = []
        for ev, plan in self.plans:
            day = timezone.localtime(ev.starts_at).date()
            held = day < self.demo.today
            organiser = ev.organization
            pool = self.pool(organiser, day)
            if not pool:
                continue
            if "runners" in plan:
                # the run: teams from member enterprises, 5-30 runners each
                left = plan["runners"]
                teams = rng.sample(pool, min(len(pool), 120))
                for m in teams:
                    if left <= 0:
                        break
                    size = min(left, rng.randint(5, 30))
                    left -= size
                    reg = self._reg(ev, m, size, by_enterprise=True)
                    at = ev.starts_at + datetime.timedelta(minutes=rng.randint(-40, 10))
                    if self._signed_up(reg):
                        regs.append(reg)
                        if held:
                            shows.append((reg, size, at))
                continue
            lo, hi = plan["party"]
            chosen = rng.sample(pool, min(len(pool), plan["target"]))
            seats = 0
            for m in chosen:
                size = lo if lo == hi else rng.choice([lo] * 4 + list(range(lo + 1, hi + 1)))
                if ev.capacity and seats + size > ev.capacity:
                    break
                seats += size
                reg = self._reg(ev, m, size, by_enterprise=plan.get("by_enterprise", False))
                if self._signed_up(reg):
                    regs.append(reg)
                if rng.random() < plan["show"]:
                    came = size if rng.random() < 0.85 else rng.randint(1, size)
                    at = ev.starts_at + datetime.timedelta(minutes=rng.randint(-30, 20))
                    if held:
                        shows.append((reg, came, at))
            # a few cancellations, as on any sign-up list
            taken = {m.enterprise_id for m in chosen}
            for m in rng.sample(pool, min(len(pool), 3)):
                if m.enterprise_id in taken or rng.random() < 0.4:
                    continue
                reg = self._reg(ev, m, 1, by_enterprise=False)
                reg.status = RegistrationStatus.CANCELLED
                reg.status_changed_at = reg.registered_at + datetime.timedelta(days=1)
                if held:
                    regs.append(reg)
        bulk.insert_objects(Registration, regs)
        checks = [
            CheckIn(
                registration=reg,
                headcount=came,
                at=at,
                method=rng.choice(
                    [CheckInMethod.CAMERA] * 5 + [CheckInMethod.TYPED, CheckInMethod.LIST]
                ),
            )
            for reg, came, at in shows
        ]
        bulk.insert_objects(CheckIn, checks)
        self.counts["registrations"] = len(regs)
        self.counts["check_ins"] = len(checks)

    def _signed_up(self, reg: Registration) -> bool:
        """Whether a sign-up happened by the load date (the seed years': all)."""
        return timezone.localtime(reg.registered_at).date() <= self.demo.today

    def _reg(self, ev: Event, m: Member, size: int, *, by_enterprise: bool) -> Registration:
        return Registration(
            event=ev,
            enterprise_id=m.enterprise_id,
            person_id=None if by_enterprise else m.person_id,
            party_size=size,
            status=RegistrationStatus.CONFIRMED,
            code=self.code(),
            registered_at=ev.starts_at - datetime.timedelta(days=self.rng.randint(3, 20)),
        )


def build_activities(
    *,
    seed: int,
    root: Organization,
    streets: dict[str, Organization],
    demo: DemoCalendar | None = None,
) -> dict[str, int]:
    """The demo's activities, the seed years and the later ones (build_all runs the two
    parts apart, the members' later years between them)."""
    demo = calendar_for(demo)
    counts = build_activities_seed(seed=seed, root=root, streets=streets, demo=demo)
    counts.update(build_activities_later(seed=seed, root=root, streets=streets, demo=demo))
    return counts


def build_activities_seed(
    *, seed: int, root: Organization, streets: dict[str, Organization], demo: DemoCalendar
) -> dict[str, int]:
    builder = Builder(seed, root, streets, demo)
    builder.build_events()
    builder.build_sign_ups()
    build_donations(builder)
    build_council(builder)
    build_honors(builder)
    return builder.counts


def build_activities_later(
    *, seed: int, root: Organization, streets: dict[str, Organization], demo: DemoCalendar
) -> dict[str, int]:
    """The years after the seed years: events held and events announced for the coming
    weeks, donations, the council's later terms and meetings, honours."""
    builder = Builder(seed, root, streets, demo, later=True)
    builder.build_events()
    builder.build_sign_ups()
    build_donations(builder)
    build_council_later(builder)
    build_honors(builder)
    return {f"{k} after 2017": v for k, v in builder.counts.items()}
