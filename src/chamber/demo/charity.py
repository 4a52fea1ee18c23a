"""Demo donations and funds from 2014 to the load date: above 100 million yuan by the end of 2016 (the
seed's "累计超过1亿元"), money and valued goods, for the charity run and other
events, campaigns, paired assistance, 福永's 福商公益基金会 (from 2015) and the
district's fund, which pay out most of what they receive."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from chamber.activities.choices import DonationKind, DonationPurpose, EventKind
from chamber.activities.models import Donation, Fund, FundSpending
from chamber.members.choices import Rank

if TYPE_CHECKING:
    from .activities import Builder

PAIRED = ["广西百色市田阳县", "河源市紫金县", "汕尾市陆河县", "贵州毕节市纳雍县"]
CAMPAIGNS = ["广东扶贫济困日", "春节慰问困难群众", "助学圆梦行动", "爱心助残 情暖你我"]


# --- donations and funds -------------------------------------------------------------


def build_donations(b: Builder) -> None:
    """The donations of the builder's years (the funds are made with the first)."""
    rng = b.rng
    root, s = b.root, b.streets
    today = b.demo.today
    fushang, _ = Fund.objects.get_or_create(
        organization=s["fuyong"],
        name="福商公益基金会",
        defaults={
            "description": "福永街道工商联（商会）发起成立的公益基金会，扶贫济困、助学助残。",
            "founded": datetime.date(2015, 9, 10),
        },
    )
    guangcai, _ = Fund.objects.get_or_create(
        organization=root,
        name="宝安区工商联光彩事业基金",
        defaults={
            "description": "用于对口帮扶、扶贫济困和光彩事业。",
            "founded": datetime.date(2010, 5, 1),
        },
    )
    by_street = {code: s[code].pk for code in s}
    charity_events = [
        e
        for e in b.events
        if e.kind == EventKind.CHARITY and timezone.localtime(e.starts_at).date() <= today
    ]
    big = [m for m in b.members if m.rank in (Rank.PRESIDENT, Rank.VICE_PRESIDENT)]
    rows: list[Donation] = []
    receipts: dict[int, int] = {}

    def receipt(org_id: int, year: int) -> str:
        receipts[org_id] = receipts.get(org_id, 0) + 1
        return f"JZ{year}-{org_id:02d}-{receipts[org_id]:05d}"

    for year in b.years:
        start = datetime.date(year, 1, 1)
        # (how many, amount range in yuan, kind share of goods)
        tiers = [
            (9, (1_000_000, 6_500_000), 0.25),
            (45, (50_000, 400_000), 0.3),
            (320, (1_000, 30_000), 0.1),
        ]
        for count, (lo, hi), goods_share in tiers:
            for _ in range(count):
                day = start + datetime.timedelta(days=rng.randrange(365))
                if day > today:
                    continue  # the rest of the year has not happened yet
                pool = big if hi > 1_000_000 and big else b.members
                m = rng.choice(pool)
                if not m.active(day):
                    # the large gifts come from the councils' leaders: find one in office
                    active = [x for x in pool if x.active(day)] if pool is big else []
                    if not active:
                        continue
                    m = rng.choice(active)
                amount = Decimal(rng.randrange(lo, hi, 100 if hi > 50_000 else 10))
                if rng.random() < 0.05:
                    amount += Decimal(rng.randint(1, 99)) / 100  # odd fen: exact sums matter
                in_kind = rng.random() < goods_share
                street_code = next((c for c, pk in by_street.items() if pk == m.org_id), "xixiang")
                recorder = root.pk if hi > 1_000_000 or rng.random() < 0.3 else m.org_id
                roll = rng.random()
                purpose, fund, event, campaign, recipient = (
                    DonationPurpose.OTHER,
                    None,
                    None,
                    "",
                    "",
                )
                if street_code in ("fuyong", "fuhai") and day >= fushang.founded and roll < 0.55:
                    purpose, fund, recorder = DonationPurpose.FUND, fushang, s["fuyong"].pk
                elif roll < 0.25:
                    purpose, fund, recorder = DonationPurpose.FUND, guangcai, root.pk
                elif roll < 0.45 and (
                    same_year := [e for e in charity_events if e.starts_at.year == year]
                ):
                    event = rng.choice(same_year)
                    purpose, recorder = DonationPurpose.EVENT, event.organization_id
                    day = max(day, timezone.localtime(event.starts_at).date())
                    if day.year != year:
                        day = timezone.localtime(event.starts_at).date()
                elif roll < 0.7:
                    purpose, campaign = DonationPurpose.CAMPAIGN, rng.choice(CAMPAIGNS)
                elif roll < 0.9:
                    purpose, recipient = DonationPurpose.PAIRED_ASSISTANCE, rng.choice(PAIRED)
                else:
                    recipient = "宝安区慈善会"
                rows.append(
                    Donation(
                        organization_id=recorder,
                        enterprise_id=m.enterprise_id,
                        kind=DonationKind.IN_KIND if in_kind else DonationKind.MONEY,
                        amount=amount,
                        goods=rng.choice(
                            ["大米、食用油", "电脑设备", "冬衣棉被", "助学图书", "医疗器械"]
                        )
                        if in_kind
                        else "",
                        purpose=purpose,
                        event=event,
                        fund=fund,
                        campaign=campaign,
                        recipient=recipient,
                        date=day,
                        receipt_no=receipt(recorder, year),
                    )
                )
    Donation.objects.bulk_create(rows, batch_size=1000)
    b.counts["donations"] = len(rows)
    # the funds pay out most of what they receive, a few times a year
    spend = []
    for fund in (fushang, guangcai):
        income = {
            y: sum((d.amount for d in rows if d.fund is fund and d.date.year == y), Decimal(0))
            for y in b.years
        }
        for year in b.years:
            budget = (income[year] * Decimal("0.7")).quantize(Decimal("0.01"))
            parts = 4
            for i in range(parts):
                amount = (budget / parts).quantize(Decimal("0.01"))
                if amount <= 0 or datetime.date(year, 3 * i + 3, 20) > today:
                    continue
                spend.append(
                    FundSpending(
                        fund=fund,
                        date=datetime.date(year, 3 * i + 3, 20),
                        amount=amount,
                        purpose=rng.choice(["扶贫济困", "助学金发放", "助残慰问", "对口帮扶项目"]),
                        recipient=rng.choice(PAIRED + ["宝安区社会福利中心", "困难学生"]),
                        voucher_no=f"ZC{year}{i + 1:02d}",
                    )
                )
    FundSpending.objects.bulk_create(spend)
