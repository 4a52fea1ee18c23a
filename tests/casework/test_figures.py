"""Figures per organisation subtree and period: each record counted once."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from chamber.casework import figures, services
from chamber.casework.choices import Satisfaction, VisitKind
from chamber.casework.models import ContactQuota
from chamber.members.choices import Rank

from ..factories import EnterpriseFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
Y2016 = figures.year_range(2016)


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI), tick=False
    )


def visit(w, org, day, ents, actor=None, **kw):
    return services.log_visit(
        actor=actor or w.secretary, organization=org, date=day, enterprises=ents, **kw
    )


def run_case(
    w,
    cw,
    *,
    received,
    resolved=None,
    followed=None,
    level=None,
    score=None,
    hand_over=None,
    actor=None,
    org=None,
    enterprise=None,
    category=None,
):
    """A case taken through the real services at the given dates."""
    actor = actor or w.secretary
    with at(received):
        case = cw.raise_case(
            actor=actor, org=org, enterprise=enterprise, category=category or cw.financing
        )
        services.assign_case(actor=actor, case=case, assignee=actor)
        if hand_over is None:
            services.start_case(actor=actor, case=case)
    if hand_over is not None:
        with at(hand_over):
            services.hand_over_case(actor=actor, case=case, department=cw.dept)
    if resolved:
        with at(resolved):
            services.resolve_case(actor=actor, case=case, resolution="已解决")
    if followed:
        with at(followed):
            services.follow_up_case(
                actor=actor,
                case=case,
                satisfaction=level,
                score=score,
                comment="不满意" if level == Satisfaction.UNSATISFIED else "",
            )
    return case


def test_visits_count_and_distinct_enterprises_once(world, cw):
    second = EnterpriseFactory()
    MembershipFactory(organization=world.xixiang, enterprise=second)
    visit(world, world.xixiang, datetime.date(2016, 3, 1), [world.ent_x, second])
    visit(world, world.xixiang, datetime.date(2016, 4, 1), [world.ent_x])
    visit(
        world, world.fuyong, datetime.date(2016, 4, 2), [world.ent_f], actor=world.other_secretary
    )
    # the district's own visit to a Xixiang member: counted in the district, not the street
    visit(world, world.district, datetime.date(2016, 5, 2), [world.ent_x], actor=world.staff)
    visit(world, world.xixiang, datetime.date(2015, 12, 31), [second])  # other year
    d = figures.figures(world.district, *Y2016)
    # 家次 = (visit, enterprise) pairs: the first visit saw two enterprises.
    assert d["visits"]["count"] == 5
    assert d["visits"]["visits"] == 4  # 次: visit records
    assert d["visits"]["enterprises"] == 3  # 家: ent_x visited three times, counted once
    by_code = {c["code"]: c for c in d["children"]}
    assert by_code["d.xixiang"]["visits"] == {"count": 3, "visits": 2, "enterprises": 2}
    assert by_code["d.fuyong"]["visits"] == {"count": 1, "visits": 1, "enterprises": 1}
    assert d["own"]["visits"] == {"count": 1, "visits": 1, "enterprises": 1}
    street = figures.visit_figures(world.xixiang, *Y2016)
    total, together = figures.visit_figures_with_children(
        world.district, [world.xixiang, world.fuyong], *Y2016
    )
    assert total == d["visits"]
    assert together[world.xixiang.pk] == street
    assert together[world.fuyong.pk] == figures.visit_figures(world.fuyong, *Y2016)
    assert (street["count"], street["visits"], street["enterprises"]) == (3, 2, 2)
    routine = street["by_kind"][VisitKind.ROUTINE]
    assert (routine["count"], routine["visits"], routine["enterprises"]) == (3, 2, 2)
    # The drill-down querysets are the figures' definitions: their counts are the figures.
    assert figures.visit_pairs(world.xixiang, *Y2016).count() == 3
    assert figures.visit_records(world.xixiang, *Y2016).count() == 2
    assert figures.visited_enterprises(world.xixiang, *Y2016).count() == 2


def test_case_figures(world, cw):
    D = datetime.date
    # resolved on time and satisfied
    run_case(
        world,
        cw,
        received=D(2016, 3, 1),
        resolved=D(2016, 3, 4),
        followed=D(2016, 3, 8),
        level=Satisfaction.SATISFIED,
        score=5,
    )
    # handed over, resolved late, basically satisfied
    late = run_case(
        world,
        cw,
        received=D(2016, 9, 20),
        hand_over=D(2016, 9, 30),
        resolved=D(2016, 11, 30),
        followed=D(2016, 12, 5),
        level=Satisfaction.BASIC,
        score=3,
    )
    assert late.due_on == D(2016, 10, 26)  # 15 working days after 30 Sep across National Day
    # unsatisfied
    run_case(
        world,
        cw,
        received=D(2016, 6, 1),
        resolved=D(2016, 6, 21),
        followed=D(2016, 6, 24),
        level=Satisfaction.UNSATISFIED,
        score=2,
    )
    # still open, overdue by the end of the year
    run_case(world, cw, received=D(2016, 12, 1))
    # a duplicate, merged: not counted as raised
    with at(D(2016, 7, 1)):
        dup = cw.raise_case()
        target = cw.raise_case(title="主记录")
        services.merge_case(actor=world.secretary, case=dup, into=target)
    # fuyong's case resolved in 2016
    run_case(
        world,
        cw,
        received=D(2016, 2, 1),
        resolved=D(2016, 2, 10),
        actor=world.other_secretary,
        org=world.fuyong,
        enterprise=world.ent_f,
    )
    today = D(2017, 1, 10)
    c = figures.case_figures(world.district, *Y2016, today=today)
    assert c["raised"] == 6  # 4 xixiang + target + fuyong; the merged duplicate is not
    assert c["resolved"] == 4
    assert c["resolution_rate"] == 0.667  # rounded once, to 0.1 %
    assert c["on_time_rate"] == 0.75  # the handed-over case was late
    assert c["followed_up"] == 3
    assert c["satisfaction_rate"] == 0.667
    assert c["satisfaction"] == round((5 + 3 + 2) / 3, 2)
    assert c["median_days_to_resolve"] == 14.5  # 3, 9, 20 and 71 days
    assert c["overdue_now"] == 2  # the December case and the open merge target
    by_cat = {r["code"]: r for r in c["by_category"]}
    assert by_cat["financing"]["raised"] == 6 and by_cat["policy"]["raised"] == 0
    dept = c["by_department"][0]
    assert dept["name"] == cw.dept.name and dept["handed_over"] == 1 and dept["resolved"] == 1
    assert dept["on_time_rate"] == 0.0
    x = figures.case_figures(world.xixiang, *Y2016, today=today)
    f = figures.case_figures(world.fuyong, *Y2016, today=today)
    assert x["raised"] + f["raised"] == c["raised"]
    assert x["resolved"] == 3 and f["resolved"] == 1
    # All children in one grouped pass: what each child gets asked alone.
    children = [world.xixiang, world.fuyong]
    total, together = figures.case_figures_with_children(
        world.district, children, *Y2016, today=today
    )
    assert together == {world.xixiang.pk: x, world.fuyong.pk: f} and total == c
    assert together[world.xixiang.pk]["by_department"][0]["handed_over"] == 1


def test_reopened_rate(world, cw):
    D = datetime.date
    case = run_case(
        world,
        cw,
        received=D(2016, 6, 1),
        resolved=D(2016, 6, 21),
        followed=D(2016, 6, 24),
        level=Satisfaction.UNSATISFIED,
        score=1,
    )
    run_case(world, cw, received=D(2016, 6, 2), resolved=D(2016, 6, 22))
    with at(D(2016, 6, 27)):
        services.reopen_case(actor=world.secretary, case=case, reason="重新协调")
    c = figures.case_figures(world.xixiang, *Y2016, today=D(2016, 6, 28))
    assert c["resolved"] == 1  # the reopened one is not resolved any more
    assert c["reopened_rate"] == 0.5
    with at(D(2016, 7, 5)):
        services.resolve_case(actor=world.secretary, case=case, resolution="再次协调后解决")
    c = figures.case_figures(world.xixiang, *Y2016, today=D(2016, 7, 6))
    assert c["resolved"] == 2 and c["reopened_rate"] == 0.5


def test_empty_period_gives_none_rates(world, cw):
    c = figures.case_figures(world.district, *figures.year_range(2010))
    assert c["raised"] == 0 and c["resolution_rate"] is None and c["satisfaction"] is None
    assert c["median_days_to_resolve"] is None


def test_leader_progress_against_quota(world, cw):
    president = PersonFactory(name="会长甲", enterprise=world.ent_x)
    world.m_x.rank, world.m_x.representative = Rank.PRESIDENT, president
    world.m_x.save()
    ContactQuota.objects.create(
        organization=world.district, rank=Rank.PRESIDENT, contacts_per_year=2
    )
    others = [EnterpriseFactory() for _ in range(3)]
    for e in others:
        MembershipFactory(organization=world.xixiang, enterprise=e)
    D = datetime.date
    visit(
        world,
        world.xixiang,
        D(2016, 3, 1),
        [others[0], world.ent_x],
        kind=VisitKind.LEADER,
        leaders=[president],
    )
    visit(
        world, world.xixiang, D(2016, 4, 1), [others[0]], kind=VisitKind.LEADER, leaders=[president]
    )
    rows = figures.leader_progress(world.district, 2016)
    assert len(rows) == 1
    row = rows[0]
    assert (row["name"], row["quota"], row["contacts"], row["visits"], row["met"]) == (
        "会长甲",
        2,
        1,
        2,
        False,
    )
    visit(
        world, world.xixiang, D(2016, 5, 1), [others[1]], kind=VisitKind.LEADER, leaders=[president]
    )
    assert figures.leader_progress(world.district, 2016)[0]["met"] is True
    # a street's own quota wins over the district's
    ContactQuota.objects.create(
        organization=world.xixiang, rank=Rank.PRESIDENT, contacts_per_year=4
    )
    assert figures.leader_progress(world.district, 2016)[0]["quota"] == 4
    assert figures.leader_progress(world.district, 2017)[0]["contacts"] == 0
