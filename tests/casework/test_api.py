"""The visits and cases API: the whole workflow as POST actions."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_visit_with_cases_then_every_step(client, world, cw):
    client.force_login(world.secretary)
    r = post(
        client,
        "/api/v1/visits/",
        {
            "organization": "d.xixiang",
            "date": "2017-05-10",
            "kind": "expert",
            "enterprises": [world.ent_x.pk],
            "experts": [cw.expert.pk],
            "purpose": "专家走访",
            "new_cases": [
                {"enterprise": world.ent_x.pk, "category": "financing", "title": "续贷难"},
                {"enterprise": world.ent_x.pk, "category": "policy", "title": "政策咨询"},
            ],
        },
    )
    assert r.status_code == 201, r.content
    visit = r.json()
    assert len(visit["cases"]) == 2 and visit["staff"] == ["xixiang"]
    case_id = visit["cases"][0]
    url = f"/api/v1/cases/{case_id}/"
    case = client.get(url).json()
    assert case["status"] == "received" and case["next_steps"] == ["assign", "reject", "merge"]
    steps = [
        ("assign", {"assignee": "xixiang"}, "assigned"),
        ("hand-over", {"department": cw.dept.pk, "comment": "请协助"}, "in_progress"),
        ("urge", {"comment": "催办"}, "in_progress"),
        ("return", {"reason": "不属于本局职责"}, "returned"),
        ("hand-over", {"department": cw.depts[1].pk}, "in_progress"),
        ("resolve", {"resolution": "已协调银行续贷"}, "resolved"),
        (
            "follow-up",
            {"satisfaction": "unsatisfied", "score": 2, "comment": "利率高"},
            "followed_up",
        ),
        ("reopen", {"reason": "再协调"}, "reopened"),
        ("resolve", {"resolution": "利率下调"}, "resolved"),
        ("follow-up", {"satisfaction": "satisfied", "score": 5}, "followed_up"),
        ("close", {}, "closed"),
    ]
    for step, body, status in steps:
        r = post(client, f"{url}{step}/", body)
        assert r.status_code == 200, (step, r.content)
        assert r.json()["status"] == status, step
    data = r.json()
    assert [e["step"] for e in data["events"]] == [
        "raise",
        "assign",
        "hand_over",
        "urge",
        "return",
        "hand_over",
        "resolve",
        "follow_up",
        "reopen",
        "resolve",
        "follow_up",
        "close",
    ]
    assert data["return_count"] == 1 and data["reopen_count"] == 1 and data["urge_count"] == 1
    assert data["next_steps"] == []


def test_illegal_step_is_409_with_the_state_and_bad_input_400(client, world, cw):
    case = cw.raise_case()
    client.force_login(world.secretary)
    r = post(client, f"/api/v1/cases/{case.pk}/resolve/", {"resolution": "x"})
    assert r.status_code == 409
    body = r.json()
    assert body["state"] == "received" and "assign" in body["allowed_steps"]
    assert "received" in body["detail"]
    r = post(client, f"/api/v1/cases/{case.pk}/assign/", {"assignee": "fuyong"})
    assert r.status_code == 400 and "assignee" in r.json()
    r = post(client, f"/api/v1/cases/{case.pk}/reject/", {})
    assert r.status_code == 400 and "reason" in r.json()
    other = cw.raise_case(title="另一个")
    r = post(client, f"/api/v1/cases/{case.pk}/merge/", {"into": 999999})
    assert r.status_code == 400 and "into" in r.json()
    r = post(client, f"/api/v1/cases/{case.pk}/merge/", {"into": other.pk})
    assert r.status_code == 200 and r.json()["merged_into"] == other.pk


def test_create_case_and_filters(client, world, cw):
    client.force_login(world.secretary)
    r = post(
        client,
        "/api/v1/cases/",
        {
            "organization": "d.xixiang",
            "enterprise": world.ent_x.pk,
            "category": "tax_fees",
            "title": "出口退税慢",
            "source": "hotline",
            "received_on": "2016-09-30",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["due_on"] == "2016-10-19"  # 10 working days: 8, 9, 10-14, 17-19 Oct
    r = post(
        client,
        "/api/v1/cases/",
        {
            "organization": "d.fuyong",
            "enterprise": world.ent_x.pk,
            "category": "other",
            "title": "x",
        },
    )
    assert r.status_code == 400 and "organization" in r.json()
    assert client.get("/api/v1/cases/?overdue=true").json()["count"] == 1
    assert client.get("/api/v1/cases/?category=financing").json()["count"] == 0
    assert client.get("/api/v1/cases/?organization=d").json()["count"] == 1
    assert client.get("/api/v1/cases/?status=received&status=assigned").json()["count"] == 1
    assert client.get("/api/v1/cases/?received_on_after=2017-01-01").json()["count"] == 0


def test_attachment_upload_by_api(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.secretary)
    r = post(
        client,
        "/api/v1/visits/",
        {"organization": "d.xixiang", "date": "2017-05-10", "enterprises": [world.ent_x.pk]},
    )
    vid = r.json()["id"]
    png = SimpleUploadedFile("门口.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    r = client.post(f"/api/v1/visits/{vid}/attachments/", {"file": png})
    assert r.status_code == 201 and r.json()["kind"] == "photo"
    r = client.post(
        f"/api/v1/visits/{vid}/attachments/", {"file": SimpleUploadedFile("x.exe", b"MZ....")}
    )
    assert r.status_code == 400 and "file" in r.json()
    assert len(client.get(f"/api/v1/visits/{vid}/").json()["attachments"]) == 1


def test_visit_update_and_validation(client, world):
    client.force_login(world.secretary)
    r = post(
        client,
        "/api/v1/visits/",
        {"organization": "d.xixiang", "date": "2099-01-01", "enterprises": [world.ent_x.pk]},
    )
    assert r.status_code == 400 and "date" in r.json()
    r = post(
        client,
        "/api/v1/visits/",
        {"organization": "d.xixiang", "date": "2017-01-01", "enterprises": [world.ent_f.pk]},
    )
    assert r.status_code == 400 and "enterprises" in r.json()
    r = post(
        client,
        "/api/v1/visits/",
        {"organization": "d.xixiang", "date": "2017-01-01", "enterprises": [world.ent_x.pk]},
    )
    vid = r.json()["id"]
    r = client.patch(f"/api/v1/visits/{vid}/", {"purpose": "回访"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["purpose"] == "回访"


def test_reference_endpoints(client, world, cw):
    client.force_login(world.leader)
    cats = client.get("/api/v1/case-categories/").json()
    assert {c["code"] for c in cats} >= {"financing", "land_premises", "policy", "other"}
    assert any(d["name"] == cw.dept.name for d in client.get("/api/v1/departments/").json())
    assert client.get("/api/v1/experts/").json()["count"] == 1


def test_list_query_count(client, world, cw, django_assert_max_num_queries):
    from chamber.casework import services

    for i in range(15):
        case = cw.raise_case(title=f"问题{i}")
        services.assign_case(actor=world.secretary, case=case, assignee=world.secretary)
    for _ in range(5):
        services.log_visit(
            actor=world.secretary,
            organization=world.xixiang,
            date=datetime.date(2017, 5, 1),
            enterprises=[world.ent_x],
            experts=[cw.expert],
            kind="expert",
        )
    client.force_login(world.secretary)
    # session, user, scope (view and change), counts, rows: the same for 15 rows or 1,500
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/cases/").json()["count"] == 15
    with django_assert_max_num_queries(16):
        assert client.get("/api/v1/visits/").json()["count"] == 5
