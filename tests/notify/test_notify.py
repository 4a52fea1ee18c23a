"""Notifications end to end: a service's event → the queue → notices in the inbox and
messages that arrive at local SMTP, SMS-gateway and WeCom servers."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from chamber.activities.models import Event
from chamber.activities.services import events as event_services
from chamber.activities.services import registrations as reg_services
from chamber.casework import services as case_services
from chamber.casework.models import Category, Department
from chamber.core.queue import run_queued
from chamber.notify import rules, services
from chamber.notify.models import Delivery, Notification, Preference, Template, WeComHook

SH = datetime.timezone(datetime.timedelta(hours=8))
NOON = datetime.datetime(2017, 6, 1, 12, 0, tzinfo=SH)


@pytest.fixture
def case(world):
    world.secretary.email = "xixiang@example.cn"
    world.secretary.save()
    world.ent_x.contact_name, world.ent_x.contact_phone = "张三", "13800138000"
    world.ent_x.save()
    return case_services.raise_case(
        actor=world.secretary,
        organization=world.xixiang,
        enterprise=world.ent_x,
        category=Category.objects.get(code="financing"),
        title="贷款到期续贷困难",
        # raised before the (time-travelled) steps below: a step is never before it
        occurred_at=NOON - datetime.timedelta(hours=2),
    )


@time_machine.travel(NOON, tick=False)
def test_case_assigned_reaches_the_inbox_email_and_wecom(world, case, smtp_sink, http_sink):
    WeComHook.objects.create(
        organization=world.xixiang, name="秘书处", url=http_sink.base + "/wecom"
    )
    case_services.assign_case(actor=world.staff, case=case, assignee=world.secretary)
    run_queued()
    note = Notification.objects.get(user=world.secretary)
    assert note.kind == "case.assign" and "贷款到期续贷困难" in note.subject
    # the holder may see personal data: the contact's mobile in full
    assert "13800138000" in note.body
    ((to, mail),) = smtp_sink.messages
    assert to == ["xixiang@example.cn"]
    assert str(mail["Subject"]).strip() == "诉求交您办理：贷款到期续贷困难"
    assert mail.get_body(("plain",)).get_content().startswith("深圳市华为技术有限公司的诉求")
    assert "<p>" in mail.get_body(("html",)).get_content()
    (robot,) = http_sink.wecom
    assert robot["msgtype"] == "markdown"
    content = robot["markdown"]["content"]
    assert (
        "贷款到期续贷困难" in content and "138****8000" in content and "13800138000" not in content
    )
    log = {d.channel: d for d in Delivery.objects.all()}
    assert log["email"].status == log["wecom"].status == "sent"
    assert log["email"].attempts == 1 and '"errcode": 0' in log["wecom"].answer


@time_machine.travel(NOON, tick=False)
def test_hand_over_texts_the_department_signed_and_no_duplicate_on_retry(world, case, http_sink):
    dept = Department.objects.create(name="区人力资源局", contact="李四", phone="13912345678")
    case_services.assign_case(actor=world.staff, case=case, assignee=world.secretary)
    case_services.hand_over_case(actor=world.secretary, case=case, department=dept)
    run_queued()
    (sms,) = http_sink.sms
    assert sms["PhoneNumbers"] == "13912345678" and sms["TemplateCode"] == "SMS_CASE_HANDOVER"
    assert sms["SignName"] == "宝安区工商联" and sms["SignatureMethod"] == "HMAC-SHA1"
    assert '"department":"区人力资源局"' in sms["TemplateParam"]
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.status == "sent" and '"Code": "OK"' in delivery.answer
    # the same event fanned out again (a retried task) makes nothing new
    from chamber.notify.tasks import fan_out

    before = (Notification.objects.count(), Delivery.objects.count())
    event_id = case.events.order_by("-pk").first().pk
    fan_out.call(
        "case.hand_over", "casework.Case", case.pk, world.secretary.pk, {"step_id": event_id}
    )
    assert (Notification.objects.count(), Delivery.objects.count()) == before


def test_sms_waits_for_the_morning_in_quiet_hours(world, case, http_sink):
    dept = Department.objects.create(name="区税务局", phone="13912345678")
    late = datetime.datetime(2017, 6, 1, 23, 30, tzinfo=SH)
    with time_machine.travel(late, tick=False):
        case_services.assign_case(actor=world.staff, case=case, assignee=world.secretary)
        case_services.hand_over_case(actor=world.secretary, case=case, department=dept)
        run_queued()
        d = Delivery.objects.get(channel="sms")
        assert d.status == "held" and not http_sink.sms
        assert timezone.localtime(d.not_before) == datetime.datetime(2017, 6, 2, 8, 0, tzinfo=SH)
    with time_machine.travel(datetime.datetime(2017, 6, 2, 8, 1, tzinfo=SH), tick=False):
        run_queued()
    assert len(http_sink.sms) == 1 and Delivery.objects.get(channel="sms").status == "sent"


@time_machine.travel(NOON, tick=False)
def test_failures_retry_then_show_as_failed(world, case, http_sink, settings):
    hook = WeComHook.objects.create(
        organization=world.xixiang, name="秘书处", url=http_sink.base + "/wecom"
    )
    http_sink.fail_wecom = 1  # rate-limited once, then accepted
    case_services.assign_case(actor=world.staff, case=case, assignee=world.secretary)
    run_queued()
    d = Delivery.objects.get(channel="wecom")
    assert d.status == "pending" and d.attempts == 1 and "45009" in d.answer
    with time_machine.travel(NOON + datetime.timedelta(minutes=5), tick=False):
        run_queued()
    d.refresh_from_db()
    assert d.status == "sent" and d.attempts == 2 and len(http_sink.wecom) == 1
    # a wrong address fails for good and is listed for administrators
    hook.url = "http://127.0.0.1:9/nothing"
    hook.save()
    case_services.assign_case(actor=world.staff, case=case, assignee=world.staff)
    for minutes in (10, 20, 40, 80, 160):
        with time_machine.travel(NOON + datetime.timedelta(minutes=minutes), tick=False):
            run_queued()
    failed = Delivery.objects.get(channel="wecom", status="failed")
    assert failed.attempts == services.MAX_ATTEMPTS and "Error" in failed.answer
    # ... and administrators find it in their inbox
    alert = Notification.objects.get(user=world.admin, kind="delivery.failed")
    assert "企业微信群" in alert.subject and alert.url.endswith(f"/delivery/{failed.pk}/change/")


@time_machine.travel(NOON, tick=False)
def test_preferences_templates_and_english_fallback(world, case, smtp_sink):
    Preference.objects.create(user=world.secretary, kind="case.assign", channels=["inapp"])
    Template.objects.create(
        kind="case.assign", language="zh-hans", subject="新诉求：{{ title }}", body="请办理。"
    )
    case_services.assign_case(actor=world.staff, case=case, assignee=world.secretary)
    run_queued()
    assert not smtp_sink.messages  # in-app only, by the user's choice
    assert Notification.objects.get().subject == "新诉求：贷款到期续贷困难"
    Template.objects.all().delete()
    from chamber.notify.kinds import KINDS, Kind

    KINDS["only.en"] = Kind("only.en", "x", ("", ""), ("Hello {{ name }}", "Body"))
    try:
        assert services.wording("only.en", "email")[0] == "Hello {{ name }}"
    finally:
        del KINDS["only.en"]


def test_a_leader_without_personal_rights_sees_masked_mobiles(world, case):
    assert services.shown("13800138000", world.leader, world.xixiang.pk) == "138****8000"
    assert services.shown("13800138000", world.secretary, world.xixiang.pk) == "13800138000"


@time_machine.travel(NOON, tick=False)
def test_event_sign_up_waiting_list_cancellation(world, http_sink):
    world.rep_x.mobile = "13700137000"
    world.rep_x.save()
    world.rep_f.mobile = "13600136000"
    world.rep_f.save()
    event = event_services.create_event(
        actor=world.staff,
        organization=world.district,
        kind="training",
        title="财税培训",
        starts_at=NOON + datetime.timedelta(days=3),
        ends_at=NOON + datetime.timedelta(days=3, hours=2),
        place="西乡街道办三楼会议室",
        capacity=1,
        announce=True,
    )
    first = reg_services.register(actor=world.staff, event=event, person=world.rep_x)
    second = reg_services.register(actor=world.staff, event=event, person=world.rep_f)
    run_queued()
    assert [s["TemplateCode"] for s in http_sink.sms] == [
        "SMS_EVENT_CONFIRMED",
        "SMS_EVENT_WAITLISTED",
    ]
    assert f"/activities/registrations/{first.pk}/" in http_sink.sms[0]["TemplateParam"]
    reg_services.cancel_registration(actor=world.staff, registration=first)
    run_queued()
    assert http_sink.sms[-1]["TemplateCode"] == "SMS_EVENT_PROMOTED"
    assert http_sink.sms[-1]["PhoneNumbers"] == "13600136000"
    # the day before: a reminder with place and ticket
    with time_machine.travel(NOON + datetime.timedelta(days=2), tick=False):
        made = services.notify_all(rules.event_reminders(timezone.localdate()))
        run_queued()
    assert made == 1
    reminder = http_sink.sms[-1]
    assert (
        reminder["TemplateCode"] == "SMS_EVENT_REMINDER"
        and "三楼会议室" in reminder["TemplateParam"]
    )
    assert f"/activities/registrations/{second.pk}/" in reminder["TemplateParam"]
    event_services.cancel_event(
        actor=world.staff, event=Event.objects.get(pk=event.pk), reason="台风"
    )
    run_queued()
    assert http_sink.sms[-1]["TemplateCode"] == "SMS_EVENT_CANCELLED"
    assert http_sink.sms[-1]["PhoneNumbers"] == "13600136000"


@time_machine.travel(NOON, tick=False)
def test_an_unreachable_smtp_server_counts_a_try_and_retries(world, case, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    case_services.assign_case(actor=world.staff, case=case, assignee=world.secretary)
    run_queued()
    d = Delivery.objects.get(channel="email")
    assert d.status == "pending" and d.attempts == 1 and "ConnectionRefused" in d.answer
