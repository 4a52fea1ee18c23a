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
    cases = dict(report["cases"])
    # the two runs create their own departments: compare them by name (PostgreSQL's
    # sequences do not roll back with the run)
    cases["by_department"] = [
        {k: v for k, v in d.items() if k != "id"} for d in cases.get("by_department", [])
    ]
    return {"cases": cases, "visits": report["visits"]}


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
    differ = {
        (block, k): (later[block][k], on_the_day[block][k])
        for block in on_the_day
        for k in on_the_day[block]
        if later[block][k] != on_the_day[block][k]
    }
    assert differ == {}
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


# --- Sheets typed in during 2017 for 2016 ---------------------------------------------------


def _xlsx(path, header, rows, title=None):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.fixture
def second(world):
    from tests.factories import EnterpriseFactory, MembershipFactory, PersonFactory

    ent = EnterpriseFactory(name="西乡精密模具有限公司")
    person = PersonFactory(name="陈七", enterprise=ent)
    MembershipFactory(organization=world.xixiang, enterprise=ent, representative=person)
    return ent


VISIT_ROWS = [
    ("2016-05-12", "深圳市华为技术有限公司", "大走访", "了解融资需求", "贷款到期续贷困难", "融资"),
    ("2016-05-12", "西乡精密模具有限公司", "大走访", "了解融资需求", "", ""),
    ("2016-09-30", "西乡精密模具有限公司", "调研走访", "用工调研", "招工难", "人才和招工"),
]


def test_a_2016_visit_sheet_imported_in_2017_counts_as_if_entered_on_the_day(
    world, second, tmp_path
):
    from chamber.casework import services as casework
    from chamber.casework.models import Visit
    from chamber.casework.sheets import import_visit_sheet

    def by_hand():
        for day, group in (
            (datetime.date(2016, 5, 12), VISIT_ROWS[:2]),
            (datetime.date(2016, 9, 30), VISIT_ROWS[2:]),
        ):
            with time_machine.travel(at(day.year, day.month, day.day, 17), tick=False):
                ents = [world.ent_x if r[1].startswith("深圳") else second for r in group]
                casework.log_visit(
                    actor=world.secretary,
                    organization=world.xixiang,
                    date=day,
                    kind="routine" if group[0][2] == "大走访" else "survey",
                    enterprises=ents,
                    purpose=group[0][3],
                    cases=[
                        {
                            "enterprise": e,
                            "category": _cat(r[5]),
                            "title": r[4],
                        }
                        for e, r in zip(ents, group, strict=True)
                        if r[4]
                    ],
                )

    def by_sheet():
        path = _xlsx(
            tmp_path / "走访.xlsx",
            ["走访日期", "企业名称", "走访类型", "走访事由", "反映问题", "问题类别"],
            VISIT_ROWS,
            title="西乡街道商会2016年走访记录",
        )
        with time_machine.travel(at(2017, 2, 10), tick=False):
            outcome = import_visit_sheet(path, actor=world.secretary, organization=world.xixiang)
        assert outcome.ok, [e.as_dict() for e in outcome.errors]
        assert outcome.rows == 3

    results = []
    for enter in (by_hand, by_sheet):
        with transaction.atomic():
            enter()
            results.append(_figures(world))
            results.append(sorted(Visit.objects.values_list("date", "kind")))
            transaction.set_rollback(True)
    hand, hand_visits, sheet, sheet_visits = results
    assert hand["visits"]["enterprises"] == 2 and hand["cases"]["raised"] == 2
    assert sheet == hand and sheet_visits == hand_visits


def _cat(name):
    return next(c for c in Category.objects.all() if name in (c.name, str(c)))


def test_a_bad_visit_sheet_writes_nothing_and_says_where(world, second, tmp_path):
    from chamber.casework.models import Case, Visit
    from chamber.casework.sheets import import_visit_sheet

    path = _xlsx(
        tmp_path / "走访.xlsx",
        ["走访日期", "企业名称", "反映问题", "问题类别"],
        [
            ("2016-05-12", "深圳市华为技术有限公司", "贷款难", "融资"),
            ("2016-13-40", "不存在的公司", "", ""),
            ("2016-05-13", "福永精密五金有限公司", "", ""),  # another chamber's member
            ("2016-05-14", "西乡精密模具有限公司", "x", "没有这类"),
        ],
    )
    out = import_visit_sheet(
        path, actor=world.secretary, organization=world.xixiang, error_file=tmp_path / "e.xlsx"
    )
    assert not out.ok and Visit.objects.count() == 0 and Case.objects.count() == 0
    where = {(e.row, e.column) for e in out.errors}
    assert {(3, "走访日期"), (3, "企业名称"), (4, "企业名称"), (5, "问题类别")} <= where
    assert out.error_file.exists()


