"""The report's period: a year, a quarter or custom dates, the same everywhere (API,
dashboard, drill-down lists, downloads, command)."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from chamber.reports.annual import annual_report
from chamber.reports.forms import PeriodForm
from chamber.reports.period import Period

from .factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def joiners(world):
    """Xixiang gains a member on the last day of Q1 2016 and one on the first of Q2."""
    for name, day in (
        ("一季度末企业", dt.date(2016, 3, 31)),
        ("二季度初企业", dt.date(2016, 4, 1)),
    ):
        MembershipFactory(
            organization=world.xixiang, enterprise=EnterpriseFactory(name=name), joined=day
        )
    return world


def test_period_kinds_and_labels():
    assert Period.quarter(2016, 1) == Period(dt.date(2016, 1, 1), dt.date(2016, 3, 31))
    assert Period.quarter(2016, 4).end == dt.date(2016, 12, 31)
    assert Period.year(2016).kind == "year" and Period.quarter(2016, 2).kind == "quarter"
    custom = Period(dt.date(2016, 3, 1), dt.date(2016, 6, 30))
    assert custom.kind == "custom" and custom.query() == {
        "start": "2016-03-01",
        "end": "2016-06-30",
    }
    assert Period.quarter(2016, 3).label_zh() == "2016年第三季度"
    assert custom.label_zh() == "2016年3月1日至2016年6月30日"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2016-03-01"}, "end"),
        ({"end": "2016-03-01"}, "start"),
        ({"start": "2016-06-01", "end": "2016-03-01"}, "end"),
        ({"start": "2010-01-01", "end": "2016-03-01"}, "end"),
        ({"year": "2016", "quarter": "5"}, "quarter"),
        ({"start": "2016-02-30", "end": "2016-03-01"}, "start"),
        ({}, "year"),
    ],
)
def test_bad_periods_are_refused_at_the_field(params, field):
    form = PeriodForm(params, year_required=True)
    assert not form.is_valid()
    assert field in form.errors


def test_quarter_counts_only_its_own_days(joiners):
    q1 = annual_report(joiners.district, Period.quarter(2016, 1))["members"]
    q2 = annual_report(joiners.district, Period.quarter(2016, 2))["members"]
    year = annual_report(joiners.district, 2016)["members"]
    assert q1["joined"] + q2["joined"] <= year["joined"]
    assert q1["total"] + 1 == q2["total"] and q2["previous_total"] == q1["total"]


def test_api_takes_quarters_and_custom_dates(client, joiners):
    client.force_login(joiners.staff)
    r = client.get("/api/v1/reports/annual/?org=d&year=2016&quarter=2")
    assert r.status_code == 200
    body = r.json()
    assert body["period"] == {"kind": "quarter", "start": "2016-04-01", "end": "2016-06-30"}
    assert body["members"] == annual_report(joiners.district, Period.quarter(2016, 2))["members"]
    custom = client.get("/api/v1/reports/annual/?org=d&start=2016-03-31&end=2016-04-01").json()
    assert custom["period"]["kind"] == "custom"
    assert custom["children"][0]["org"]["code"] in {"d.xixiang", "d.fuyong"}
    bad = client.get("/api/v1/reports/annual/?org=d&start=2016-05-01&end=2016-04-01")
    assert bad.status_code == 400 and "end" in bad.json()
    assert client.get("/api/v1/reports/annual/?org=d").status_code == 400


def test_dashboard_records_and_downloads_keep_the_period(client, joiners):
    client.force_login(joiners.staff)
    shell = client.get("/reports/d/?year=2016&quarter=1").content.decode()
    assert "2016 Q1" in shell and "?year=2016&amp;quarter=1&amp;part=body" in shell
    assert 'id="figures"' not in shell  # the figures follow, under a progress indicator
    page = client.get("/reports/d/?year=2016&quarter=1&part=body").content.decode()
    assert page.startswith('<div id="dashboard-body">')
    inline = client.get("/reports/d/?year=2016&quarter=1&part=inline").content.decode()
    assert "2016 Q1" in inline and 'id="figures"' in inline
    assert "records/members/joined/?year=2016&amp;quarter=1" in page
    assert "download.docx?year=2016&amp;quarter=1" in shell
    q1_joined = annual_report(joiners.district, Period.quarter(2016, 1))["members"]["joined"]
    rows = client.get("/reports/d/records/members/joined/?year=2016&quarter=1").content.decode()
    assert rows.count('class="record-row"') == q1_joined
    custom = client.get("/reports/d/download.json?start=2016-03-31&end=2016-04-01")
    assert custom.status_code == 200
    assert "2016-03-31" in custom["Content-Disposition"]
    assert json.loads(custom.content)["period"]["kind"] == "custom"
    # A mistyped period shows the current year's report with the error, never a 500.
    bad = client.get("/reports/d/?start=2016-05-01&end=2016-04-01")
    assert bad.status_code == 200 and 'id="period-errors"' in bad.content.decode()


def test_quarterly_work_report_speaks_of_the_quarter(joiners, tmp_path):
    from docx import Document

    out = tmp_path / "q.docx"
    call_command("report", "annual", org="d", year=2016, quarter=2, format="docx", output=str(out))
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "2016年第二季度工作报告" in text and "截至2016年6月30日" in text
    assert "本季度新发展会员" in text and "下一阶段工作计划" in text
    with pytest.raises(CommandError, match="--end"):
        call_command("report", "annual", org="d", start="2016-05-01", format="json", output="-")
