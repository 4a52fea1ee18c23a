"""Demo member register: enterprises with valid credit codes, their people,
memberships from 2013 with growth that differs by street, the 2017 split, and dues;
then (build_members_later) the years after 2017 to the load date.

Rows are written in bulk (no per-row audit entries: the demo is loaded, not edited), in
chunks so memory stays flat at a million members. Derived fields (pinyin, initials,
search text, size class) are computed exactly as the services compute them, with the
pinyin of each name part converted once.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from decimal import Decimal
from functools import cache

from django.db import transaction
from django.utils import timezone

from chamber.core import bulk, text
from chamber.core.validators import USCC_ALPHABET, org_code_check_char, uscc_check_char
from chamber.members.choices import Affiliation, Gender, MemberKind, PaymentMethod, Rank
from chamber.members.models import (
    Due,
    DuesRate,
    Enterprise,
    EnterpriseRole,
    Membership,
    Payment,
    Person,
    Tag,
)
from chamber.members.roles import ROLE_REPRESENTATIVE, backfill_representatives
from chamber.members.sizing import compute_size_class
from chamber.orgs.models import Organization

from .orgs import SPLIT, STREETS
from .timeline import DemoCalendar

# Street: (weight in the register, relative growth per year 2013..2017, share moved
# to the new street at the split). 石岩 quadruples in three years (the seed).
GROWTH = {
    "xinan": (1.3, [1.0, 1.12, 1.13, 1.12, 1.11], 0.0),
    "xixiang": (1.4, [1.0, 1.15, 1.14, 1.16, 1.12], 0.35),
    "fuyong": (1.1, [1.0, 1.11, 1.12, 1.13, 1.10], 0.30),
    "shajing": (1.2, [1.0, 1.10, 1.11, 1.12, 1.10], 0.30),
    "songgang": (0.9, [1.0, 1.12, 1.10, 1.11, 1.10], 0.35),
    "shiyan": (0.6, [1.0, 1.6, 1.6, 1.6, 1.2], 0.0),
}
NEW_STREET = {parent: code for code, *_r, parent in STREETS if parent}
DUE_BY_RANK = {
    Rank.PRESIDENT: Decimal("50000"),
    Rank.VICE_PRESIDENT: Decimal("20000"),
    Rank.STANDING_DIRECTOR: Decimal("10000"),
    Rank.DIRECTOR: Decimal("5000"),
    Rank.MEMBER: Decimal("1000"),
}
RANK_QUOTA = [
    (Rank.PRESIDENT, 1),
    (Rank.VICE_PRESIDENT, 8),
    (Rank.STANDING_DIRECTOR, 20),
    (Rank.DIRECTOR, 60),
]

CORE_CHARS = "华创达鑫盛宏兴旺锦泰恒丰瑞隆嘉信宝安福海科源通昌亿佳新星美捷立德明辉永成金凯汇顺鹏裕铭博中天威力豪航卓越腾远"
TRADES = [
    ("电子", "C", "39"),
    ("精密", "C", "34"),
    ("五金", "C", "33"),
    ("塑胶", "C", "29"),
    ("模具", "C", "35"),
    ("光电", "C", "39"),
    ("电器", "C", "38"),
    ("服装", "C", "18"),
    ("印刷", "C", "23"),
    ("包装", "C", "22"),
    ("新材料", "C", "26"),
    ("医疗器械", "C", "35"),
    ("建设", "E", "48"),
    ("装饰工程", "E", "50"),
    ("贸易", "F", "51"),
    ("商贸", "F", "52"),
    ("物流", "G", "58"),
    ("酒店", "H", "61"),
    ("餐饮", "H", "62"),
    ("软件", "I", "65"),
    ("网络科技", "I", "64"),
    ("投资", "J", "69"),
    ("置业", "K", "70"),
    ("咨询", "L", "72"),
    ("检测", "M", "74"),
    ("环保", "N", "77"),
    ("教育", "P", "83"),
]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "科技有限公司", "实业有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健俊帆鑫鹏辉亮成志海建国"
TITLES = ["董事长", "总经理", "执行董事", "董事长兼总经理", "总裁"]
TAGS = ["高新技术企业", "专精特新", "规模以上企业", "出口企业", "民营科技企业"]


@cache
def _py(part: str) -> tuple[str, str]:
    return text.full_pinyin(part), text.initials(part)


def _py_person(name: str) -> tuple[str, str]:
    """A person's name character by character (cached per character)."""
    return "".join(_py(c)[0] for c in name), "".join(_py(c)[1] for c in name)


