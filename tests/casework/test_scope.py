"""Scope from the outside: another chamber's visits, cases and files are 404 on every
page and API route; a read-only leader cannot take steps."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chamber.casework import services

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def records(world, cw, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    day = datetime.date(2017, 5, 10)
    out = {}
    for key, org, ent, actor in (
        ("x", world.xixiang, world.ent_x, world.secretary),
        ("f", world.fuyong, world.ent_f, world.other_secretary),
    ):
        visit = services.log_visit(
            actor=actor,
            organization=org,
            date=day,
            enterprises=[ent],
            cases=[{"enterprise": ent, "category": cw.financing, "title": f"{key} 融资难"}],
        )
        att = services.add_attachment(
            actor=actor, visit=visit, upload=SimpleUploadedFile("p.png", PNG)
        )
        out[key] = (visit, visit.cases.get(), att, ent)
    return out


def _urls(records, which):
    visit, case, att, ent = records[which]
    return [
        reverse("casework:case", args=[case.pk]),
        reverse("casework:visit", args=[visit.pk]),
        reverse("casework:attachment", args=[att.pk]),
        reverse("casework:member_section", args=[ent.pk]),
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/visits/{visit.pk}/",
        f"/admin/casework/case/{case.pk}/change/",
        f"/admin/casework/visit/{visit.pk}/change/",
    ]


TABLE = [
    ("admin", True, True),
    ("staff", True, True),
    ("secretary", True, False),
    ("other_secretary", False, True),
]


@pytest.mark.parametrize(("who", "sees_x", "sees_f"), TABLE)
def test_casework_urls_follow_scope(client, world, records, who, sees_x, sees_f):
    client.force_login(getattr(world, who))
    for which, sees in (("x", sees_x), ("f", sees_f)):
        for url in _urls(records, which):
            status = client.get(url).status_code
            assert status == (200 if sees else 404), (who, url, status)


def test_steps_on_another_chambers_case_are_404(client, world, cw, records):
    client.force_login(world.secretary)
    _visit, case, att, _ent = records["f"]
    for step in ("assign", "hand-over", "resolve", "follow-up", "urge", "reject"):
        r = client.post(f"/api/v1/cases/{case.pk}/{step}/", {}, content_type="application/json")
        assert r.status_code == 404, step
    r = client.post(reverse("casework:case_step", args=[case.pk, "reject"]), {"reject-reason": "x"})
    assert r.status_code == 404
    r = client.post(reverse("casework:attachment_delete", args=[att.pk]))
    assert r.status_code == 404
    r = client.post(
        f"/api/v1/visits/{_visit.pk}/attachments/", {"file": SimpleUploadedFile("a.png", PNG)}
    )
    assert r.status_code == 404
    case.refresh_from_db()
    assert case.status == "received"


def test_lists_show_only_own_chamber(client, world, records):
    client.force_login(world.secretary)
    body = client.get(reverse("casework:queue") + "?queue=all").content.decode()
    assert "x 融资难" in body and "f 融资难" not in body
    body = client.get(reverse("casework:visits")).content.decode()
    assert world.ent_x.name in body and world.ent_f.name not in body
    api = client.get("/api/v1/cases/").json()
    assert [c["title"] for c in api["results"]] == ["x 融资难"]
    api = client.get("/api/v1/visits/").json()
    assert [v["organization"] for v in api["results"]] == ["d.xixiang"]
    # searching for enterprises to visit finds only the chamber's members
    body = client.get(reverse("casework:enterprise_search") + "?q=福永").content.decode()
    assert world.ent_f.name not in body


def test_leader_reads_but_cannot_act(client, world, records):
    client.force_login(world.leader)
    _visit, case, _att, _ent = records["x"]
    assert client.get(reverse("casework:case", args=[case.pk])).status_code == 200
    r = client.post(
        f"/api/v1/cases/{case.pk}/assign/",
        {"assignee": "xixiang"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert client.post(reverse("casework:case_step", args=[case.pk, "urge"])).status_code == 404
    assert client.get(reverse("casework:visit_create")).status_code == 403
    data = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert data["next_steps"] == []


def test_outsider_and_anonymous(client, world, records):
    _visit, case, _att, _ent = records["x"]
    r = client.get(reverse("casework:case", args=[case.pk]))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client.get("/api/v1/cases/").status_code in (401, 403)
    client.force_login(world.outsider)
    assert client.get(reverse("casework:case", args=[case.pk])).status_code == 404
    assert client.get("/api/v1/cases/").status_code == 403
    assert client.get(reverse("casework:queue")).status_code == 403


def test_figures_page_only_for_visible_organisations(client, world, records):
    client.force_login(world.secretary)
    r = client.get(reverse("casework:figures") + "?org=d.fuyong")
    assert r.status_code == 200
    # the form refuses an organisation outside the scope; nothing of Fuyong's is shown
    assert "f 融资难" not in r.content.decode()
    assert r.context["org"] == world.xixiang


def test_reference_data_is_edited_by_managers_only(client, world, cw):
    from chamber.casework.models import Category, HolidayCalendar

    cal = HolidayCalendar.objects.get(year=2016)
    url = f"/admin/casework/holidaycalendar/{cal.pk}/change/"
    client.force_login(world.admin)
    r = client.get(url)
    assert r.status_code == 200 and "2016-10-08" in r.content.decode()
    financing = Category.objects.get(code="financing")
    r = client.post(
        f"/admin/casework/category/{financing.pk}/change/",
        {
            "code": "financing",
            "name": "融资",
            "name_en": "Financing",
            "time_limit_days": 12,
            "sort_order": 0,
            "active": "on",
        },
    )
    assert r.status_code == 302
    financing.refresh_from_db()
    assert financing.time_limit_days == 12
    client.force_login(world.secretary)
    r = client.post(
        f"/admin/casework/category/{financing.pk}/change/",
        {"code": "financing", "name": "融资", "time_limit_days": 1, "sort_order": 0},
    )
    assert r.status_code == 403
    financing.refresh_from_db()
    assert financing.time_limit_days == 12
