"""One owner per figure: the dashboard's tiles, its drill-down lists and its charts all
read the same definitions, so they agree (issue 11)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from chamber.core.text import local_name
from chamber.reports import charts, drilldown
from chamber.reports.annual import annual_report
from chamber.reports.period import Period
from tests.casework.conftest import cw  # noqa: F401 - the casework tests' fixture
from tests.casework.test_figures import at, run_case, visit
from tests.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def assert_charts_equal_figures(org, period: Period, report: dict) -> None:
    """Every chart's totals are the report's figures."""
    by_id = {c["id"]: c for c in charts.dashboard_charts(org, period, report)}
    children = report["children"]
    growth = by_id["member-growth"]
    last = {s["name"]: s["data"][-1] for s in growth["series"]}
    if children:
        for c in children:
            assert last.get(local_name(c["org"]), 0) == c["members"]["total"], c["org"]["code"]
        rates = by_id["children-growth"]["series"][0]["data"]
        assert rates == [
            None
            if c["members"]["growth_rate"] is None
            else round(c["members"]["growth_rate"] * 100, 1)
            for c in children
        ]
        donations = by_id["donations-child"]["series"][0]["data"]
        assert [Decimal(str(v)) for v in donations] == [
            Decimal(c["charity"]["amount"]) for c in children
        ]
    else:
        assert sum(last.values()) == report["members"]["total"]
    months = {s["name"]: sum(s["data"]) for s in by_id["visits-cases-month"]["series"]}
    visits, raised, resolved = months.values()
    assert visits == report["visits"]["count"]
    assert raised == report["cases"]["raised"]
    assert resolved == report["cases"]["resolved"]
    pie = by_id["case-categories"]["series"][0]["data"]
    assert sum(p["value"] for p in pie) == report["cases"]["raised"]
    events, attendance = by_id["attendance-kind"]["series"]
    assert sum(events["data"]) == report["events"]["total"]["count"]
    assert sum(attendance["data"]) == report["events"]["total"]["attendance"]
    # counts and person-times on their own axes
    assert (events["axis"], attendance["axis"]) == (0, 1)


def figure_value(report: dict, section: str, figure: str):
    value = report[section]
    for key in (
        figure.replace("elected_", "elected.").replace("proposals_", "proposals.").split(".")
    ):
        value = value[key]
    return value


def assert_tiles_equal_drilldowns(client, org, period: Period) -> int:
    """Each figure card on the dashboard shows the count of the list it links to."""
    query = "&".join(f"{k}={v}" for k, v in period.query().items())
    html = client.get(f"/reports/{org.code}/?{query}&part=body").content.decode()
    cards = re.findall(
        r'data-figure="([\w.]+)">\s*<div class="muted-small">[^<]*</div><div class="figure">([^<]*)</div>',
        html,
    )
    assert cards
    checked = 0
    for name, shown in cards:
        section, figure = name.split(".", 1)
        drill = drilldown.get(section, figure)
        if drill is None or section == "charity":
            continue  # the donations tile shows money; its list is checked by count below
        assert int(shown.replace(",", "")) == drill.rows(org, period).count(), name
        checked += 1
    return checked


def test_charts_and_tiles_agree_on_designed_data(world, cw, client):  # noqa: F811
    """A visit to two enterprises (2 家次, 1 次), a merged duplicate case (not raised), a
    case received in 2016 and resolved in 2017, an enterprise with a second membership."""
    from chamber.casework import services

    D = dt.date
    second = EnterpriseFactory()
    MembershipFactory(organization=world.xixiang, enterprise=second, joined=D(2015, 1, 1))
    visit(world, world.xixiang, D(2016, 3, 1), [world.ent_x, second])
    visit(world, world.fuyong, D(2016, 7, 1), [world.ent_f], actor=world.other_secretary)
    run_case(world, cw, received=D(2016, 2, 1), resolved=D(2016, 2, 10))
    run_case(world, cw, received=D(2016, 12, 1), resolved=D(2017, 1, 10))
    with at(D(2016, 7, 1)):
        dup = cw.raise_case()
        target = cw.raise_case(title="主记录")
        services.merge_case(actor=world.secretary, case=dup, into=target)
    MembershipFactory(organization=world.xixiang, enterprise=world.ent_x, joined=D(2016, 5, 1))
    from chamber.activities.models import Council, Meeting, Term

    council = Council.objects.create(
        organization=world.xixiang, kind="executive", name="执行委员会"
    )
    term = Term.objects.create(council=council, number=1, starts=D(2015, 1, 1))
    Meeting.objects.create(term=term, number=1, date=D(2016, 9, 1))
    client.force_login(world.staff)
    for period in (Period.year(2016), Period.quarter(2016, 1), Period.year(2017)):
        for org in (world.district, world.xixiang):
            report = annual_report(org, period)
            assert_charts_equal_figures(org, period, report)
            assert assert_tiles_equal_drilldowns(client, org, period) > 5
    report = annual_report(world.district, 2016)
    for figure, expected in (
        ("visits/count", 3),
        ("visits/visits", 2),
        ("visits/enterprises", 3),
        ("visits/by_kind.routine.count", 3),
        ("meetings/held", 1),
    ):
        page = client.get(f"/reports/d/records/{figure}/?year=2016")
        assert page.status_code == 200, figure
        assert page.content.decode().count('class="record-row"') == expected, figure
    assert (report["visits"]["count"], report["visits"]["visits"]) == (3, 2)
    assert report["visits"]["enterprises"] == 3
    assert report["cases"]["raised"] == 3  # the duplicate merged into its target is not
    xixiang = {c["org"]["code"]: c for c in report["children"]}["d.xixiang"]
    assert xixiang["members"]["total"] == 2  # ent_x has two memberships: one member


def test_api_and_its_schema_carry_the_three_visit_figures(world, client):
    visit(world, world.xixiang, dt.date(2016, 3, 1), [world.ent_x])
    client.force_login(world.staff)
    visits = client.get("/api/v1/reports/annual/?org=d&year=2016").json()["visits"]
    assert (visits["count"], visits["visits"], visits["enterprises"]) == (1, 1, 1)
    assert set(visits["by_kind"]["routine"]) == {"count", "visits", "enterprises"}
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert set(schema["VisitCounts"]["properties"]) == {"count", "visits", "enterprises"}
    assert "家次" in schema["VisitCounts"]["properties"]["count"]["description"]
    rate = schema["ReportCases"]["properties"]["resolution_rate"]["description"]
    assert "accepted_resolved / accepted" in rate


def test_dashboard_body_queries_do_not_grow_with_the_chambers(world, client):
    """Every section of the children comes from grouped passes: a third street adds no
    query to the dashboard's body."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_org

    client.force_login(world.staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/reports/d/?year=2016&part=body").status_code == 200
        return len(ctx.captured_queries)

    # Measure recomputations alike: the stored figures' row exists, and a write has made
    # it stale (a first computation inserts the row, later ones update it).
    queries()
    MembershipFactory(
        organization=world.xixiang, enterprise=EnterpriseFactory(), joined=dt.date(2015, 3, 1)
    )
    before = queries()
    street = make_org("d.third", "第三街道商会", parent=world.district)
    MembershipFactory(
        organization=street, enterprise=EnterpriseFactory(), joined=dt.date(2015, 1, 1)
    )
    assert queries() == before
    assert before <= 60
