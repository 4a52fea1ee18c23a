"""The REST API: resources, steps as POST actions, service errors as 400/403."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from chamber.activities import services
from chamber.activities.choices import CouncilKind

from .conftest import make_event, make_member

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_event_lifecycle_by_api(client, world, members):
    client.force_login(world.secretary)
    start = timezone.now() - datetime.timedelta(minutes=10)
    r = post(
        client,
        "/api/v1/events/",
        {
            "organization": "d.xixiang",
            "co_organizers": ["d"],
            "open_to": ["d.xixiang"],
            "kind": "training",
            "title": "跨境电商实务培训",
            "starts_at": start.isoformat(),
            "capacity": 2,
            "speakers": [{"name": "李博士", "affiliation": "中山大学", "is_expert": True}],
        },
    )
    assert r.status_code == 201, r.json()
    event = r.json()
    assert event["status"] == "draft" and event["co_organizers"] == ["d"]
    assert event["speakers"][0]["name"] == "李博士" and event["ends_at"] == event["starts_at"]
    url = f"/api/v1/events/{event['id']}/"
    r = post(client, url + "register/", {"enterprise": world.ent_x.pk})
    assert r.status_code == 409 and r.json()["state"] == "draft"
    assert post(client, url + "announce/").json()["status"] == "announced"
    regs = [post(client, url + "register/", {"enterprise": e.pk}).json() for e, _p in members]
    assert [r["status"] for r in regs] == ["confirmed", "confirmed", "waitlisted"]
    r = post(client, url + "check-in/", {"code": regs[0]["qr_payload"], "method": "camera"})
    assert r.status_code == 200 and r.json()["check_in"]["method"] == "camera"
    r = post(client, url + "check-in/", {"code": regs[0]["code"]})
    assert r.status_code == 409 and "checked in already" in r.json()["detail"]
    assert r.json()["state"] == "checked_in" and r.json()["allowed_steps"] == ["undo_check_in"]
    r = post(client, f"/api/v1/registrations/{regs[1]['id']}/cancel/")
    assert r.json()["status"] == "cancelled"
    assert client.get(f"/api/v1/registrations/{regs[2]['id']}/").json()["status"] == "confirmed"
    r = post(client, f"/api/v1/registrations/{regs[2]['id']}/check-in/", {"headcount": 1})
    assert r.json()["check_in"]["headcount"] == 1
    r = post(client, f"/api/v1/registrations/{regs[2]['id']}/undo-check-in/", {"reason": "误签"})
    assert r.json()["check_in"] is None
    detail = client.get(url).json()
    assert detail["attendance"] == {"seats": 2, "waiting": 0, "attendance": 1}
    assert post(client, url + "close/").json()["status"] == "closed"
    r = post(client, url + "cancel/", {"reason": "x"})
    assert r.status_code == 409 and "took place" in r.json()["detail"]
    assert r.json()["state"] == "closed" and r.json()["allowed_steps"] == ["announce"]


def test_event_validation_errors_by_field(client, world):
    client.force_login(world.secretary)
    now = timezone.now()
    r = post(
        client,
        "/api/v1/events/",
        {
            "organization": "d.xixiang",
            "kind": "training",
            "title": "x",
            "starts_at": now.isoformat(),
            "ends_at": (now - datetime.timedelta(hours=1)).isoformat(),
            "destination": "abroad",
        },
    )
    assert r.status_code == 400 and {"ends_at", "city"} <= set(r.json())
    r = post(
        client,
        "/api/v1/events/",
        {
            "organization": "d.fuyong",
            "kind": "training",
            "title": "x",
            "starts_at": now.isoformat(),
        },
    )
    assert r.status_code == 400 and "organization" in r.json()


def test_registration_resource_and_filters(client, world, members):
    event = make_event(world.xixiang)
    client.force_login(world.secretary)
    r = post(
        client,
        "/api/v1/registrations/",
        {"event": event.pk, "person": world.rep_x.pk, "party_size": 2},
    )
    assert r.status_code == 201 and r.json()["enterprise"] == world.ent_x.pk
    services.register(actor=None, event=event, enterprise=members[0][0])
    reg = event.registrations.get(person=world.rep_x)
    services.check_in(actor=None, registration=reg)
    rows = client.get(f"/api/v1/registrations/?event={event.pk}&checked_in=true").json()["results"]
    assert [r["id"] for r in rows] == [reg.pk]
    rows = client.get(f"/api/v1/registrations/?event={event.pk}&checked_in=false").json()["results"]
    assert len(rows) == 1


def test_events_filter_by_org_subtree_counts_co_organised_once(client, world):
    make_event(world.xixiang, co_organizers=[world.fuyong], title="联合")
    make_event(world.fuyong, title="福永自己的")
    client.force_login(world.staff)
    rows = client.get("/api/v1/events/?organization=d").json()["results"]
    assert sorted(r["title"] for r in rows) == ["福永自己的", "联合"]
    rows = client.get("/api/v1/events/?organization=d.xixiang").json()["results"]
    assert [r["title"] for r in rows] == ["联合"]


def test_donations_and_funds_by_api(client, world):
    client.force_login(world.secretary)
    r = post(client, "/api/v1/funds/", {"organization": "d.xixiang", "name": "西商公益基金"})
    assert r.status_code == 201 and r.json()["balance"] == "0.00"
    fund_id = r.json()["id"]
    r = post(
        client,
        "/api/v1/donations/",
        {
            "organization": "d.xixiang",
            "enterprise": world.ent_x.pk,
            "kind": "money",
            "amount": "1000.10",
            "purpose": "fund",
            "fund": fund_id,
            "date": "2016-05-01",
        },
    )
    assert r.status_code == 201, r.json()
    donation = r.json()
    assert donation["amount"] == "1000.10" and donation["donor_name"] == world.ent_x.name
    r = post(
        client,
        f"/api/v1/funds/{fund_id}/spend/",
        {"date": "2016-06-01", "amount": "2000", "purpose": "x"},
    )
    assert r.status_code == 400 and "amount" in r.json()
    r = post(
        client,
        f"/api/v1/funds/{fund_id}/spend/",
        {"date": "2016-06-01", "amount": "0.10", "purpose": "助学"},
    )
    assert r.status_code == 201
    fund = client.get(f"/api/v1/funds/{fund_id}/").json()
    assert (fund["income"], fund["spending"], fund["balance"]) == ("1000.10", "0.10", "1000.00")
    assert len(client.get(f"/api/v1/funds/{fund_id}/spendings/").json()["results"]) == 1
    r = post(client, f"/api/v1/donations/{donation['id']}/void/", {"reason": "录错"})
    assert r.status_code == 400  # part of it was paid out
    r = post(
        client,
        "/api/v1/donations/",
        {
            "organization": "d.xixiang",
            "enterprise": world.ent_x.pk,
            "kind": "in_kind",
            "amount": "5",
            "purpose": "other",
            "date": "2016-05-01",
        },
    )
    assert r.status_code == 400 and "goods" in r.json()
    rows = client.get("/api/v1/donations/?year=2016&kind=money").json()["results"]
    assert [d["id"] for d in rows] == [donation["id"]]
    assert client.get("/api/v1/donations/?organization=d.fuyong").json()["results"] == []


def test_meetings_and_honors_by_api(client, world):
    council = services.create_council(
        actor=None,
        organization=world.district,
        kind=CouncilKind.EXECUTIVE,
        name="执行委员会",
        short_name="执委会",
        name_en="Executive Committee",
    )
    for n in (1, 2, 3):
        services.create_term(
            actor=None,
            council=council,
            number=n,
            starts=datetime.date(1990 + 5 * n, 1, 1),
            ends=datetime.date(1994 + 5 * n, 12, 31),
        )
    term = services.create_term(actor=None, council=council, starts=datetime.date(2012, 12, 20))
    seat = services.add_term_member(actor=None, term=term, person=world.rep_x)
    for i in range(4):
        services.create_meeting(actor=None, term=term, date=datetime.date(2013 + i, 3, 1))
    client.force_login(world.staff)
    r = post(
        client,
        "/api/v1/meetings/",
        {"term": term.pk, "date": "2017-03-20", "agenda": "总结2016年工作"},
    )
    assert r.status_code == 201, r.json()
    meeting = r.json()
    assert meeting["number"] == 5 and meeting["term_number"] == 4
    assert meeting["name"] in (
        "第四届执委会第五次会议",
        "5th meeting of the 4th Executive Committee",
    )
    r = post(client, f"/api/v1/meetings/{meeting['id']}/attendance/", {"members": [seat.pk]})
    assert r.json()["quorum"] == {"seats": 1, "required": 1, "present": 1, "met": True}
    r = post(client, f"/api/v1/meetings/{meeting['id']}/attendance/", {"members": [999999]})
    assert r.status_code == 400
    r = post(
        client,
        f"/api/v1/meetings/{meeting['id']}/resolutions/",
        {"text": "审议通过工作报告", "votes_for": 1},
    )
    assert r.status_code == 201 and r.json()["number"] == 1
    r = post(
        client,
        "/api/v1/honors/",
        {
            "organization": "d",
            "title": "全国“五好”县级工商联",
            "level": "national",
            "awarding_body": "全国工商联",
            "year": 2016,
        },
    )
    assert r.status_code == 201
    honors = client.get("/api/v1/honors/?year=2016&level=national").json()["results"]
    assert [h["recipient_name"] for h in honors] == ["测试区工商联"]
    r = post(client, f"/api/v1/honors/{honors[0]['id']}/withdraw/", {"reason": "录错"})
    assert r.status_code == 204


def test_api_lists_have_fixed_query_counts(client, world, django_assert_max_num_queries):
    for i in range(6):
        ent, person = make_member(world.xixiang, f"接口企业{i}有限公司")
        ev = make_event(
            world.xixiang,
            title=f"活动{i}",
            co_organizers=[world.fuyong],
            speakers=[{"name": "讲师"}],
        )
        reg = services.register(actor=None, event=ev, person=person)
        services.check_in(actor=None, registration=reg)
    client.force_login(world.secretary)
    for url, most in [("/api/v1/events/", 14), ("/api/v1/registrations/", 10)]:
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200
