"""No 500 from any input (issue 14, item 3): control characters refused with a 400 that
names the field (search boxes strip them), years range-checked, workbooks that still
export when a stored name holds a control character, and errors logged with a request
id when debug is off."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from chamber.activities.models import Event
from chamber.members.models import Enterprise

JSON = "application/json"


@pytest.fixture
def api(world):
    def client_for(user):
        return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")

    return client_for


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\x7f"])
def test_control_characters_in_an_api_body_are_a_400_naming_the_field(world, api, bad):
    client = api(world.secretary)
    r = client.patch(
        f"/api/v1/enterprises/{world.ent_x.pk}/",
        {"name": f"西乡{bad}企业", "note": "ok\n第二行\tTab"},
        content_type=JSON,
    )
    assert r.status_code == 400
    assert list(r.json()) == ["name"]
    assert Enterprise.objects.get(pk=world.ent_x.pk).name == world.ent_x.name


def test_nested_bodies_and_every_resource_the_fuzzing_hit(world, api):
    client = api(world.staff)
    for url, body, field in [
        ("/api/v1/events/", {"title": "培训\x00", "kind": "training"}, "title"),
        ("/api/v1/organizations/", {"code": "d.x\x00", "name": "x"}, "code"),
        ("/api/v1/memberships/", {"organization": "d.xixiang\x00"}, "organization"),
        (f"/api/v1/memberships/{world.m_x.pk}/transfer/", {"to": "\x00"}, "to"),
        ("/api/v1/visits/", {"summary": "ok", "enterprises": ["\x00"]}, "enterprises.0"),
    ]:
        r = client.post(url, body, content_type=JSON)
        assert r.status_code == 400, (url, r.status_code)
        assert field in r.json(), (url, r.json())


def test_query_parameters_are_refused_and_search_boxes_strip(client, world, api):
    r = api(world.staff).get("/api/v1/enterprises/", {"industry_section": "C\x00"})
    assert r.status_code == 400 and list(r.json()) == ["industry_section"]
    r = api(world.staff).get("/api/v1/enterprises/", {"q": "华为\x00"})
    assert r.status_code == 200 and r.json()["results"][0]["id"] == world.ent_x.pk
    client.force_login(world.staff)
    for url in (
        "/activities/member-options/",
        "/casework/enterprises/search/",
        "/politics/people/options/",
        "/members/",
    ):
        r = client.get(url, {"q": "\x00"})
        assert r.status_code == 200, url
    r = client.get("/members/", {"org": "d\x00"})
    assert r.status_code == 400 and "org" in r.content.decode()


def test_page_form_posts_are_refused_naming_the_field(client, world):
    client.force_login(world.staff)
    r = client.post(f"/members/enterprises/{world.ent_x.pk}/edit/", {"name": "坏\x00名"})
    assert r.status_code == 400 and "name" in r.content.decode()


@pytest.mark.parametrize("year", ["99999999999999999999", "-1", "0", "1948", "2101", "2016.5"])
def test_year_filters_are_range_checked(world, api, year):
    client = api(world.staff)
    for url in ("/api/v1/events/", "/api/v1/donations/", "/api/v1/meetings/"):
        r = client.get(url, {"year": year})
        assert r.status_code == 400 and "year" in r.json(), (url, r.status_code)
    assert client.get("/api/v1/events/", {"year": "2016"}).status_code == 200


def test_an_event_in_the_year_0368_is_refused(world, api):
    r = api(world.staff).post(
        "/api/v1/events/",
        {
            "organization": "d.xixiang",
            "kind": "training",
            "title": "古代培训",
            "starts_at": "0368-05-01T09:00:00+08:00",
        },
        content_type=JSON,
    )
    assert r.status_code == 400 and "starts_at" in r.json()
    assert not Event.objects.filter(title="古代培训").exists()


def test_an_xlsx_export_survives_a_control_character_in_a_stored_name(world, api):
    Enterprise.objects.filter(pk=world.ent_f.pk).update(name="福永\x01\x1f精密五金有限公司")
    from chamber.members.models import Membership

    Membership.objects.filter(pk=world.m_f.pk).update(name="福永\x01\x1f精密五金有限公司")
    r = api(world.staff).get("/api/v1/memberships/export/", {"format": "xlsx"})
    assert r.status_code == 200
    from .test_export import read_xlsx

    names = [row[0] for row in read_xlsx(b"".join(r.streaming_content))[1:]]
    assert "福永精密五金有限公司" in names


def test_a_server_error_is_logged_with_traceback_and_request_id(world, client, settings, caplog):
    settings.DEBUG = False
    settings.ADMINS = [("ops", "ops@example.gov.cn")]
    client.raise_request_exception = False
    client.force_login(world.staff)
    from unittest import mock

    with (
        mock.patch(
            "chamber.members.views.selectors.enterprise_profile",
            side_effect=RuntimeError("boom 13800138003"),
        ),
        caplog.at_level(logging.ERROR, logger="django.request"),
    ):
        r = client.get(f"/members/enterprises/{world.ent_x.pk}/")
    assert r.status_code == 500
    rid = r["X-Request-ID"]
    record = next(rec for rec in caplog.records if rec.name == "django.request")
    assert record.exc_info and record.request_id == rid
    from chamber.core.masking import MaskingFormatter

    line = MaskingFormatter("%(request_id)s %(message)s").format(record)
    assert rid in line and "RuntimeError" in line and "13800138003" not in line
    assert "138****8003" in line
    from django.core import mail

    assert len(mail.outbox) == 1 and "13800138003" not in mail.outbox[0].body
    assert "RuntimeError" in mail.outbox[0].body


def test_dates_stay_sane(world):
    from chamber.core.validators import check_year

    assert check_year(datetime.date(368, 5, 1))
    assert check_year(datetime.date(2016, 5, 1)) is None


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
)
def test_datetimes_that_overflow_the_time_zone_are_a_400(world, api, value):
    r = api(world.staff).post(
        "/api/v1/events/",
        {"organization": "d.xixiang", "kind": "training", "title": "t", "starts_at": value},
        content_type=JSON,
    )
    assert r.status_code == 400 and "starts_at" in r.json()


def test_plain_dates_in_bodies_are_range_checked_but_reach_before_1949(world, api):
    client = api(world.staff)
    r = client.post(
        "/api/v1/visits/",
        {"organization": "d.xixiang", "date": "0001-01-01", "enterprises": [world.ent_x.pk]},
        content_type=JSON,
    )
    assert r.status_code == 400 and "date" in r.json()
    r = client.patch(
        f"/api/v1/people/{world.rep_x.pk}/", {"birth_date": "1944-10-25"}, content_type=JSON
    )
    assert r.status_code == 200 and r.json()["birth_date"] == "1944-10-25"