def _search(name_parts: list[str], uscc: str, rep: str) -> tuple[str, str, str, str]:
    """(name, full pinyin, initials, search text) from cached part conversions."""
    name = "".join(name_parts)
    full = "".join(_py(p)[0] for p in name_parts)
    # initials skip the leading place name, as text.initials does
    core_parts = name_parts[1:] if name_parts[0] in ("深圳市", "宝安区") else name_parts
    inits = "".join(_py(p)[1] for p in core_parts)
    rep_full, rep_init = _py_person(rep)
    words = [name, full, inits, *text.cjk_bigrams(name), uscc.lower()]
    words += [rep, rep_full, rep_init, *text.cjk_bigrams(rep)]
    search = " ".join(dict.fromkeys(words)) + " "  # as text.search_text writes it
    return name, full, inits, search


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.codes: set[str] = set()

    def uscc(self) -> str:
        alphabet = USCC_ALPHABET
        while True:
            body = "".join(self.rng.choice(alphabet[:10] if i < 2 else alphabet) for i in range(8))
            if body in self.codes:
                continue
            self.codes.add(body)
            org = body + org_code_check_char(body)
            head = "91440300" if self.rng.random() < 0.5 else "91440306"
            return head + org + uscc_check_char(head + org)

    def person_name(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def mobile(self) -> str:
        return (
            "1" + self.rng.choice("3578") + "".join(self.rng.choice("0123456789") for _ in range(9))
        )

    def id_number(self, birth: datetime.date) -> str:
        body = f"440306{birth:%Y%m%d}{self.rng.randint(0, 999):03d}"
        weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        return (
            body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=False)) % 11]
        )

    def date_in(self, year: int) -> datetime.date:
        return datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randrange(365))


def _join_years(n: int, rng: random.Random) -> dict[str, list[int]]:
    """How many members each old street admits each year, 2013..2017."""
    weights = {s: g[0] for s, g in GROWTH.items()}
    total_w = sum(weights.values())
    plan: dict[str, list[int]] = {}
    for street, (w, growth, _moved) in GROWTH.items():
        share = n * w / total_w
        stock = [1.0]
        for g in growth[1:]:
            stock.append(stock[-1] * g)
        # Members joining in a year: the increase of the stock, plus 2013's base.
        adds = [stock[0]] + [max(stock[i] - stock[i - 1], 0.01) for i in range(1, 5)]
        scale = share / sum(adds)
        plan[street] = [round(a * scale) for a in adds]
    return plan


def build_members(
    *,
    seed: int,
    members: int,
    root: Organization,
    streets: dict[str, Organization],
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 20000,
) -> dict[str, int]:
    gen = Generator(seed)
    rng = gen.rng
    tags = [Tag.objects.get_or_create(name=t)[0].pk for t in TAGS]
    plan = _join_years(members, rng)
    slots: list[tuple[str, int]] = [
        (street, 2013 + i)
        for street, counts in plan.items()
        for i, c in enumerate(counts)
        for _ in range(c)
    ]
    rng.shuffle(slots)
    del slots[members:]  # the plan rounds per street and year: exactly N members
    while len(slots) < members:
        slots.append((rng.choice(list(GROWTH)), 2017))
    writer = _Writer(gen, streets, tags)
    done = 0
    for start in range(0, len(slots), chunk):
        batch = slots[start : start + chunk]
        writer.write(batch)
        done += len(batch)
        if progress:
            progress(done, len(slots))
    bulk.reset_sequences(Enterprise, Person, Membership, Due, Payment, Enterprise.tags.through)
    writer.counts["dues_rates"] = _dues_rates()
    writer.counts["enterprise_roles"] = backfill_representatives(Membership, EnterpriseRole)
    return writer.counts


def _dues_rates() -> int:
    """The rates behind the generated dues (DUE_BY_RANK): one per rank for every chamber
    and year that has dues, so the dues page shows what each rank owes."""
    pairs = Due.objects.values_list("membership__organization_id", "year").distinct()
    rates = [
        DuesRate(organization_id=org, year=year, rank=rank, amount=amount)
        for org, year in sorted(set(pairs))
        for rank, amount in DUE_BY_RANK.items()
    ]
    DuesRate.objects.bulk_create(rates, ignore_conflicts=True)
    return len(rates)


def _rank(rank_left: dict[str, list[tuple[str, int]]], street: str, year: int, rng) -> str:
    quota = rank_left[street]
    if quota and (year <= 2014 or rng.random() < 0.02):
        rank, left = quota[0]
        quota[0] = (rank, left - 1)
        if left - 1 == 0:
            quota.pop(0)
        return rank
    return Rank.MEMBER


