"""A member account never reaches a staff page or staff API, and on portal URLs
another member's ids answer 404. Both are driven by the URL resolver, so a new route
is tested the day it is added."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from chamber.activities import services as activities
from chamber.portal import services
from chamber.portal.middleware import ALLOWED_PREFIXES
from chamber.portal.models import ChangeRequest, Notice
from chamber.portal.selectors import Member

from .conftest import sign_in

ARG = {
    "int": "1",
    "slug": "x",
    "str": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _routes(patterns=None, prefix: str = ""):
    """Every route as (path template, {arg: converter}) from the resolver."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            yield prefix + route


def _concrete(route: str, value: str | None = None) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")

    def sub(m):
        conv = m.group(1) or "str"
        return value if value is not None and conv == "int" else ARG.get(conv, "x")

    path = re.sub(r"<(?:(\w+):)?\w+>", sub, route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)  # regex routes (admin)
    path = path.replace("\\.", ".").replace("^", "").replace("$", "")
    return "/" + path


STAFF_ROUTES = sorted(
    {r for r in (_concrete(x) for x in _routes()) if not r.startswith(ALLOWED_PREFIXES)}
)


def test_the_resolver_gives_many_staff_routes():
    assert len(STAFF_ROUTES) > 100
    assert "/members/" in STAFF_ROUTES and any(r.startswith("/api/v1/") for r in STAFF_ROUTES)


@pytest.mark.parametrize("method", ["get", "post"])
def test_member_reaches_no_staff_route(client, portal, method):
    sign_in(client, portal.x)
    reached = []
    for path in STAFF_ROUTES:
        r = getattr(client, method)(path)
        if r.status_code not in (403, 404):
            reached.append((path, r.status_code))
    assert reached == []


def test_member_who_signs_in_on_the_staff_page_is_kept_out_too(client, portal):
    user = portal.x.user
    user.set_password("Member-pass-2026")
    user.save()
    r = client.post("/accounts/login/", {"username": user.username, "password": "Member-pass-2026"})
    assert r.status_code == 302
    assert client.get("/").status_code == 403
    assert client.get("/api/v1/enterprises/").status_code == 403
    assert client.get("/portal/").status_code == 200


def test_staff_user_is_not_a_member(client, world, portal):
    client.force_login(world.secretary)
    assert client.get("/portal/").status_code == 403
    assert client.get("/portal/problems/").status_code == 403


def _other_members_ids(world, portal) -> dict[str, int]:
    """One record of the second member (王五, fuyong) for each kind of portal id."""
    other = Member(portal.f)
    case = services.raise_problem(
        member=other,
        enterprise=world.ent_f,
        category=portal.category,
        title="厂房租金上涨",
        description="租金一年涨了三成。",
    )
    ev = portal.event(world.fuyong, title="福永商会专场培训")
    reg = activities.register(actor=None, event=ev, person=world.rep_f)
    notice = Notice.objects.create(
        organization=world.fuyong, title="福永通知", body="只给福永", published_at=timezone.now()
    )
    change = ChangeRequest.objects.create(
        account=portal.f, enterprise=world.ent_f, changes={"employees": ["", "20"]}
    )
    from chamber.politics.models import Proposal  # noqa: F401

    return {
        "case": case.pk,
        "event": ev.pk,
        "registration": reg.pk,
        "notice": notice.pk,
        "enterprise": world.ent_f.pk,
        "change": change.pk,
    }


def test_every_portal_route_with_another_members_id_is_404(client, world, portal):
    ids = _other_members_ids(world, portal)
    sign_in(client, portal.x)
    by_name = {
        "notice": ids["notice"],
        "enterprise_detail": ids["enterprise"],
        "problem": ids["case"],
        "problem_photo": ids["case"],
        "event": ids["event"],
        "cancel": ids["registration"],
        "ticket": ids["registration"],
        "proposal": 999999,
    }
    from django.urls import get_resolver

    portal_patterns = get_resolver().resolve("/portal/").url_name  # noqa: F841
    resolver = next(p for p in get_resolver().url_patterns if str(p.pattern) == "portal/")
    with_ids = [p for p in resolver.url_patterns if "<int:" in str(p.pattern)]
    assert {p.name for p in with_ids} == set(by_name)  # a new route must be listed here
    for p in with_ids:
        path = "/portal/" + _concrete(str(p.pattern), str(by_name[p.name])).lstrip("/")
        for method in ("get", "post"):
            r = getattr(client, method)(path)
            assert r.status_code == 404, (path, method, r.status_code)
    # and the other member's record is untouched
    assert ChangeRequest.objects.get(pk=ids["change"]).status == "pending"


def test_csrf_is_enforced_on_portal_forms(portal):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    r = c.post("/portal/login/", {"mobile": portal.x.person.mobile})
    assert r.status_code == 403
