"""Party building (非公党建): services, coverage figures in the report, drill-down,
pages and API, and the scope rule from the outside."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chamber.core.models import AuditEntry
from chamber.party import services
from chamber.party.figures import QUERYSETS, party_figures
from chamber.party.models import PartyOrganization, PartyOrgKind, PartyProfile
from chamber.reports.annual import annual_report
from tests.factories import EnterpriseFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def party(world):
    """Xixiang: 4 member enterprises: ent_x with its own branch (2016), two in a joint
    branch (2017), one with only an instructor (2016); a fourth... and fuyong's one has
    nothing."""
    w = world
    e2, e3, e4 = (EnterpriseFactory() for _ in range(3))
    for e in (e2, e3, e4):
        MembershipFactory(organization=w.xixiang, enterprise=e)
    own = services.save_party_organization(
        actor=w.secretary,
        organization=w.xixiang,
        enterprises=[w.ent_x],
        name="华为党委",
        kind=PartyOrgKind.COMMITTEE,
        founded=datetime.date(2016, 3, 1),
        secretary=w.rep_x,
        members_count=30,
    )
    joint = services.save_party_organization(
        actor=w.secretary,
        organization=w.xixiang,
        enterprises=[e2, e3],
        name="西乡联合党支部",
        kind=PartyOrgKind.JOINT_BRANCH,
        founded=datetime.date(2017, 5, 1),
        members_count=5,
    )
    services.set_party_profile(
        actor=w.secretary,
        organization=w.xixiang,
        enterprise=e4,
        party_members=1,
        instructor=PersonFactory(name="指导员甲"),
        instructor_since=datetime.date(2016, 9, 1),
    )
    w.e2, w.e3, w.e4, w.own, w.joint = e2, e3, e4, own, joint
    return w


def test_coverage_figures_per_year(party):
    w = party
    y2016 = annual_report(w.xixiang, 2016)["party"]
    assert y2016 == {
        "member_enterprises": 4,
        "with_organization": 1,
        "with_work": 2,
        "organization_coverage": 0.25,
        "work_coverage": 0.5,
        "organizations": 1,
        "party_members": 30,
    }
    y2017 = annual_report(w.xixiang, 2017)["party"]
    assert (y2017["with_organization"], y2017["with_work"]) == (3, 4)
    assert y2017["organization_coverage"] == 0.75 and y2017["work_coverage"] == 1.0
    # the district counts both streets' member enterprises; fuyong's has nothing
    district = annual_report(w.district, 2017)
    assert district["party"]["member_enterprises"] == 5
    assert district["party"]["organization_coverage"] == 0.6
    fuyong = next(c for c in district["children"] if c["org"]["code"] == "d.fuyong")
    assert fuyong["party"]["organization_coverage"] == 0.0
    # the grouped figures of each child are those it gets asked alone
    for child in district["children"]:
        org = w.xixiang if child["org"]["code"] == "d.xixiang" else w.fuyong
        alone = party_figures(org, datetime.date(2017, 1, 1), datetime.date(2017, 12, 31))
        assert child["party"] == alone


def test_dissolved_organization_no_longer_covers(party):
    w = party
    services.save_party_organization(
        actor=w.secretary,
        organization=w.xixiang,
        instance=w.own,
        enterprises=[w.ent_x],
        dissolved=datetime.date(2017, 1, 10),
    )
    assert annual_report(w.xixiang, 2017)["party"]["with_organization"] == 2


def test_drill_down_rows_equal_figures(party):
    w = party
    from chamber.reports.period import Period

    figures = party_figures(w.xixiang, datetime.date(2016, 1, 1), datetime.date(2016, 12, 31))
    for name, fn in QUERYSETS.items():
        assert fn(w.xixiang, Period.year(2016).end).count() == figures[name]
    w.client_login = None


def test_drill_down_page_lists_the_covered_enterprises(client, party):
    w = party
    client.force_login(w.secretary)
    url = reverse("reports:records", args=[w.xixiang.code, "party", "with_organization"])
    body = client.get(url + "?year=2016").content.decode()
    assert w.ent_x.name in body and w.e2.name not in body


def test_service_validates_and_changes_nothing(party):
    w = party
    with pytest.raises(ValidationError) as e:
        services.save_party_organization(
            actor=w.secretary,
            organization=w.xixiang,
            enterprises=[w.e2],
            name="x",
            kind=PartyOrgKind.JOINT_BRANCH,
            founded=datetime.date(2018, 1, 1),
        )
    assert "enterprises" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.save_party_organization(
            actor=w.secretary,
            organization=w.xixiang,
            enterprises=[w.ent_f],
            name="x",
            kind=PartyOrgKind.BRANCH,
            founded=datetime.date(2018, 1, 1),
        )
    assert "enterprises" in e.value.message_dict  # not a member of xixiang
    with pytest.raises(ValidationError) as e:
        services.save_party_organization(
            actor=w.secretary,
            organization=w.xixiang,
            enterprises=[w.e4],
            name="x",
            kind=PartyOrgKind.BRANCH,
            founded=datetime.date(2018, 1, 1),
            dissolved=datetime.date(2017, 1, 1),
        )
    assert "dissolved" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        services.save_party_organization(
            actor=w.other_secretary,
            organization=w.xixiang,
            enterprises=[w.e4],
            name="x",
            kind=PartyOrgKind.BRANCH,
            founded=datetime.date(2018, 1, 1),
        )
    assert PartyOrganization.objects.count() == 2


def test_writes_are_audited(party):
    w = party
    services.save_party_organization(
        actor=w.secretary,
        organization=w.xixiang,
        instance=w.own,
        enterprises=[w.ent_x],
        members_count=31,
    )
    entry = AuditEntry.objects.filter(object_id=w.own.pk, action="update").get()
    assert entry.changes["members_count"] == [30, 31]
    assert AuditEntry.objects.filter(subject_id=w.e4.pk, action="create").exists()
    assert PartyProfile.objects.get(enterprise=w.e4).party_members == 1


def test_pages_scope_and_edit(client, party):
    w = party
    client.force_login(w.other_secretary)
    assert client.get(reverse("party:organization_edit", args=[w.own.pk])).status_code == 404
    assert w.own.name not in client.get(reverse("party:organizations")).content.decode()
    client.force_login(w.secretary)
    page = client.get(reverse("party:organizations")).content.decode()
    assert w.own.name in page and w.joint.name in page
    r = client.post(
        reverse("party:organization_edit", args=[w.own.pk]),
        {
            "organization": w.xixiang.pk,
            "name": "华为党委（改）",
            "kind": "committee",
            "enterprises": [w.ent_x.pk],
            "founded": "2016-03-01",
            "members_count": 32,
        },
    )
    assert r.status_code == 302
    w.own.refresh_from_db()
    assert (w.own.name, w.own.members_count) == ("华为党委（改）", 32)
    r = client.post(
        reverse("party:organization_create"),
        {
            "organization": w.xixiang.pk,
            "name": "坏",
            "kind": "joint_branch",
            "enterprises": [w.e4.pk],
            "founded": "2018-01-01",
            "members_count": 3,
        },
    )
    assert r.status_code == 200 and "联合党支部须覆盖两家及以上企业" in r.content.decode()


def test_api_scope_and_create(client, party):
    w = party
    url = reverse("party-organization-list")
    client.force_login(w.other_secretary)
    assert client.get(url).json()["count"] == 0
    assert client.get(f"{url}{w.own.pk}/").status_code == 404
    client.force_login(w.secretary)
    assert client.get(url).json()["count"] == 2
    r = client.post(
        url,
        {
            "organization": "d.xixiang",
            "name": "新支部",
            "kind": "branch",
            "enterprises": [w.e4.pk],
            "founded": "2019-07-01",
            "members_count": 4,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["organization"] == "d.xixiang" and r.json()["enterprises"] == [w.e4.pk]
    r = client.post(
        url,
        {
            "organization": "d.xixiang",
            "name": "坏",
            "kind": "joint_branch",
            "enterprises": [w.e4.pk],
            "founded": "2019-07-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and "enterprises" in r.json()
    # fuyong's enterprise is not even addressable by xixiang's secretary
    r = client.post(
        url,
        {
            "organization": "d.xixiang",
            "name": "坏",
            "kind": "branch",
            "enterprises": [w.ent_f.pk],
            "founded": "2019-07-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 400
    assert PartyOrganization.objects.count() == 3


def test_dashboard_shows_coverage(client, party):
    w = party
    client.force_login(w.secretary)
    url = reverse("reports:dashboard", args=[w.xixiang.code])
    body = client.get(url + "?year=2017&part=body").content.decode()
    assert 'data-figure="party.with_organization"' in body and "75.0%" in body


def test_list_page_queries_do_not_grow_with_rows(client, party, django_assert_max_num_queries):
    w = party
    client.force_login(w.secretary)
    url = reverse("party:organizations")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for i in range(5):
        services.save_party_organization(
            actor=w.secretary,
            organization=w.xixiang,
            enterprises=[w.e4] if i == 0 else [],
            name=f"支部{i}",
            kind=PartyOrgKind.BRANCH,
            founded=datetime.date(2018, 1, 1),
            secretary=w.rep_x,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