ENT_FIELDS = [
    "id",
    "name",
    "uscc",
    "uscc_check_accepted",
    "legal_representative",
    "industry_section",
    "industry_division",
    "size_class",
    "size_class_manual",
    "registered_capital",
    "employees",
    "revenue",
    "total_assets",
    "registered_address",
    "business_address",
    "street_id",
    "founded",
    "listed",
    "stock_code",
    "main_products",
    "contact_name",
    "contact_phone",
    "note",
    "search_text",
    "created",
    "updated",
]
PERSON_FIELDS = [
    "id",
    "name",
    "gender",
    "birth_date",
    "mobile",
    "id_number",
    "enterprise_id",
    "title",
    "political_affiliation",
    "education",
    "native_place",
    "search_text",
    "created",
    "updated",
]
MEMBER_FIELDS = [
    "id",
    "organization_id",
    "kind",
    "enterprise_id",
    "person_id",
    "member_org_id",
    "representative_id",
    "rank",
    "joined",
    "left",
    "left_reason",
    "moved_from_id",
    "name",
    "sort_key",
    "initials",
    "search_text",
    "created",
    "updated",
]


class _Writer:
    """Generates members chunk by chunk and writes them as plain rows (core.bulk)."""

    def __init__(self, gen: Generator, streets: dict[str, Organization], tags: list[int]):
        self.gen, self.streets, self.tags = gen, streets, tags
        self.ids = {m: bulk.IdBlock(m) for m in (Enterprise, Person, Membership, Due, Payment)}
        self.tag_ids = bulk.IdBlock(Enterprise.tags.through)
        self.rank_left = {s: list(RANK_QUOTA) for s in GROWTH}
        self.counts = {"enterprises": 0, "people": 0, "memberships": 0, "dues": 0, "payments": 0}
        self.now = timezone.now()
        self.encrypt = Person._meta.get_field("id_number").get_prep_value

    def write(self, batch: list[tuple[str, int]]) -> None:
        gen, rng, streets, now = self.gen, self.gen.rng, self.streets, self.now
        ents, people, tag_rows, members, dues, payments = [], [], [], [], [], []
        for street, year in batch:
            trade, section, division = rng.choice(TRADES)
            core = rng.choice(CORE_CHARS) + rng.choice(CORE_CHARS)
            parts = (["深圳市"] if rng.random() < 0.7 else []) + [core, trade, rng.choice(SUFFIXES)]
            rep = gen.person_name()
            uscc = gen.uscc()
            name, full, inits, search = _search(parts, uscc, rep)
            employees = int(rng.lognormvariate(3.6, 1.2)) + 1
            revenue = Decimal(int(employees * rng.uniform(20, 120)))
            assets = Decimal(int(revenue * Decimal(str(round(rng.uniform(0.5, 2.0), 2)))))
            moved = rng.random() < GROWTH[street][2] and street in NEW_STREET
            home = NEW_STREET[street] if moved else street
            listed = rng.random() < 0.004
            phone = gen.mobile()
            ent_id = self.ids[Enterprise].take()
            ents.append(
                (
                    ent_id,
                    name,
                    uscc,
                    False,
                    rep,
                    section,
                    division,
                    compute_size_class(
                        section=section,
                        division=division,
                        employees=employees,
                        revenue=revenue,
                        assets=assets,
                    ),
                    False,
                    Decimal(rng.choice([50, 100, 200, 500, 1000, 3000, 5000])),
                    employees,
                    revenue,
                    assets,
                    f"深圳市宝安区{streets[home].name[:2]}街道{rng.randint(1, 300)}号",
                    "",
                    streets[home].pk,
                    gen.date_in(rng.randint(1992, year)),
                    listed,
                    f"{rng.randint(300001, 301999)}" if listed else "",
                    "",
                    rep,
                    phone,
                    "",
                    search,
                    now,
                    now,
                )
            )
            if rng.random() < 0.25:
                tag_rows.append((self.tag_ids.take(), ent_id, rng.choice(self.tags)))
            birth = datetime.date(rng.randint(1950, 1990), rng.randint(1, 12), rng.randint(1, 28))
            person_id = self.ids[Person].take()
            rep_full, rep_init = _py_person(rep)
            people.append(
                (
                    person_id,
                    rep,
                    rng.choice([Gender.MALE] * 3 + [Gender.FEMALE]),
                    birth,
                    phone,
                    self.encrypt(gen.id_number(birth)) if rng.random() < 0.3 else None,
                    ent_id,
                    rng.choice(TITLES),
                    rng.choice(
                        [Affiliation.NONE] * 5
                        + [Affiliation.CPC] * 2
                        + [Affiliation.DEMOCRATIC_PARTY]
                    ),
                    "",
                    "",
                    " ".join(
                        dict.fromkeys([rep, rep_full, rep_init, *text.cjk_bigrams(rep), phone])
                    )
                    + " ",
                    now,
                    now,
                )
            )
            joined = gen.date_in(year)
            org = streets[street]
            if year == 2017 and moved:
                org, joined = streets[home], max(joined, SPLIT)
            left = None
            if rng.random() < 0.05:
                left = joined + datetime.timedelta(days=rng.randint(200, 1500))
            rank = _rank(self.rank_left, street, year, rng)
            base = [org.pk, MemberKind.ENTERPRISE, ent_id, None, None, person_id, rank]
            names = [name, full, inits, search, now, now]
            member_id = self.ids[Membership].take()
            if (
                moved
                and org.pk == streets[street].pk
                and joined < SPLIT
                and (left is None or left > SPLIT)
            ):
                # The 2017 re-division: the old chamber's membership ends, the new
                # street's chamber's starts the same day and points back.
                reason = f"街道区划调整，划入{streets[home].name}"
                members.append((member_id, *base, joined, SPLIT, reason, None, *names))
                self._dues(dues, payments, member_id, rank, joined, SPLIT)
                new_id = self.ids[Membership].take()
                base[0] = streets[home].pk
                members.append(
                    (new_id, *base, SPLIT, left, "企业迁出宝安" if left else "", member_id, *names)
                )
                self._dues(dues, payments, new_id, rank, SPLIT, left)
            else:
                members.append(
                    (member_id, *base, joined, left, "企业迁出宝安" if left else "", None, *names)
                )
                self._dues(dues, payments, member_id, rank, joined, left)
        with transaction.atomic():
            bulk.insert(Enterprise, ENT_FIELDS, ents)
            bulk.insert(Enterprise.tags.through, ["id", "enterprise_id", "tag_id"], tag_rows)
            bulk.insert(Person, PERSON_FIELDS, people)
            bulk.insert(Membership, MEMBER_FIELDS, members)
            bulk.insert(Due, ["id", "membership_id", "year", "amount", "note"], dues)
            bulk.insert(
                Payment, ["id", "due_id", "paid_on", "amount", "method", "receipt_no"], payments
            )
        for key, rows in (
            ("enterprises", ents),
            ("people", people),
            ("memberships", members),
            ("dues", dues),
            ("payments", payments),
        ):
            self.counts[key] += len(rows)

    def _dues(self, dues, payments, member_id, rank, joined, left) -> None:
        """Dues are recorded from 2016; 88% of them paid in the first half-year."""
        rng = self.gen.rng
        for year in (2016, 2017):
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            if joined > end or (left is not None and left <= start):
                continue
            due_id = self.ids[Due].take()
            amount = DUE_BY_RANK[rank]
            dues.append((due_id, member_id, year, amount, ""))
            if rng.random() < 0.88:
                paid = datetime.date(year, rng.randint(1, 6), rng.randint(1, 28))
                payments.append(
                    (
                        self.ids[Payment].take(),
                        due_id,
                        max(paid, joined),
                        amount,
                        rng.choice(PaymentMethod.values),
                        f"BA{year}{due_id:07d}",
                    )
                )


