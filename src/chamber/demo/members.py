"""Demo member register: enterprises with valid credit codes, their people,
memberships from 2013 with growth that differs by street, the 2017 split, and dues.

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

from chamber.core import text
from chamber.core.validators import USCC_ALPHABET, org_code_check_char, uscc_check_char
from chamber.members.choices import Affiliation, Gender, MemberKind, PaymentMethod, Rank
from chamber.members.models import Due, Enterprise, Membership, Payment, Person, Tag
from chamber.members.sizing import compute_size_class
from chamber.orgs.models import Organization

from .orgs import SPLIT, STREETS

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


def _search(name_parts: list[str], uscc: str, rep: str) -> tuple[str, str, str, str]:
    """(name, full pinyin, initials, search text) from cached part conversions."""
    name = "".join(name_parts)
    full = "".join(_py(p)[0] for p in name_parts)
    # initials skip the leading place name, as text.initials does
    core_parts = name_parts[1:] if name_parts[0] in ("深圳市", "宝安区") else name_parts
    inits = "".join(_py(p)[1] for p in core_parts)
    rep_full, rep_init = _py(rep)
    search = " ".join(dict.fromkeys([name, full, inits, uscc.lower(), rep, rep_full, rep_init]))
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
    chunk: int = 5000,
) -> dict[str, int]:
    gen = Generator(seed)
    rng = gen.rng
    tags = [Tag.objects.get_or_create(name=t)[0] for t in TAGS]
    plan = _join_years(members, rng)
    slots: list[tuple[str, int]] = [
        (street, 2013 + i)
        for street, counts in plan.items()
        for i, c in enumerate(counts)
        for _ in range(c)
    ]
    rng.shuffle(slots)
    # Earlier joiners get the councils' seats: sort each street's members by join year.
    rank_left = {s: list(RANK_QUOTA) for s in GROWTH}
    counts = {"enterprises": 0, "people": 0, "memberships": 0, "dues": 0, "payments": 0}
    done = 0
    for start in range(0, len(slots), chunk):
        batch = slots[start : start + chunk]
        with transaction.atomic():
            _write_chunk(gen, batch, root, streets, tags, rank_left, counts)
        done += len(batch)
        if progress:
            progress(done, len(slots))
    return counts


def _rank(rank_left: dict[str, list[tuple[str, int]]], street: str, year: int, rng) -> str:
    quota = rank_left[street]
    if quota and (year <= 2014 or rng.random() < 0.02):
        rank, left = quota[0]
        quota[0] = (rank, left - 1)
        if left - 1 == 0:
            quota.pop(0)
        return rank
    return Rank.MEMBER


def _write_chunk(gen, batch, root, streets, tags, rank_left, counts) -> None:
    rng = gen.rng
    ents: list[Enterprise] = []
    meta: list[tuple[str, int, str, bool]] = []
    sort_keys: list[tuple[str, str]] = []
    for street, year in batch:
        trade, section, division = rng.choice(TRADES)
        core = rng.choice(CORE_CHARS) + rng.choice(CORE_CHARS)
        parts = (["深圳市"] if rng.random() < 0.7 else []) + [core, trade, rng.choice(SUFFIXES)]
        rep = gen.person_name()
        uscc = gen.uscc()
        name, full, inits, search = _search(parts, uscc, rep)
        sort_keys.append((full, inits))
        employees = int(rng.lognormvariate(3.6, 1.2)) + 1
        revenue = Decimal(int(employees * rng.uniform(20, 120)))
        assets = Decimal(int(revenue * Decimal(str(round(rng.uniform(0.5, 2.0), 2)))))
        moved = rng.random() < GROWTH[street][2]
        home = NEW_STREET[street] if moved and street in NEW_STREET else street
        listed = rng.random() < 0.004
        ents.append(
            Enterprise(
                name=name,
                uscc=uscc,
                legal_representative=rep,
                industry_section=section,
                industry_division=division,
                size_class=compute_size_class(
                    section=section,
                    division=division,
                    employees=employees,
                    revenue=revenue,
                    assets=assets,
                ),
                registered_capital=Decimal(rng.choice([50, 100, 200, 500, 1000, 3000, 5000])),
                employees=employees,
                revenue=revenue,
                total_assets=assets,
                registered_address=f"深圳市宝安区{streets[home].name[:2]}街道{rng.randint(1, 300)}号",
                street=streets[home],
                founded=gen.date_in(rng.randint(1992, year)),
                listed=listed,
                stock_code=f"{rng.randint(300001, 301999)}" if listed else "",
                contact_name=rep,
                contact_phone=gen.mobile(),
                search_text=search,
            )
        )
        meta.append((street, year, home, moved))
    Enterprise.objects.bulk_create(ents)
    through = Enterprise.tags.through
    through.objects.bulk_create(
        [
            through(enterprise_id=e.pk, tag_id=rng.choice(tags).pk)
            for e in ents
            if rng.random() < 0.25
        ]
    )
    people: list[Person] = []
    for e in ents:
        birth = datetime.date(rng.randint(1950, 1990), rng.randint(1, 12), rng.randint(1, 28))
        people.append(
            Person(
                name=e.legal_representative,
                gender=rng.choice([Gender.MALE] * 3 + [Gender.FEMALE]),
                birth_date=birth,
                mobile=e.contact_phone,
                enterprise=e,
                id_number=gen.id_number(birth) if rng.random() < 0.3 else None,
                title=rng.choice(TITLES),
                political_affiliation=rng.choice(
                    [Affiliation.NONE] * 5 + [Affiliation.CPC] * 2 + [Affiliation.DEMOCRATIC_PARTY]
                ),
                search_text=" ".join(
                    dict.fromkeys(
                        [e.legal_representative, *_py(e.legal_representative), e.contact_phone]
                    )
                ),
            )
        )
    Person.objects.bulk_create(people)
    first: list[Membership] = []
    for e, p, (street, year, _home, _moved), (full, inits) in zip(
        ents, people, meta, sort_keys, strict=True
    ):
        joined = gen.date_in(year)
        if year == 2017 and street in NEW_STREET and _moved:
            org = streets[NEW_STREET[street]]
            joined = max(joined, SPLIT)
        else:
            org = streets[street]
        left = None
        if rng.random() < 0.05:
            left = joined + datetime.timedelta(days=rng.randint(200, 1500))
        first.append(
            Membership(
                organization=org,
                kind=MemberKind.ENTERPRISE,
                enterprise=e,
                representative=p,
                rank=_rank(rank_left, street, year, rng),
                joined=joined,
                left=left,
                left_reason="企业迁出宝安" if left else "",
                name=e.name,
                sort_key=full,
                initials=inits,
                search_text=e.search_text,
            )
        )
    Membership.objects.bulk_create(first)
    moves: list[Membership] = []
    for m, (street, _year, home, moved) in zip(first, meta, strict=True):
        if (
            moved
            and home != street
            and m.organization_id == streets[street].pk
            and m.joined < SPLIT
            and (m.left is None or m.left > SPLIT)
        ):
            new_left = m.left
            m.left, m.left_reason = SPLIT, f"街道区划调整,划入{streets[home].name}"
            moves.append(
                Membership(
                    organization=streets[home],
                    kind=m.kind,
                    enterprise_id=m.enterprise_id,
                    representative_id=m.representative_id,
                    rank=m.rank,
                    joined=SPLIT,
                    left=new_left,
                    left_reason=m.left_reason if new_left else "",
                    moved_from=m,
                    name=m.name,
                    sort_key=m.sort_key,
                    initials=m.initials,
                    search_text=m.search_text,
                )
            )
    Membership.objects.bulk_update(
        [m for m in first if m.left == SPLIT], ["left", "left_reason"], batch_size=2000
    )
    for m in moves:
        if m.left is not None:
            m.left_reason = "企业迁出宝安"
    Membership.objects.bulk_create(moves)
    dues: list[Due] = []
    for m in first + moves:
        for year in (2016, 2017):
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            if (
                m.joined <= end
                and (m.left is None or m.left > start)
                and (m.left is None or m.left > m.joined)
            ):
                if m.moved_from_id is None and m.left == SPLIT and year == 2017:
                    continue
                dues.append(Due(membership=m, year=year, amount=DUE_BY_RANK[m.rank]))
    Due.objects.bulk_create(dues)
    payments = [
        Payment(
            due=d,
            paid_on=datetime.date(d.year, rng.randint(1, 6), rng.randint(1, 28)),
            amount=d.amount,
            method=rng.choice(PaymentMethod.values),
            receipt_no=f"BA{d.year}{d.pk:07d}",
        )
        for d in dues
        if rng.random() < 0.88
    ]
    Payment.objects.bulk_create(payments)
    counts["enterprises"] += len(ents)
    counts["people"] += len(people)
    counts["memberships"] += len(first) + len(moves)
    counts["dues"] += len(dues)
    counts["payments"] += len(payments)
