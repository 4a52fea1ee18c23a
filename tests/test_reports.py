"""Report correctness on designed data."""

import datetime as dt

import pytest
from django.core.management import call_command

from chamber.members import services
from chamber.reports import drilldown
from chamber.reports.annual import annual_report
from chamber.reports.period import Period

from .factories import EnterpriseFactory, MembershipFactory, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def split_world(world):
    """Xixiang splits on 2017-01-01: a new street `hangcheng` takes one of its members."""
    hangcheng = make_org(
        "d.hangcheng", "航城街道商会", parent=world.district, founded=dt.date(2017, 1, 1)
    )
    ent = EnterpriseFactory(name="航城电子有限公司")
    m = MembershipFactory(organization=world.xixiang, enterprise=ent, joined=dt.date(2014, 5, 1))
    services.transfer_membership(actor=None, membership=m, to=hangcheng, on=dt.date(2017, 1, 1))
    world.hangcheng = hangcheng
    world.m_moved = m
    return world


def test_children_follow_the_tree_of_the_year(split_world):
    w = split_world
    r2016 = annual_report(w.district, 2016)
    r2017 = annual_report(w.district, 2017)
    assert {c["org"]["code"] for c in r2016["children"]} == {"d.xixiang", "d.fuyong"}
    assert {c["org"]["code"] for c in r2017["children"]} == {"d.xixiang", "d.fuyong", "d.hangcheng"}


def test_a_move_inside_the_district_is_no_join_or_departure_of_the_district(split_world):
    w = split_world
    r = annual_report(w.district, 2017)
    assert r["members"]["total"] == 3 and r["members"]["joined"] == 0 and r["members"]["left"] == 0
    child = {c["org"]["code"]: c["members"] for c in r["children"]}
    assert child["d.xixiang"]["left"] == 1 and child["d.hangcheng"]["joined"] == 1
    assert child["d.hangcheng"]["total"] == 1 and child["d.xixiang"]["total"] == 1


def test_year_boundary_is_shanghai_midnight(world):
    ent = EnterpriseFactory(name="跨年企业")
    MembershipFactory(organization=world.xixiang, enterprise=ent, joined=dt.date(2017, 1, 1))
    assert annual_report(world.district, 2016)["members"]["joined"] == 0
    assert annual_report(world.district, 2017)["members"]["joined"] == 1
    assert Period.year(2016).end_dt.isoformat() == "2017-01-01T00:00:00+08:00"


def test_leave_and_rejoin(world):
    services.end_membership(actor=None, membership=world.m_f, left=dt.date(2016, 3, 1))
    services.admit_member(
        actor=None, organization=world.fuyong, enterprise=world.ent_f, joined=dt.date(2016, 9, 1)
    )
    m = annual_report(world.district, 2016)["members"]
    assert m["left"] == 1 and m["joined"] == 1 and m["total"] == 2 and m["previous_total"] == 2
    assert m["growth_rate"] == 0


def test_parent_never_below_its_largest_child(split_world):
    for year in (2015, 2016, 2017):
        r = annual_report(split_world.district, year)
        # Stock figures and distinct counts only: a move between two children is a join
        # for one child and no join for the parent, by design.
        assert r["members"]["total"] >= max(c["members"]["total"] for c in r["children"])


@pytest.mark.parametrize("figure", ["total", "joined", "left"])
def test_drilldown_count_equals_figure(split_world, client, figure):
    w = split_world
    client.force_login(w.staff)
    for year in (2016, 2017):
        for org in (w.district, w.xixiang, w.hangcheng):
            expected = annual_report(org, year)["members"][figure]
            rows = drilldown.get("members", figure).rows(org, Period.year(year))
            assert rows.count() == expected
            r = client.get(f"/reports/{org.code}/records/members/{figure}/?year={year}")
            assert r.status_code == 200
            assert r.content.decode().count('class="record-row"') == expected


def test_report_api_is_scoped(client, world):
    client.force_login(world.secretary)
    assert client.get("/api/v1/reports/annual/?org=d.xixiang&year=2016").status_code == 200
    assert client.get("/api/v1/reports/annual/?org=d.fuyong&year=2016").status_code == 404
    assert client.get("/api/v1/reports/annual/?org=d&year=2016").status_code == 404
    assert client.get("/reports/d.fuyong/?year=2016").status_code == 404
    assert client.get("/reports/d.fuyong/download.docx?year=2016").status_code == 404
    assert client.get("/reports/d.fuyong/records/members/total/?year=2016").status_code == 404