# --- the years after the seed years ------------------------------------------------------

LATER_LEAVE_RATE = 0.008  # members leaving a year after 2017 (about as many as join)
LATER_REASONS = ["企业迁出宝安", "企业注销", "自愿退会", "企业迁出宝安"]
DUES_PAID_SHARE = 0.88


def build_members_later(*, seed: int, demo: DemoCalendar) -> dict[str, int]:
    """The register after 2017, to the load date, without touching a seed-year record:
    the members who joined in 2017 and have no record yet (no event, visit, case,
    donation, honour, post or seat) join in a later year instead, which gives every later
    year its new members; some members leave each later year; each year's dues are
    raised, most of them paid in the first half of the year (this year's to date)."""
    rng = demo.rng(seed, "members")
    moved = _redate_2017_joiners(rng, demo)
    left = _later_leavers(rng, demo)
    # the representatives' roles follow their memberships' new dates
    EnterpriseRole.objects.filter(
        role=ROLE_REPRESENTATIVE, enterprise_id__in=[m.enterprise_id for m in moved + left]
    ).delete()
    backfill_representatives(Membership, EnterpriseRole)
    dues, payments = _later_dues(rng, demo)
    bulk.reset_sequences(Due, Payment)
    _dues_rates()
    return {
        "members joining after 2017": len(moved),
        "members leaving after 2017": len(left),
        "dues after 2017": dues,
        "payments after 2017": payments,
    }


