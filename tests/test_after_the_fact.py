"""Records entered after the fact (补录) count exactly as if entered on the day: a 2016
case's whole life typed in during 2017 through the API, compared with the same life
taken day by day in 2016; the date rules; the 409 shape of a refused step in every
workflow."""

from __future__ import annotations

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from chamber.casework.models import CaseEvent, Category, Department
from chamber.core.models import AuditEntry
from chamber.reports.annual import annual_report

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def at(y, m, d, h=10):
    return datetime.datetime(y, m, d, h, tzinfo=SH)


# The life of one case: (day it happened, step, body). Raised 2016-03-01, handed over,
# returned, handed over again, resolved, followed up, closed.
LIFE = [
    (at(2016, 3, 2), "assign", {"assignee": "xixiang"}),
    (at(2016, 3, 3), "start", {}),
    (at(2016, 3, 4), "hand-over", {"department": "D1"}),
    (at(2016, 3, 8), "return", {"reason": "不属本部门职责"}),
    (at(2016, 3, 9), "hand-over", {"department": "D2"}),
    (at(2016, 3, 21), "urge", {"comment": "请加快"}),
    (at(2016, 3, 28), "resolve", {"resolution": "已协调银行续贷"}),
    (at(2016, 4, 5), "follow-up", {"satisfaction": "satisfied", "score": 5}),
    (at(2016, 4, 6), "close", {}),
]


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _life(client, world, *, after_the_fact: bool) -> int:
    """Take the case's life through the API: on each day (time travel), or all of it on
    2017-02-10 with occurred_at."""
    depts = {
        "D1": Department.objects.create(name="区金融局"),
        "D2": Department.objects.create(name="区发改局"),
    }
    body = {
        "organization": "d.xixiang",
        "enterprise": world.ent_x.pk,
        "category": Category.objects.get(code="financing").code,
        "title": "贷款到期续贷困难",
        "source": "hotline",
    }
    typed = at(2017, 2, 10)
    with time_machine.travel(typed if after_the_fact else at(2016, 3, 1), tick=False):
        client.force_login(world.secretary)
        if after_the_fact:
            body["occurred_at"] = "2016-03-01T10:00"
        r = _post(client, "/api/v1/cases/", body)
        assert r.status_code == 201, r.content
        pk = r.json()["id"]
    for when, step, data in LIFE:
        data = dict(data)
        if "department" in data:
            data["department"] = depts[data["department"]].pk
        if after_the_fact:
            data["occurred_at"] = when.isoformat()
        with time_machine.travel(typed if after_the_fact else when, tick=False):
            client.force_login(world.secretary)  # a session does not last a year
            r = _post(client, f"/api/v1/cases/{pk}/{step}/", data)
            assert r.status_code == 200, (step, r.content)
    return pk


def _figures(world) -> dict:
    with time_machine.travel(at(2017, 3, 1), tick=False):
        report = annual_report(world.xixiang, 2016)
    return {"cases": report["cases"], "visits": report["visits"]}


def _run(client, world, after_the_fact: bool):
    with transaction.atomic():
        pk = _life(client, world, after_the_fact=after_the_fact)
        figures = _figures(world)
        events = list(
            CaseEvent.objects.filter(case_id=pk)
            .order_by("at", "id")
            .values_list("step", "at", "entered_late", "data")
        )
        from chamber.casework.models import Case

        case = Case.objects.values(
            "status",
            "received_on",
            "handed_over_on",
            "due_on",
            "resolved_on",
            "followed_up_on",
            "closed_on",
            "return_count",
            "urge_count",
            "last_urged_on",
        ).get(pk=pk)
        transaction.set_rollback(True)
    return figures, events, case


def test_a_2016_case_entered_in_2017_counts_as_if_entered_on_the_day(client, world):
    on_the_day, steps_then, case_then = _run(client, world, after_the_fact=False)
    later, steps_later, case_later = _run(client, world, after_the_fact=True)
    assert on_the_day["cases"]["raised"] == 1 and on_the_day["cases"]["resolved"] == 1
    assert later == on_the_day
    # the same dates on the case and the same timeline, the due dates in working days
    # from the real days (handed over Wednesday 2016-03-09: 20 working days)
    assert case_later == case_then
    assert case_later["handed_over_on"] == datetime.date(2016, 3, 9)
    assert case_later["resolved_on"] == datetime.date(2016, 3, 28)
    assert case_later["closed_on"] == datetime.date(2016, 4, 6)
    assert [(s, a) for s, a, _l, _d in steps_later] == [(s, a) for s, a, _l, _d in steps_then]
    assert [d.get("due_on") for s, _a, _l, d in steps_later if s == "hand_over"] == [
        d.get("due_on") for s, _a, _l, d in steps_then if s == "hand_over"
    ]
    # only the late entry is marked as such
    assert not any(late for _s, _a, late, _d in steps_then)
    assert all(late for _s, _a, late, _d in steps_later)


def test_late_steps_are_marked_on_the_timeline_and_in_the_audit_trail(client, world):
    _life(client, world, after_the_fact=True)
    entry = AuditEntry.objects.filter(action="step").order_by("-id").first()
    assert entry.changes["entered_late"] is True
    assert entry.changes["occurred_at"].startswith("2016-04-06")
    assert entry.changes["entered_at"].startswith("2017-02-10")
    assert entry.actor == world.secretary
    from chamber.casework.figures import late_entry_figures

    figures = late_entry_figures(
        world.district, datetime.date(2016, 1, 1), datetime.date(2016, 12, 31)
    )
    assert figures["steps"] == figures["late"] == 1 + len(LIFE)
    assert figures["rate"] == 1.0
    xixiang = next(c for c in figures["children"] if c["code"] == "d.xixiang")
    assert xixiang["rate"] == 1.0
    nothing = late_entry_figures(
        world.district, datetime.date(2017, 1, 1), datetime.date(2017, 12, 31)
    )
    assert nothing["steps"] == 0 and nothing["rate"] is None