def test_docx_xlsx_and_json_carry_the_same_numbers(world, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    call_command(
        "report", "annual", org="d", year=2016, format="json", output=str(tmp_path / "r.json")
    )
    call_command(
        "report", "annual", org="d", year=2016, format="docx", output=str(tmp_path / "r.docx")
    )
    call_command(
        "report", "annual", org="d", year=2016, format="xlsx", output=str(tmp_path / "r.xlsx")
    )
    import json

    data = json.loads((tmp_path / "r.json").read_text())
    text = "\n".join(p.text for p in Document(tmp_path / "r.docx").paragraphs)
    assert f"共有企业会员{data['members']['total']}家" in text
    assert "工作计划" in text and "【待填写：此处由工作人员撰写" in text
    ws = load_workbook(tmp_path / "r.xlsx")["会员发展"]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("年末会员数")] == data["members"]["total"]


@pytest.mark.django_db(transaction=True)
def test_every_drilldown_count_equals_its_figure_on_the_demo(reference_data, client):
    """On the demo federation, for the district and each street, 2016 and 2017: every
    drill-down's count is its figure, every chart's totals are the figures, and each
    tile on the dashboard shows its list's count."""
    from django.contrib.auth import get_user_model

    from chamber.orgs.models import Organization

    from .test_report_charts import assert_charts_equal_figures, assert_tiles_equal_drilldowns
    from .test_work_report import prose_problems

    call_command("demo", members=600, seed=3)
    district = Organization.objects.get(code="baoan")
    checked = 0
    for year in (2016, 2017):
        period = Period.year(year)
        for org in [district, *district.children.all()]:
            report = annual_report(org, year)
            for (section, figure), drill in drilldown.DRILLS.items():
                value = report[section]
                for key in (
                    figure.replace("elected_", "elected.")
                    .replace("proposals_", "proposals.")
                    .split(".")
                ):
                    value = value[key]
                assert drill.rows(org, period).count() == value, (org.code, year, section, figure)
                checked += 1
            assert_charts_equal_figures(org, period, report)
            assert prose_problems(report) == [], (org.code, year)
    assert checked == 2 * 11 * len(drilldown.DRILLS)
    client.force_login(get_user_model().objects.get(username="district"))
    for period in (Period.year(2016), Period.quarter(2017, 2)):
        assert assert_tiles_equal_drilldowns(client, district, period) > 10


def test_event_co_organised_by_two_streets_counts_once_for_the_district(world):
    """Records shared by two chambers: once in each street's figures, once in the parent's."""
    import datetime

    from django.utils import timezone

    from chamber.activities.services import events as event_services
    from chamber.activities.services import registrations

    starts = timezone.make_aware(datetime.datetime(2016, 5, 10, 9, 0))
    event = event_services.create_event(
        actor=world.staff,
        organization=world.xixiang,
        co_organizers=[world.fuyong],
        announce=True,
        kind="training",
        title="联合培训",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=50,
    )
    for ent in (world.ent_x, world.ent_f):
        # a past event takes no new sign-ups: these are recorded after the fact
        reg = registrations.register(
            actor=world.staff, event=event, enterprise=ent, occurred_at="2016-05-09"
        )
        registrations.check_in(actor=world.staff, registration=reg, occurred_at=starts)
    r = annual_report(world.district, 2016)
    training = r["events"]["by_kind"]["training"]
    assert (training["count"], training["attendance"], training["enterprises"]) == (1, 2, 2)
    children = {c["org"]["code"]: c["events"]["by_kind"]["training"] for c in r["children"]}
    assert children["d.xixiang"]["count"] == children["d.fuyong"]["count"] == 1
    assert sum(c["count"] for c in children.values()) == 2  # the parent is not the sum
    rows = drilldown.get("events", "by_kind.training.count").rows(world.district, Period.year(2016))
    assert rows.count() == 1
    # The grouped pass gives each street what it gets asked alone.
    from chamber.reports.annual import GROUPED, SECTIONS

    p = Period.year(2016)
    total, together = GROUPED["events"](world.district, [world.xixiang, world.fuyong], p)
    events = dict(SECTIONS)["events"]
    assert total == events(world.district, p)
    assert together == {o.pk: events(o, p) for o in (world.xixiang, world.fuyong)}


def test_grouped_child_figures_equal_each_child_asked_alone(split_world):
    """The one-pass figures of all children are those each child gets on its own, moves
    between two children included (a departure of one, a join of the other)."""
    from chamber.reports.annual import GROUPED, SECTIONS, children_during

    w = split_world
    sections = dict(SECTIONS)
    for period in (Period.year(2016), Period.year(2017), Period.quarter(2017, 1)):
        children = list(children_during(w.district, period))
        for key, grouped in GROUPED.items():
            total, together = grouped(w.district, children, period)
            alone = {c.pk: sections[key](c, period) for c in children}
            assert together == alone, (key, period)
            assert total == sections[key](w.district, period), (key, period)