def _redate_2017_joiners(rng: random.Random, demo: DemoCalendar) -> list[Membership]:
    from chamber.activities.models import Donation, Honor, Registration, TermMember
    from chamber.casework.models import Case, Visit
    from chamber.politics.models import PoliticalPost, Proposal

    ents: set[int] = set()
    for model in (Registration, Case, Donation, Honor, TermMember):
        ents.update(model.objects.exclude(enterprise=None).values_list("enterprise_id", flat=True))
    ents.update(Visit.enterprises.through.objects.values_list("enterprise_id", flat=True))
    people: set[int] = set()
    for model in (Registration, PoliticalPost, TermMember):
        people.update(model.objects.exclude(person=None).values_list("person_id", flat=True))
    people.update(Proposal.objects.values_list("lead_id", flat=True))
    people.update(Proposal.co_submitters.through.objects.values_list("person_id", flat=True))
    people.update(Visit.leaders.through.objects.values_list("person_id", flat=True))
    start, end = datetime.date(2017, 1, 1), datetime.date(2017, 12, 31)
    candidates = [
        m
        for m in Membership.objects.filter(
            joined__range=(start, end), left=None, moved_from=None, kind=MemberKind.ENTERPRISE
        ).order_by("id")
        if m.enterprise_id not in ents and m.representative_id not in people
    ]
    years = list(demo.later_years)
    weights = [1 + 0.05 * (y - years[0]) for y in years]
    changed = []
    for m in candidates:
        # the same day of a later year (timeline.seed_view finds the seed's day again)
        year = rng.choices(years, weights)[0]
        if m.joined.replace(year=year) > demo.today:
            continue  # later this year than the load date: stays in 2017
        m.joined = m.joined.replace(year=year)
        changed.append(m)
    Membership.objects.bulk_update(changed, ["joined"], batch_size=2000)
    # their 2017 dues were never raised
    Payment.objects.filter(due__membership__in=changed, due__year__lt=2018).delete()
    Due.objects.filter(membership__in=changed, year__lt=2018).delete()
    return changed


def _later_leavers(rng: random.Random, demo: DemoCalendar) -> list[Membership]:
    changed = []
    active = list(Membership.objects.filter(left=None, kind=MemberKind.ENTERPRISE).order_by("id"))
    for m in active:
        for year in demo.later_years:
            if m.joined.year >= year or rng.random() >= LATER_LEAVE_RATE * demo.elapsed(year):
                continue
            m.left = demo.day_in(rng, year, last=demo.last_day(year))
            m.left_reason = rng.choice(LATER_REASONS)
            changed.append(m)
            break
    Membership.objects.bulk_update(changed, ["left", "left_reason"], batch_size=2000)
    return changed


def _later_dues(rng: random.Random, demo: DemoCalendar) -> tuple[int, int]:
    due_ids, payment_ids = bulk.IdBlock(Due), bulk.IdBlock(Payment)
    dues, payments = [], []
    rows = (
        Membership.objects.filter(kind=MemberKind.ENTERPRISE)
        .order_by("id")
        .values_list("id", "rank", "joined", "left")
    )
    for member_id, rank, joined, left in rows.iterator(chunk_size=5000):
        for year in demo.later_years:
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            if joined > min(end, demo.today) or (left is not None and left <= start):
                continue
            due_id = due_ids.take()
            amount = DUE_BY_RANK[rank]
            dues.append((due_id, member_id, year, amount, ""))
            paid = max(datetime.date(year, rng.randint(1, 6), rng.randint(1, 28)), joined)
            if rng.random() < DUES_PAID_SHARE and paid <= demo.today:
                method = rng.choice(PaymentMethod.values)
                receipt = f"BA{year}{due_id:07d}"
                payments.append((payment_ids.take(), due_id, paid, amount, method, receipt))
    with transaction.atomic():
        bulk.insert(Due, ["id", "membership_id", "year", "amount", "note"], dues)
        bulk.insert(
            Payment, ["id", "due_id", "paid_on", "amount", "method", "receipt_no"], payments
        )
    return len(dues), len(payments)
