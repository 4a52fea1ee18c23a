import os
import re

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_token_command_prints_a_working_token(client, world, capsys):
    call_command("token", "xixiang")
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=world.secretary).key == key
    r = client.get("/api/v1/enterprises/", HTTP_AUTHORIZATION=f"Token {key}")
    assert r.status_code == 200 and r.json()["count"] == 1


def test_create_enterprise_by_api_reports_errors_per_field(client, world):
    client.force_login(world.secretary)
    r = client.post(
        "/api/v1/enterprises/",
        {"name": "", "uscc": "914403001922038217", "organization": "d.xixiang"},
        content_type="application/json",
    )
    assert r.status_code == 400
    body = r.json()
    assert "name" in body and "uscc" in body and "6" in body["uscc"][0]


def test_create_enterprise_by_api_admits_it(client, world):
    client.force_login(world.secretary)
    r = client.post(
        "/api/v1/enterprises/",
        {
            "name": "比亚迪股份有限公司",
            "uscc": "91440300192317458F",
            "organization": "d.xixiang",
            "industry_division": "36",
            "employees": 5000,
            "revenue": "50000",
            "tags": ["高新技术企业"],
            "rank": "2_vice_president",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["industry_section"] == "C" and body["size_class"] == "large"
    assert body["tags"] == ["高新技术企业"]
    m = client.get(f"/api/v1/memberships/?enterprise={body['id']}").json()["results"]
    assert m[0]["organization"] == "d.xixiang" and m[0]["rank"] == "2_vice_president"


def test_create_enterprise_needs_an_organisation_in_scope(client, world):
    client.force_login(world.secretary)
    r = client.post(
        "/api/v1/enterprises/",
        {"name": "越界", "uscc": "91440300192317458F", "organization": "d.fuyong"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "organization" in r.json()


def test_people_list_masks_and_retrieve_reveals_with_log(client, world):
    from chamber.core.models import AuditAction, AuditEntry

    client.force_login(world.secretary)
    listed = client.get("/api/v1/people/").json()["results"][0]
    assert "****" in listed["mobile"] and listed["political_affiliation"] is None
    assert "id_number" not in listed
    full = client.get(f"/api/v1/people/{world.rep_x.pk}/").json()
    assert full["id_number"] == "11010519491231002X" and "*" not in full["mobile"]
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW_PERSONAL, actor=world.secretary
    ).exists()
    client.force_login(world.leader)
    masked = client.get(f"/api/v1/people/{world.rep_x.pk}/").json()
    assert "****" in masked["mobile"] and "id_number" not in masked


def test_membership_transfer_and_end_actions(client, world):
    client.force_login(world.staff)
    r = client.post(
        f"/api/v1/memberships/{world.m_x.pk}/transfer/",
        {"to": "d.fuyong", "on": "2017-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["organization"] == "d.fuyong"
    assert r.json()["moved_from"] == world.m_x.pk
    r = client.post(
        f"/api/v1/memberships/{r.json()['id']}/end/",
        {"left": "2016-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 400  # leaving before joining


def test_membership_list_filters(client, world):
    client.force_login(world.staff)
    r = client.get("/api/v1/memberships/?organization=d.fuyong&status=active&q=fyjm").json()
    assert [m["enterprise"] for m in r["results"]] == [world.ent_f.pk]
    assert r["count_is_estimate"] is False


def test_organizations_by_code_and_in_force(client, world):
    client.force_login(world.staff)
    r = client.get("/api/v1/organizations/?parent=d").json()
    assert {o["code"] for o in r["results"]} == {"d.xixiang", "d.fuyong"}


def test_openapi_schema_and_docs(client, world):
    client.force_login(world.staff)
    schema = client.get("/api/schema/?format=json").json()
    for resource in ("organizations", "enterprises", "people", "memberships"):
        assert f"/api/v1/{resource}/" in schema["paths"]
    docs = client.get("/api/docs/").content.decode()
    # Everything from this server: no script, style or image from another host (a
    # random token in the page may spell "cdn", so look at the addresses).
    assert not re.search(r'(src|href)="(https?:)?//', docs) and "swagger-ui" in docs
    assert not re.search(r'url:\s*"(https?:)?//', docs)


def test_openapi_schema_is_valid_without_warnings():
    """Clients generate code from the schema: enum names must not collide and every
    view must describe itself (drf-spectacular's warnings are errors here)."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)