@pytest.mark.parametrize(
    ("occurred_at", "problem"),
    [
        ("2099-01-01", "future"),
        ("2016-02-01", "before the previous step"),
        ("yesterday", "Enter a date"),
    ],
)
def test_the_date_rules(client, world, occurred_at, problem):
    with time_machine.travel(at(2017, 2, 10), tick=False):
        client.force_login(world.secretary)
        r = _post(
            client,
            "/api/v1/cases/",
            {
                "organization": "d.xixiang",
                "enterprise": world.ent_x.pk,
                "category": "financing",
                "title": "x",
                "occurred_at": "2016-03-01",
            },
        )
        pk = r.json()["id"]
        r = _post(
            client,
            f"/api/v1/cases/{pk}/assign/",
            {"assignee": "xixiang", "occurred_at": occurred_at},
        )
        assert r.status_code == 400
        assert problem in r.json()["occurred_at"][0]
        assert CaseEvent.objects.filter(case_id=pk).count() == 1


def test_a_step_entered_within_the_grace_time_is_not_late(client, world, settings):
    settings.CHAMBER_LATE_ENTRY_AFTER = datetime.timedelta(days=3)
    with time_machine.travel(at(2017, 2, 13, 15), tick=False):  # Monday afternoon
        client.force_login(world.secretary)
        r = _post(
            client,
            "/api/v1/cases/",
            {
                "organization": "d.xixiang",
                "enterprise": world.ent_x.pk,
                "category": "financing",
                "title": "x",
                "occurred_at": "2017-02-10",  # Friday: within three days of its end
            },
        )
        assert r.status_code == 201
        pk = r.json()["id"]
        r = _post(
            client,
            f"/api/v1/cases/{pk}/assign/",
            {"assignee": "xixiang", "occurred_at": "2017-02-09"},
        )
        assert r.status_code == 400  # before the raising
        r = _post(
            client,
            f"/api/v1/cases/{pk}/assign/",
            {"assignee": "xixiang", "occurred_at": "2017-02-10T09:00"},
        )
        assert r.status_code == 200
    events = list(CaseEvent.objects.filter(case_id=pk).order_by("at", "id"))
    assert [e.entered_late for e in events] == [False, True]  # 3 days 6 hours after 09:00


def test_a_refused_step_is_409_with_the_same_shape_in_every_workflow(client, world):
    from chamber.activities import services as activities
    from chamber.casework import services as casework
    from chamber.politics import services as politics

    client.force_login(world.secretary)
    case = casework.raise_case(
        actor=world.secretary,
        organization=world.xixiang,
        enterprise=world.ent_x,
        category=Category.objects.get(code="financing"),
        title="x",
    )
    proposal = politics.create_proposal(
        actor=world.secretary,
        organization=world.xixiang,
        kind="proposal",
        level="4_district",
        place="宝安区",
        session_year=2017,
        session_term=5,
        session_sitting=1,
        title="关于x的提案",
        lead=world.rep_x,
    )
    start = datetime.datetime.now(tz=SH) + datetime.timedelta(days=5)
    event = activities.create_event(
        actor=world.secretary,
        organization=world.xixiang,
        kind="training",
        title="培训",
        starts_at=start,
    )
    open_event = activities.create_event(
        actor=world.secretary,
        organization=world.xixiang,
        kind="training",
        title="培训2",
        starts_at=start,
        announce=True,
    )
    reg = activities.register(actor=world.secretary, event=open_event, enterprise=world.ent_x)
    activities.cancel_registration(actor=world.secretary, registration=reg)
    refused = {
        f"/api/v1/cases/{case.pk}/resolve/": ("received", {"resolution": "x"}),
        f"/api/v1/proposals/{proposal.pk}/file/": ("drafted", {"on": "2017-01-01"}),
        f"/api/v1/events/{event.pk}/close/": ("draft", {}),
        f"/api/v1/registrations/{reg.pk}/check-in/": ("cancelled", {}),
    }
    for url, (state, body) in refused.items():
        r = _post(client, url, body)
        assert r.status_code == 409, (url, r.content)
        answer = r.json()
        assert set(answer) == {"detail", "state", "allowed_steps"}, url
        assert answer["state"] == state and isinstance(answer["allowed_steps"], list), url
        assert answer["detail"], url
    assert _post(client, f"/api/v1/events/{event.pk}/close/", {}).json()["allowed_steps"] == [
        "announce",
        "cancel",
    ]


def test_a_held_event_cannot_be_opened_for_sign_up_again(client, world):
    from chamber.activities import services as activities

    with time_machine.travel(at(2017, 3, 20), tick=False):
        event = activities.create_event(
            actor=world.secretary,
            organization=world.xixiang,
            kind="meeting",
            title="会议",
            starts_at=at(2017, 3, 20, 9),
            announce=True,
        )
        activities.close_registration(actor=world.secretary, event=event)
    client.force_login(world.secretary)
    r = _post(client, f"/api/v1/events/{event.pk}/announce/", {})
    assert r.status_code == 409 and r.json()["state"] == "held"
    assert r.json()["allowed_steps"] == ["cancel"]
    assert client.get(f"/api/v1/events/{event.pk}/").json()["state"] == "held"
    r = _post(client, f"/api/v1/events/{event.pk}/register/", {"enterprise": world.ent_x.pk})
    assert r.status_code == 409 and r.json()["state"] == "held"
