"""Scope from the outside: a chamber user must not reach another chamber's records by
any URL (page, API, admin). Objects outside the scope are 404, not 403."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _urls(w, which):
    ent = w.ent_x if which == "x" else w.ent_f
    m = w.m_x if which == "x" else w.m_f
    rep = w.rep_x if which == "x" else w.rep_f
    org = w.xixiang if which == "x" else w.fuyong
    return [
        reverse("members:enterprise", args=[ent.pk]),
        reverse("members:enterprise_edit", args=[ent.pk]),
        f"/api/v1/enterprises/{ent.pk}/",
        f"/api/v1/people/{rep.pk}/",
        f"/api/v1/memberships/{m.pk}/",
        f"/api/v1/organizations/{org.code}/",
        f"/admin/members/enterprise/{ent.pk}/change/",
        f"/admin/members/person/{rep.pk}/change/",
        f"/admin/members/membership/{m.pk}/change/",
    ]


# user attribute, may see xixiang's records, may see fuyong's records
TABLE = [
    ("admin", True, True),
    ("staff", True, True),
    ("secretary", True, False),
    ("other_secretary", False, True),
]


@pytest.mark.parametrize(("who", "sees_x", "sees_f"), TABLE)
def test_record_urls_follow_scope(client, world, who, sees_x, sees_f):
    client.force_login(getattr(world, who))
    for which, sees in (("x", sees_x), ("f", sees_f)):
        for url in _urls(world, which):
            status = client.get(url).status_code
            assert (status == 200) is sees, (who, url, status)
            if not sees:
                assert status == 404, (who, url, status)


def test_leader_reads_but_cannot_edit(client, world):
    client.force_login(world.leader)
    assert client.get(reverse("members:enterprise", args=[world.ent_f.pk])).status_code == 200
    assert client.get(reverse("members:enterprise_edit", args=[world.ent_f.pk])).status_code == 404
    r = client.patch(
        f"/api/v1/enterprises/{world.ent_f.pk}/", {"name": "x"}, content_type="application/json"
    )
    assert r.status_code == 403


def test_outsider_sees_nothing(client, world):
    client.force_login(world.outsider)
    assert client.get(reverse("members:enterprise", args=[world.ent_x.pk])).status_code == 404
    assert client.get("/api/v1/enterprises/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, world):
    r = client.get(reverse("members:directory"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client.get("/api/v1/enterprises/").status_code in (401, 403)


def test_secretary_lists_only_own_chamber(client, world):
    client.force_login(world.secretary)
    body = client.get(reverse("members:directory")).content.decode()
    assert world.ent_x.name in body and world.ent_f.name not in body
    api = client.get("/api/v1/enterprises/").json()
    assert [e["id"] for e in api["results"]] == [world.ent_x.pk]
    api = client.get("/api/v1/memberships/").json()
    assert {m["organization"] for m in api["results"]} == {"d.xixiang"}
    admin_list = client.get("/admin/members/enterprise/").content.decode()
    assert world.ent_x.name in admin_list and world.ent_f.name not in admin_list


def test_secretary_cannot_write_into_other_street_by_api(client, world):
    client.force_login(world.secretary)
    r = client.post(
        "/api/v1/memberships/",
        {"organization": "d.fuyong", "enterprise": world.ent_x.pk, "joined": "2017-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "organization" in r.json()
    r = client.post(
        f"/api/v1/memberships/{world.m_f.pk}/end/",
        {"left": "2017-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 404


def test_secretary_cannot_reference_other_street_records(client, world):
    client.force_login(world.secretary)
    r = client.post(
        "/api/v1/memberships/",
        {"organization": "d.xixiang", "enterprise": world.ent_f.pk, "joined": "2017-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "enterprise" in r.json()


def test_whole_tree_scope_does_not_reach_another_tree(client, world):
    from chamber.orgs import scope

    from .factories import EnterpriseFactory, MembershipFactory, make_org

    assert scope.covers_every_organization(world.staff)  # one tree: no filter needed
    other = make_org("other", "另一个工商联")
    ent = EnterpriseFactory(name="别处企业有限公司")
    MembershipFactory(organization=other, enterprise=ent)
    scope.forget(world.staff)
    assert not scope.covers_every_organization(world.staff)
    assert other.pk not in scope.org_ids(world.staff, "view")
    client.force_login(world.staff)
    assert client.get(f"/members/enterprises/{ent.pk}/").status_code == 404