def test_a_2016_sign_in_sheet_imported_in_2017_counts_as_if_entered_on_the_day(
    world, second, tmp_path
):
    from chamber.activities import services as activities
    from chamber.activities.models import CheckIn
    from chamber.activities.sheets import import_sign_in_sheet

    with time_machine.travel(at(2016, 4, 1), tick=False):
        event = activities.create_event(
            actor=world.secretary,
            organization=world.xixiang,
            kind="training",
            title="跨境电商培训",
            starts_at=at(2016, 4, 20, 9),
            announce=True,
        )
        reg = activities.register(
            actor=world.secretary, event=event, enterprise=world.ent_x, party_size=2
        )
        activities.register(actor=world.secretary, event=event, person=world.rep_x)

    def by_hand():
        with time_machine.travel(
            at(
                2016,
                4,
                20,
                9,
            ),
            tick=False,
        ):
            activities.check_in(actor=world.secretary, registration=reg, headcount=2)
            activities.register(actor=world.secretary, event=event, enterprise=second, walk_in=True)

    def by_sheet():
        path = _xlsx(
            tmp_path / "签到.xlsx",
            ["姓名", "企业名称", "人数", "签到时间"],
            [
                ("", "深圳市华为技术有限公司", 2, "09:00"),
                ("陈七", "西乡精密模具有限公司", 1, "2016-04-20 09:00"),
            ],
        )
        with time_machine.travel(at(2017, 2, 10), tick=False):
            out = import_sign_in_sheet(path, actor=world.secretary, event=event)
        assert out.ok, [e.as_dict() for e in out.errors]

    results = []
    for enter in (by_hand, by_sheet):
        with transaction.atomic():
            enter()
            with time_machine.travel(at(2017, 3, 1), tick=False):
                report = annual_report(world.xixiang, 2016)
            results.append(report["events"])
            results.append(sorted(CheckIn.objects.values_list("at", "headcount")))
            transaction.set_rollback(True)
    hand, hand_checks, sheet, sheet_checks = results
    assert hand["by_kind"]["training"]["attendance"] == 3
    assert sheet == hand
    assert [c[0] for c in sheet_checks] == [at(2016, 4, 20, 9)] * 2


def test_the_import_command_takes_sheets(world, second, tmp_path):
    from django.core.management import call_command

    from chamber.casework.models import Visit

    path = _xlsx(
        tmp_path / "v.xlsx",
        ["走访日期", "企业名称"],
        [("2016-05-12", "深圳市华为技术有限公司")],
    )
    call_command("import", "visits", str(path), "--org", "d.xixiang", "--user", "xixiang")
    assert Visit.objects.get().date == datetime.date(2016, 5, 12)


def test_the_sheet_pages(client, world, second, tmp_path):
    from chamber.activities import services as activities
    from chamber.activities.models import CheckIn
    from chamber.casework.models import Visit

    client.force_login(world.secretary)
    assert client.get("/casework/visits/sheet/").status_code == 200
    bad = _xlsx(
        tmp_path / "bad.xlsx", ["走访日期", "企业名称"], [("明天", "深圳市华为技术有限公司")]
    )
    with open(bad, "rb") as f:
        r = client.post("/casework/visits/sheet/", {"file": f})
    assert r.status_code == 400 and "sheet-errors" in r.content.decode()
    link = r.context["error_name"]
    assert client.get(f"/members/sheets/errors/{link}/").status_code == 200
    client.logout()
    client.force_login(world.other_secretary)
    assert client.get(f"/members/sheets/errors/{link}/").status_code == 404
    client.force_login(world.secretary)
    good = _xlsx(
        tmp_path / "good.xlsx", ["走访日期", "企业名称"], [("2016-05-12", "深圳市华为技术有限公司")]
    )
    with open(good, "rb") as f:
        r = client.post("/casework/visits/sheet/", {"file": f})
    assert r.status_code == 302 and Visit.objects.count() == 1
    assert client.get("/casework/visits/sheet/?org=d.fuyong").status_code == 404

    with time_machine.travel(at(2016, 4, 1), tick=False):
        event = activities.create_event(
            actor=world.secretary,
            organization=world.xixiang,
            kind="training",
            title="培训",
            starts_at=at(2016, 4, 20, 9),
            announce=True,
        )
    sheet = _xlsx(tmp_path / "s.xlsx", ["企业名称", "人数"], [("西乡精密模具有限公司", 3)])
    with open(sheet, "rb") as f:
        r = client.post(f"/activities/events/{event.pk}/sign-in-sheet/", {"file": f})
    assert r.status_code == 302 and CheckIn.objects.get().headcount == 3
    page = client.get(f"/activities/events/{event.pk}/").content.decode()
    assert 'id="announce"' not in page  # held: it cannot be opened for sign-up again
    client.force_login(world.other_secretary)
    assert client.get(f"/activities/events/{event.pk}/sign-in-sheet/").status_code == 404


def test_late_entry_figures_of_a_chamber_without_children(world):
    from chamber.casework.figures import late_entry_figures

    out = late_entry_figures(world.xixiang, datetime.date(2016, 1, 1), datetime.date(2016, 12, 31))
    assert out == {"steps": 0, "late": 0, "rate": None, "children": []}


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "0368-05-01", "2101-01-01"])
def test_a_moment_outside_1949_to_2100_is_a_located_error(value):
    from django.core.exceptions import ValidationError

    from chamber.core.steps import parse_moment

    with pytest.raises(ValidationError) as e:
        parse_moment(value)
    assert "occurred_at" in e.value.message_dict
