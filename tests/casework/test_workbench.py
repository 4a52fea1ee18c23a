"""The start page (工作台) at `/`: each user's work, scoped, in a fixed number of
queries; the navigation's active item; the API link only for those who use it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from chamber.casework import services

pytestmark = pytest.mark.django_db


def _overdue_cases(world, cw, n, org=None, assignee=None):
    for i in range(n):
        case = cw.raise_case(org=org, title=f"逾期{i}", received_on=datetime.date(2016, 3, 1))
        services.assign_case(actor=world.staff, case=case, assignee=assignee or world.secretary)


def test_start_page_shows_my_work_and_not_another_chambers(client, world, cw):
    _overdue_cases(world, cw, 2)
    services.log_visit(
        actor=world.secretary,
        organization=world.xixiang,
        date=timezone.localdate(),
        enterprises=[world.ent_x],
    )
    client.force_login(world.secretary)
    r = client.get("/")
    assert r.status_code == 200
    assert r.context["cases"]["overdue"]["count"] == 2
    assert r.context["visits"]["count"] == 1
    body = r.content.decode()
    assert "逾期0" in body and 'id="key-figures"' not in body  # no figures for a secretary
    client.force_login(world.other_secretary)
    r = client.get("/")
    assert r.context["cases"]["overdue"]["count"] == 0 and r.context["visits"]["count"] == 0
    assert r.context["queue"]["open"] == 0
    assert "逾期0" not in r.content.decode()
    assert client.get("/?part=figures").status_code == 404


def test_start_page_query_count_does_not_grow(client, world, cw, django_assert_max_num_queries):
    client.force_login(world.secretary)
    _overdue_cases(world, cw, 1)
    client.get("/")
    with django_assert_max_num_queries(24) as few:
        client.get("/")
    _overdue_cases(world, cw, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get("/")
    assert r.context["cases"]["overdue"]["count"] == 7


def test_leader_gets_key_figures_with_last_year(client, world):
    client.force_login(world.leader)
    r = client.get("/")
    assert 'id="key-figures"' in r.content.decode()
    r = client.get("/?part=figures")
    body = r.content.decode()
    for figure in (
        "members.total",
        "visits.count",
        "cases.resolution_rate",
        "dues.collection_rate",
    ):
        assert f'data-figure="{figure}"' in body
    members = next(x for x in r.context["rows"] if x["key"] == "total")
    assert members["value"] == 2 and members["change"] == 0.0


def test_navigation_marks_where_one_is(client, world):
    client.force_login(world.secretary)
    home = client.get("/").content.decode()
    assert 'aria-current="page" href="/"' in home
    people = client.get(reverse("members:people")).content.decode()
    assert 'dropdown-item active" href="/members/people/"' in people


def test_api_link_only_for_those_who_use_it(client, world):
    from rest_framework.authtoken.models import Token

    client.force_login(world.secretary)
    assert 'id="api-docs-link"' not in client.get("/").content.decode()
    Token.objects.create(user=world.secretary)
    client.force_login(world.secretary)
    assert 'id="api-docs-link"' in client.get("/").content.decode()
    client.force_login(world.admin)
    assert 'id="api-docs-link"' in client.get("/").content.decode()
