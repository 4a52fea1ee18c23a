"""The timed notices: proposal replies, dues, the monthly figures; and the scheduler
queues each firing once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import time_machine
from django.utils import timezone

from chamber.core import queue
from chamber.core.models import ScheduleRun
from chamber.core.queue import run_queued
from chamber.members.models import Due
from chamber.notify import digest, rules, services
from chamber.notify.models import DuesNoticeDay, Notification
from tests.politics.conftest import advance, draft, pol  # noqa: F401 (fixture)

SH = datetime.timezone(datetime.timedelta(hours=8))


def test_a_proposal_reply_due_and_overdue_reaches_the_staff_member_following_it(pol):  # noqa: F811
    proposal = advance(pol, draft(pol, actor=pol.w.staff), "signed", actor=pol.w.staff)
    due = proposal.reply_due
    assert rules.proposals_daily(due - datetime.timedelta(days=30)) == []
    (n,) = rules.proposals_daily(due - datetime.timedelta(days=1))
    assert n.recipient.user == pol.w.staff
    assert n.context["proposals"][0]["overdue"] is False
    (n,) = rules.proposals_daily(due + datetime.timedelta(days=3))
    assert n.context["proposals"][0]["overdue"] is True
    services.notify_all([n])
    assert "已逾期" in Notification.objects.get(user=pol.w.staff).body


@time_machine.travel(datetime.datetime(2018, 1, 15, 10, tzinfo=SH), tick=False)
def test_dues_by_sms_on_the_chambers_day(world, http_sink):
    world.ent_x.contact_phone = "13800138000"
    world.ent_x.save()
    Due.objects.create(membership=world.m_x, year=2018, amount=Decimal("2000.00"))
    Due.objects.create(membership=world.m_f, year=2018, amount=Decimal("1000.00"))
    DuesNoticeDay.objects.create(organization=world.xixiang, month=1, day=15)
    assert rules.dues_notices(datetime.date(2018, 1, 14)) == []
    services.notify_all(rules.dues_notices(timezone.localdate()))
    run_queued()
    (sms,) = http_sink.sms  # Fuyong chose no day: its members hear nothing yet
    assert sms["PhoneNumbers"] == "13800138000" and sms["TemplateCode"] == "SMS_DUES_NOTICE"
    assert '"amount":"2,000.00"' in sms["TemplateParam"]


@time_machine.travel(datetime.datetime(2017, 7, 1, 8, 0, 30, tzinfo=SH), tick=False)
def test_monthly_figures_as_a_docx_attachment_on_the_1st(world, smtp_sink, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world.leader.email = "leader@example.cn"
    world.leader.save()
    fired = queue.tick()  # 08:00 on the 1st (and the stored figures' refresh, every minute)
    assert sorted(n for n in fired if n.startswith("notify.")) == ["notify.daily", "notify.monthly"]
    assert queue.tick() == []  # once
    run_queued()
    ((to, mail),) = smtp_sink.messages
    assert to == ["leader@example.cn"]
    assert str(mail["Subject"]).strip() == f"{world.district.name}2017年6月工作数据"
    (part,) = list(mail.iter_attachments())
    assert part.get_filename() == "figures-d-2017-06.docx" and part.get_content()[:2] == b"PK"
    assert ScheduleRun.objects.filter(name="notify.monthly").count() == 1
    assert digest.last_month(datetime.date(2017, 1, 1)).start == datetime.date(2016, 12, 1)
