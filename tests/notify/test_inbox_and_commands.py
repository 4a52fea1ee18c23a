"""The inbox (page, bell, API), the daily digests and the commands."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from chamber.casework import services as case_services
from chamber.casework.models import Case, Category
from chamber.core.queue import run_queued
from chamber.notify import rules, services
from chamber.notify.models import Notification

SH = datetime.timezone(datetime.timedelta(hours=8))


def _note(user, n: int, **kw):
    return Notification.objects.create(
        kind="test",
        key=f"k{n}",
        recipient=f"u:{user.pk}",
        user=user,
        subject=f"消息{n}",
        body="正文",
        **kw,
    )


def test_inbox_bell_and_api_are_the_users_own(world, client):
    for n in range(3):
        _note(world.secretary, n)
    _note(world.other_secretary, 9)
    client.force_login(world.secretary)
    bell = client.get("/notifications/bell/").content.decode()
    assert 'data-unread="3"' in bell
    page = client.get("/notifications/").content.decode()
    assert "消息0" in page and "消息9" not in page
    api = APIClient()
    api.force_authenticate(world.secretary)
    data = api.get("/api/v1/notifications/?unread=true").json()
    assert data["count"] == 3
    first = data["results"][0]["id"]
    assert api.post(f"/api/v1/notifications/{first}/read/").json()["unread"] is False
    assert api.get("/api/v1/notifications/?unread=true").json()["count"] == 2
    other = Notification.objects.get(user=world.other_secretary).pk
    assert api.get(f"/api/v1/notifications/{other}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{other}/read/").status_code == 404
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert "data-unread" not in client.get("/notifications/bell/").content.decode()


def test_inbox_queries_do_not_grow_with_notices(world, client, django_assert_max_num_queries):
    for n in range(40):
        _note(world.secretary, n)
    client.force_login(world.secretary)
    with django_assert_max_num_queries(8):
        assert client.get("/notifications/").status_code == 200
    api = APIClient()
    api.force_authenticate(world.secretary)
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/notifications/").json()["count"] == 40


def test_the_schema_lists_the_inbox():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/notifications/{id}/read/" in out.getvalue()


def test_daily_digest_holder_and_secretary_once_each(world):
    day = datetime.date(2017, 6, 1)
    cat = Category.objects.get(code="financing")
    with time_machine.travel(datetime.datetime(2017, 5, 1, 10, tzinfo=SH), tick=False):
        late = case_services.raise_case(
            actor=world.secretary,
            organization=world.xixiang,
            enterprise=world.ent_x,
            category=cat,
            title="逾期诉求",
        )
        case_services.assign_case(actor=world.staff, case=late, assignee=world.staff)
        soon = case_services.raise_case(
            actor=world.secretary,
            organization=world.xixiang,
            enterprise=world.ent_x,
            category=cat,
            title="将到期诉求",
        )
        case_services.assign_case(actor=world.staff, case=soon, assignee=world.staff)
        done = case_services.raise_case(
            actor=world.secretary,
            organization=world.xixiang,
            enterprise=world.ent_x,
            category=cat,
            title="待回访诉求",
        )
    Case.objects.filter(pk=late.pk).update(due_on=datetime.date(2017, 5, 20))
    Case.objects.filter(pk=soon.pk).update(due_on=datetime.date(2017, 6, 5))
    Case.objects.filter(pk=done.pk).update(
        status="resolved", resolved_on=datetime.date(2017, 5, 20)
    )
    notices = rules.cases_daily(day)
    by_user = {n.recipient.user.username: n for n in notices}
    assert set(by_user) == {"district", "xixiang"}  # the holder and the chamber's secretary
    holder = by_user["district"].context
    assert [c["title"] for c in holder["overdue"]] == ["逾期诉求"]
    assert [c["title"] for c in holder["due"]] == ["将到期诉求"]
    sec = by_user["xixiang"].context
    assert [c["title"] for c in sec["follow_up"]] == ["待回访诉求"]
    assert services.notify_all(notices) == 2
    services.notify_all(rules.cases_daily(day))  # the same day again: nothing new
    assert Notification.objects.filter(kind="case.digest").count() == 2
    subject = Notification.objects.get(user=world.secretary, kind="case.digest").subject
    assert subject == "诉求办理提醒（2017-06-01）：1件逾期，1件即将到期"


def test_weekly_digest_per_leader(world):
    notices, groups = rules.weekly_digests(datetime.date(2017, 6, 5))
    (n,) = notices
    assert n.recipient.user == world.leader and n.context["organization"] == world.district.name
    assert set(n.context) >= {"joined", "visits", "cases_raised", "cases_overdue", "events"}


@pytest.mark.django_db(transaction=True)
def test_import_finished_tells_whoever_started_it(world, tmp_path, settings):
    from chamber.members.importers import jobs
    from chamber.members.importers.jobs import ImportJob

    src = tmp_path / "bad.csv"
    src.write_text("不是会员表\n1,2\n", encoding="utf-8")
    settings.MEDIA_ROOT = tmp_path
    job = ImportJob.objects.create(
        user=world.secretary,
        organization=world.xixiang,
        file="bad.csv",
        original_name="bad.csv",
        size=10,
    )
    jobs.start(job, "write")
    run_queued()
    note = Notification.objects.get(user=world.secretary)
    assert note.kind == "import.failed" and "bad.csv" in note.subject


def test_commands(world, capsys):
    out = StringIO()
    call_command("notify", "digest", "--dry-run", "--date", "2017-06-05", stdout=out)
    assert "would be made for 2017-06-05" in out.getvalue()
    assert not Notification.objects.exists()
    out = StringIO()
    call_command("notify", "test", "--channel", "sms", "--to", "13800138000", stdout=out)
    assert "printed to the console" in out.getvalue()
    with pytest.raises(CommandError, match="wecom to http://127.0.0.1:9/"):
        call_command("notify", "test", "--channel", "wecom", "--to", "http://127.0.0.1:9/x")


def test_settings_choose_email_per_kind(world, client):
    client.force_login(world.secretary)
    page = client.get("/notifications/settings/").content.decode()
    assert 'name="email-case.assign"' in page and "checked" in page
    client.post("/notifications/settings/", {"email-case.digest": "1"})
    from chamber.notify.models import Preference

    prefs = {p.kind: p.channels for p in Preference.objects.filter(user=world.secretary)}
    assert prefs["case.assign"] == ["inapp"] and prefs["case.digest"] == ["inapp", "email"]
    r = services.Recipient.of(world.secretary)
    r.email = "x@example.cn"
    assert services.channels_for("case.assign", r) == ["inapp"]
    assert services.channels_for("case.digest", r) == ["inapp", "email"]
