"""On the demo: Xixiang's party coverage shows on the dashboard with its drill-down, and
the district's 五好 self-assessment for 2016 shows computed indicators and a .docx."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chamber.orgs.models import Organization
from chamber.party.figures import QUERYSETS
from chamber.reports.annual import annual_report
from chamber.reports.period import Period
from chamber.scorecards.models import Assessment

pytestmark = pytest.mark.django_db


def test_demo_party_coverage_and_wuhao_self_assessment(client):
    call_command("demo", members=600, seed=7)
    xixiang = Organization.objects.get(code="baoan.xixiang")
    year = timezone.localdate().year - 1
    party = annual_report(xixiang, year)["party"]
    assert party["member_enterprises"] > 0
    assert 0 < party["organization_coverage"] <= party["work_coverage"] < 1
    for name, fn in QUERYSETS.items():  # drill-down rows = figures, on the demo too
        assert fn(xixiang, Period.year(year).end).count() == party[name]
    assert party == annual_report(xixiang, year)["party"]  # deterministic per run
    client.force_login(get_user_model().objects.get(username="xixiang"))
    body = client.get(
        reverse("reports:dashboard", args=["baoan.xixiang"]) + f"?year={year}&part=body"
    ).content.decode()
    assert 'data-figure="party.with_organization"' in body
    assert f"{party['organization_coverage'] * 100:.1f}%" in body
    # the district's 五好 for 2016, seen by district staff
    client.force_login(get_user_model().objects.get(username="district"))
    a = Assessment.objects.get(organization__code="baoan", year=2016, scheme__code="wuhao-county")
    page = client.get(reverse("scorecards:assessment", args=[a.pk])).content.decode()
    assert 'data-figure="members.growth_rate"' in page and 'data-figure="meetings.held"' in page
    assert reverse("reports:records", args=["baoan", "cases", "resolved"]) + "?year=2016" in page
    r = client.get(reverse("scorecards:docx", args=[a.pk]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    # Xixiang's secretary cannot open the district's
    client.force_login(get_user_model().objects.get(username="xixiang"))
    assert client.get(reverse("scorecards:assessment", args=[a.pk])).status_code == 404
