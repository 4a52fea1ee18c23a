"""figures.py: per subtree and period, each record counted once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from chamber.activities import figures, services
from chamber.activities.choices import DonationKind, DonationPurpose, EventKind, HonorLevel
from chamber.activities.models import CheckIn, Event, Registration

from .conftest import make_event, make_member

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
Y2016 = figures.year_span(2016)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def attended(event, enterprise, size=1, person=None):
    """A past sign-up with its check-in, written directly (check-in services refuse
    nothing about the past, but the figures only read rows)."""
    reg = Registration.objects.create(
        event=event, enterprise=enterprise, person=person, party_size=size
    )
    CheckIn.objects.create(registration=reg, headcount=size, method="list", at=event.starts_at)
    return reg


def past_event(org, kind=EventKind.TRAINING, when=None, **kw):
    return make_event(org, kind=kind, starts=when or at(2016, 5, 10, 14), **kw)


def test_an_event_co_organised_by_two_chambers_counts_once_for_their_parent(world):
    shared = past_event(world.xixiang, EventKind.TRADE_EXCHANGE, co_organizers=[world.fuyong])
    attended(shared, world.ent_x, size=2)
    attended(shared, world.ent_f, size=3)
    district = figures.event_figures(world.district, *Y2016)
    assert district["trade_exchange"] == {"count": 1, "attendance": 5, "enterprises": 2}
    # and it counts for each co-organiser's subtree
    for org in (world.xixiang, world.fuyong):
        assert figures.event_figures(org, *Y2016)["trade_exchange"]["count"] == 1
    # a district event co-organised by one of its own streets: still once
    own = past_event(world.district, co_organizers=[world.xixiang, world.fuyong])
    attended(own, world.ent_x)
    district = figures.event_figures(world.district, *Y2016)
    assert district["training"]["count"] == 1 and district["total"]["count"] == 2


def test_attendance_is_person_times_and_enterprises_are_distinct(world, members):
    e1 = past_event(world.xixiang, when=at(2016, 3, 1, 9))
    e2 = past_event(world.xixiang, when=at(2016, 4, 1, 9))
    (ent, person), (ent2, _p2), _ = members
    attended(e1, ent, person=person)
    attended(e2, ent, person=person)  # the same person again: two person-times
    attended(e2, ent2, size=4)
    Registration.objects.create(event=e2, enterprise=world.ent_x)  # signed up, never came
    f = figures.event_figures(world.xixiang, *Y2016)
    assert f["training"] == {"count": 2, "attendance": 6, "enterprises": 2}
    assert f["total"] == {"count": 2, "attendance": 6, "enterprises": 2}
    assert f["charity"] == {"count": 0, "attendance": 0, "enterprises": 0}
    assert set(f) == set(EventKind.values) | {"total"}


def test_drafts_cancelled_and_other_years_do_not_count(world):
    past_event(world.xixiang, announce=False)  # a draft
    cancelled = past_event(world.xixiang, title="取消的")
    services.cancel_event(actor=None, event=cancelled, reason="台风")
    past_event(world.xixiang, when=at(2015, 12, 31, 23, 30), title="去年的")
    # the year is Shanghai's: 2016-12-31 23:30 there is in 2016, 2017-01-01 00:10 is not
    past_event(world.xixiang, when=at(2016, 12, 31, 23, 30), title="除夕")
    past_event(world.xixiang, when=at(2017, 1, 1, 0, 10), title="元旦")
    f = figures.event_figures(world.xixiang, *Y2016)
    assert f["training"]["count"] == 1
    assert list(figures.events_in(world.xixiang, *Y2016).values_list("title", flat=True)) == [
        "除夕"
    ]


def test_another_subtree_sees_nothing(world):
    attended(past_event(world.fuyong), world.ent_f)
    assert figures.event_figures(world.xixiang, *Y2016)["total"]["count"] == 0


def _gift(world, org, amount, day, kind=DonationKind.MONEY, **kw):
    kw.setdefault("enterprise", world.ent_x if org != world.fuyong else world.ent_f)
    return services.record_donation(
        actor=None,
        organization=org,
        kind=kind,
        amount=amount,
        date=day,
        purpose=DonationPurpose.OTHER,
        goods="物资" if kind == DonationKind.IN_KIND else "",
        **kw,
    )


def test_donation_figures_money_goods_cumulative_donors(world):
    _gift(world, world.xixiang, "1000.01", datetime.date(2015, 6, 1))
    _gift(world, world.xixiang, "2000.02", datetime.date(2016, 1, 1))
    _gift(world, world.xixiang, "3000.03", datetime.date(2016, 12, 31), DonationKind.IN_KIND)
    _gift(
        world,
        world.xixiang,
        "400.00",
        datetime.date(2016, 7, 1),
        person=world.rep_x,
        enterprise=None,
    )
    _gift(world, world.fuyong, "5000.05", datetime.date(2016, 3, 3))
    _gift(world, world.district, "7.07", datetime.date(2017, 1, 1))
    voided = _gift(world, world.xixiang, "999.99", datetime.date(2016, 2, 2))
    services.void_donation(actor=None, donation=voided, reason="重复")
    x = figures.donation_figures(world.xixiang, *Y2016)
    assert x == {
        "money": Decimal("2400.02"),
        "goods": Decimal("3000.03"),
        "total": Decimal("5400.05"),
        "cumulative": Decimal("6400.06"),
        "count": 3,
        "donors": 2,  # the enterprise and the person
    }
    d = figures.donation_figures(world.district, *Y2016)
    assert d["total"] == Decimal("10400.10") and d["cumulative"] == Decimal("11400.11")
    assert figures.cumulative_donations(world.district, datetime.date(2017, 12, 31)) == Decimal(
        "11407.18"
    )


def test_honor_figures_by_year_and_subtree(world):
    services.award_honor(
        actor=None,
        organization=world.district,
        title="全国“五好”县级工商联",
        level=HonorLevel.NATIONAL,
        awarding_body="全国工商联",
        year=2016,
    )
    services.award_honor(
        actor=None,
        organization=world.xixiang,
        title="“双强”基层组织示范点",
        level=HonorLevel.MUNICIPAL,
        awarding_body="深圳市工商联",
        year=2016,
    )
    services.award_honor(
        actor=None,
        organization=world.xixiang,
        enterprise=world.ent_x,
        title="广东省优秀民营企业",
        level=HonorLevel.PROVINCIAL,
        awarding_body="广东省工商联",
        year=2015,
    )
    district = figures.honor_figures(world.district, *Y2016)
    assert [(h["title"], h["recipient_kind"]) for h in district] == [
        ("全国“五好”县级工商联", "organization"),
        ("“双强”基层组织示范点", "organization"),
    ]
    xixiang = figures.honor_figures(world.xixiang, datetime.date(2015, 1, 1), Y2016[1])
    assert [h["recipient"] for h in xixiang] == [world.ent_x.name, "西乡街道商会"]


def test_annual_figures_have_the_report_shape(world):
    attended(past_event(world.xixiang, EventKind.EXHIBITION), world.ent_x, size=2)
    _gift(world, world.xixiang, "88.80", datetime.date(2016, 8, 8))
    f = figures.annual_figures(world.district, 2016)
    assert f["events"]["by_kind"]["exhibition"] == {"count": 1, "attendance": 2, "enterprises": 1}
    assert f["charity"]["amount"] == Decimal("88.80")
    assert f["charity"]["amount_cumulative"] == Decimal("88.80")
    assert f["honors"] == []


def test_figures_use_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for i in range(5):
        ent, _p = make_member(world.xixiang, f"计数企业{i}有限公司")
        attended(past_event(world.xixiang, co_organizers=[world.fuyong], title=f"培训{i}"), ent)
    with django_assert_max_num_queries(8):
        figures.annual_figures(world.district, 2016)


def test_events_in_is_one_row_per_event(world):
    past_event(world.xixiang, co_organizers=[world.fuyong, world.district])
    assert figures.events_in(world.district, *Y2016).count() == 1 == Event.objects.count()
