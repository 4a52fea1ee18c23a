"""Masking on every path (issue 14, item 2): the read-only leader never reads a full
mobile or ID number, in any API response (every GET operation of the schema, lists and
one record of each) or page, the audit trail included; roles with the right still do."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from chamber.core.validators import check_id_number
from chamber.members import services
from chamber.members.models import Enterprise, Person

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def leaks(text: str) -> list[str]:
    found = MOBILE.findall(text)
    found += [n for n in ID_NUMBER.findall(text) if check_id_number(n.upper()) is None]
    return found


@pytest.fixture
def demo(db):
    call_command("demo", members=200, seed=5, verbosity=0)
    users = {u.username: u for u in get_user_model().objects.all()}
    ent = Enterprise.objects.filter(memberships__isnull=False).order_by("pk").first()
    # A change of the contact's mobile: the trail must not show it to the leader.
    services.update_enterprise(actor=users["admin"], enterprise=ent, contact_phone="13800138003")
    person = Person.objects.filter(enterprise=ent).first() or Person.objects.first()
    services.update_person(actor=users["admin"], person=person, mobile="13900139004")
    assert Person.objects.exclude(id_number=None).exists()
    return users, ent


def _get_operations():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        if "get" in item and "export" not in path:
            yield path


def test_the_leader_never_reads_a_full_mobile_or_id_number_in_the_api(demo):
    users, _ent = demo
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users['leader']).key}")
    checked = 0
    for path in _get_operations():
        if "{" in path:
            continue
        r = client.get(path)
        assert r.status_code in (200, 400, 403), path  # 400: a required parameter
        assert not leaks(r.content.decode()), (path, leaks(r.content.decode())[:3])
        checked += 1
        data = r.json() if r.status_code == 200 else None
        results = data.get("results") if isinstance(data, dict) else None
        if results and isinstance(results[0], dict) and "id" in results[0]:
            detail = f"{path}{results[0]['id']}/"
            d = client.get(detail)
            assert not leaks(d.content.decode()), (detail, leaks(d.content.decode())[:3])
            checked += 1
    assert checked > 20
    ent_with_phone = Enterprise.objects.exclude(contact_phone="").first()
    body = client.get(f"/api/v1/enterprises/{ent_with_phone.pk}/").json()
    assert "*" in body["contact_phone"]


def test_the_leader_never_reads_a_full_mobile_or_id_number_on_a_page(demo):
    users, ent = demo
    client = Client()
    client.force_login(users["leader"])
    person = Person.objects.get(mobile="13900139004")
    pages = [f"/members/enterprises/{ent.pk}/", f"/members/people/{person.pk}/"]
    pages += [f"/members/people/{pk}/" for pk in Person.objects.values_list("pk", flat=True)[:5]]
    pages += [
        f"/members/enterprises/{pk}/"
        for pk in Enterprise.objects.exclude(contact_phone="").values_list("pk", flat=True)[:5]
    ]
    pages += _parameterless_pages()
    seen = 0
    for url in pages:
        r = client.get(url)
        if r.status_code != 200 or not r["Content-Type"].startswith("text/html"):
            continue
        seen += 1
        assert not leaks(r.content.decode()), (url, leaks(r.content.decode())[:3])
    assert seen > 10
    trail = client.get(f"/members/enterprises/{ent.pk}/").content.decode()
    assert "138****8003" in trail
    assert "139****9004" in client.get(f"/members/people/{person.pk}/").content.decode()


def test_staff_with_the_right_see_the_number_in_full(demo):
    users, ent = demo
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users['admin']).key}")
    assert client.get(f"/api/v1/enterprises/{ent.pk}/").json()["contact_phone"] == "13800138003"
    listed = client.get("/api/v1/enterprises/", {"uscc": ent.uscc}).json()["results"][0]
    assert listed["contact_phone"] == "138****8003"  # lists mask for everyone


def _parameterless_pages() -> list[str]:
    out: list[str] = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith(("admin", "api")):
                    continue
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern) and "<" not in route and "(" not in route:
                url = "/" + prefix + route.lstrip("^").rstrip("$")
                if "logout" not in url and "export" not in url:
                    out.append(url)

    walk(get_resolver().url_patterns)
    return out
