"""The pages: they render, their forms call the services, their query counts stay
fixed as rows grow (no N+1)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chamber.activities import services
from chamber.activities.choices import CouncilKind, DonationKind, DonationPurpose, HonorLevel
from chamber.activities.models import CheckIn, Donation, Event, Honor, Meeting, Registration

from .conftest import make_event, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(world):
    """Xixiang with several events, sign-ups, check-ins, donations, a council."""
    events = []
    for i in range(4):
        ev = make_event(world.xixiang, title=f"培训{i}", capacity=5, co_organizers=[world.district])
        for j in range(3):
            ent, person = make_member(world.xixiang, f"企业{i}{j}有限公司")
            reg = services.register(actor=None, event=ev, enterprise=ent, person=person)
            if j:
                services.check_in(actor=None, registration=reg)
            services.record_donation(
                actor=None,
                organization=world.xixiang,
                enterprise=ent,
                kind=DonationKind.MONEY,
                amount="100.50",
                date=datetime.date(2016, 6, 1),
                purpose=DonationPurpose.EVENT,
                event=ev,
            )
        events.append(ev)
    council = services.create_council(
        actor=None,
        organization=world.xixiang,
        kind=CouncilKind.COUNCIL,
        name="理事会",
        short_name="理事会",
    )
    term = services.create_term(actor=None, council=council, starts=datetime.date(2014, 1, 1))
    for i in range(3):
        ent, person = make_member(world.xixiang, f"理事{i}有限公司", f"理事{i}")
        services.add_term_member(actor=None, term=term, person=person)
        services.create_meeting(actor=None, term=term, date=datetime.date(2015 + i, 2, 1))
    return events


def test_list_pages_render_in_a_fixed_number_of_queries(
    client, world, busy, django_assert_max_num_queries
):
    client.force_login(world.secretary)
    pages = {
        # session, user, scope (2 per permission) and the page's own reads; each
        # budget holds for 4 events x 3 sign-ups x 3 donations as for one
        reverse("activities:event_list"): 18,
        reverse("activities:event_list") + "?org=d.xixiang&year=" + str(timezone.now().year): 18,
        reverse("activities:calendar"): 9,
        reverse("activities:donations"): 16,
        reverse("activities:fund_list"): 12,
        reverse("activities:council"): 15,
        reverse("activities:honors"): 13,
        reverse("activities:event", args=[busy[0].pk]): 19,
        reverse("activities:check_in", args=[busy[0].pk]): 13,
        reverse("activities:member_section", args=[world.ent_x.pk]): 12,
    }
    for url, most in pages.items():
        with django_assert_max_num_queries(most):
            r = client.get(url)
        assert r.status_code == 200, url


def test_event_page_queries_do_not_grow_with_sign_ups(client, world, django_assert_max_num_queries):
    event = make_event(world.xixiang, speakers=[{"name": "陈教授", "is_expert": True}])
    client.force_login(world.secretary)
    client.get(reverse("activities:event", args=[event.pk]))
    for i in range(15):
        ent, person = make_member(world.xixiang, f"报名企业{i}有限公司")
        reg = services.register(actor=None, event=event, person=person)
        if i % 2:
            services.check_in(actor=None, registration=reg)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("activities:event", args=[event.pk])).content.decode()
    assert body.count('data-registration="') == 15 and "陈教授" in body


def test_member_section_lists_events_donations_honours(
    client, world, django_assert_max_num_queries
):
    event = make_event(world.xixiang, title="知识产权专题培训")
    reg = services.register(actor=None, event=event, person=world.rep_x)
    services.check_in(actor=None, registration=reg)
    services.record_donation(
        actor=None,
        organization=world.xixiang,
        enterprise=world.ent_x,
        kind=DonationKind.IN_KIND,
        goods="电脑20台",
        amount="88000",
        date=datetime.date(2016, 9, 9),
        purpose=DonationPurpose.PAIRED_ASSISTANCE,
        recipient="广西百色市田阳县",
    )
    services.award_honor(
        actor=None,
        organization=world.xixiang,
        enterprise=world.ent_x,
        title="广东省优秀民营企业",
        level=HonorLevel.PROVINCIAL,
        awarding_body="广东省工商联",
        year=2016,
    )
    client.force_login(world.secretary)
    with django_assert_max_num_queries(12):
        body = client.get(
            reverse("activities:member_section", args=[world.ent_x.pk])
        ).content.decode()
    assert (
        "知识产权专题培训" in body and "广西百色市田阳县" in body and "广东省优秀民营企业" in body
    )
    assert "88,000.00" in body
    # the member page loads the section by htmx
    page = client.get(reverse("members:enterprise", args=[world.ent_x.pk])).content.decode()
    assert reverse("activities:member_section", args=[world.ent_x.pk]) in page


def test_secretary_runs_a_training_through_the_pages(client, world, members):
    client.force_login(world.secretary)
    start = timezone.localtime() - datetime.timedelta(minutes=30)
    r = client.post(
        reverse("activities:event_create"),
        {
            "organization": world.xixiang.pk,
            "kind": "training",
            "title": "安全生产管理培训",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "place": "西乡街道商会培训中心",
            "destination": "local",
            "capacity": "2",
            "co_organizers": [world.district.pk],
            "open_to": [world.xixiang.pk],
            "description": "",
            "speakers-TOTAL_FORMS": "2",
            "speakers-INITIAL_FORMS": "0",
            "speakers-0-name": "王律师",
            "speakers-0-affiliation": "律师事务所",
            "speakers-0-topic": "安全生产法",
            "speakers-1-name": "",
        },
    )
    event = Event.objects.get(title="安全生产管理培训")
    assert r.status_code == 302 and r["Location"] == reverse("activities:event", args=[event.pk])
    assert event.status == "draft" and list(event.co_organizers.all()) == [world.district]
    assert event.speakers.get().name == "王律师"
    client.post(reverse("activities:event_step", args=[event.pk, "announce"]))
    event.refresh_from_db()
    assert event.status == "announced"
    url = reverse("activities:event_register", args=[event.pk])
    for ent, _p in members:
        client.post(url, {"member": f"e:{ent.pk}", "party_size": "1", "action": "register"})
    statuses = list(event.registrations.order_by("id").values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    # check one in by code on the check-in page (htmx), then the second time is refused
    reg = event.registrations.order_by("id").first()
    check_url = reverse("activities:check_in", args=[event.pk])
    r = client.post(
        check_url, {"code": reg.code_display, "method": "typed"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200 and r["HX-Trigger"] == "checked-in"
    assert "check-in-ok" in r.content.decode()
    r = client.post(check_url, {"code": reg.code, "method": "camera"}, HTTP_HX_REQUEST="true")
    assert "check-in-error" in r.content.decode() and "HX-Trigger" not in r
    assert CheckIn.objects.get(registration=reg).method == "typed"
    # the figure
    r = client.get(reverse("activities:event_attendance", args=[event.pk]))
    assert 'id="attendance-count">1<' in r.content.decode()
    # cancel the second: the waiting list moves up
    second = event.registrations.order_by("id")[1]
    client.post(reverse("activities:registration_cancel", args=[second.pk]))
    assert event.registrations.order_by("id").last().status == "confirmed"
    # list check-in of the third, then a walk-in is refused (full) without the box
    third = event.registrations.order_by("id").last()
    client.post(reverse("activities:registration_check_in", args=[third.pk]))
    assert CheckIn.objects.filter(registration__event=event).count() == 2
    r = client.post(
        url, {"member": f"p:{world.rep_x.pk}", "party_size": "1", "action": "walk_in"}, follow=True
    )
    assert "full" in r.content.decode()
    client.post(
        url,
        {
            "member": f"p:{world.rep_x.pk}",
            "party_size": "1",
            "action": "walk_in",
            "over_capacity": "on",
        },
    )
    assert Registration.objects.get(event=event, person=world.rep_x).walk_in


def test_check_in_page_without_htmx_redirects_with_a_message(client, world):
    event = make_event(world.xixiang)
    reg = services.register(actor=None, event=event, enterprise=world.ent_x)
    client.force_login(world.secretary)
    r = client.post(
        reverse("activities:check_in", args=[event.pk]), {"code": reg.code}, follow=True
    )
    assert r.redirect_chain[-1][0] == reverse("activities:check_in", args=[event.pk])
    assert world.ent_x.name in r.content.decode()
    r = client.post(reverse("activities:check_in", args=[event.pk]), {"code": "NOPE"}, follow=True)
    assert "NOPE" in r.content.decode()


def test_ticket_shows_the_qr_code_and_the_typed_code(client, world):
    event = make_event(world.xixiang)
    reg = services.register(actor=None, event=event, enterprise=world.ent_x)
    client.force_login(world.secretary)
    body = client.get(reverse("activities:ticket", args=[reg.pk])).content.decode()
    assert "<svg" in body and reg.code_display in body
    svg = client.get(reverse("activities:ticket_qr", args=[reg.pk]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_member_picker_offers_matching_members_in_scope(client, world):
    client.force_login(world.secretary)
    body = client.get(
        reverse("activities:member_options"), {"q": "华为", "name": "member"}
    ).content.decode()
    assert f'value="e:{world.ent_x.pk}"' in body and f'value="p:{world.rep_x.pk}"' in body
    body = client.get(
        reverse("activities:member_options"), {"q": "福永", "name": "member"}
    ).content.decode()
    assert "e:" not in body
    body = client.get(
        reverse("activities:member_options"), {"q": "华为", "name": "member", "persons": "1"}
    ).content.decode()
    assert "e:" not in body and f"p:{world.rep_x.pk}" in body


def test_register_form_refuses_a_member_outside_the_scope(client, world):
    event = make_event(world.xixiang)
    client.force_login(world.secretary)
    r = client.post(
        reverse("activities:event_register", args=[event.pk]),
        {"member": f"e:{world.ent_f.pk}", "party_size": "1", "action": "register"},
        follow=True,
    )
    assert not event.registrations.exists()
    assert "Choose a member from the list" in r.content.decode()


def test_donation_pages_certificate_and_year_total(client, world, settings):
    client.force_login(world.secretary)
    fund = services.create_fund(actor=None, organization=world.xixiang, name="西商公益基金")
    r = client.post(
        reverse("activities:donation_create"),
        {
            "organization": world.xixiang.pk,
            "donor": f"e:{world.ent_x.pk}",
            "kind": "money",
            "amount": "123456.78",
            "purpose": "fund",
            "fund": fund.pk,
            "date": "2016-04-16",
            "receipt_no": "XX-001",
        },
    )
    donation = Donation.objects.get()
    assert r.status_code == 302 and donation.fund == fund and donation.enterprise == world.ent_x
    body = client.get(reverse("activities:donations") + "?year=2016&org=d.xixiang").content.decode()
    assert 'id="charity-year">¥123,456.78<' in body
    body = client.get(reverse("activities:fund", args=[fund.pk])).content.decode()
    assert 'id="fund-balance">¥123,456.78<' in body
    cert = client.get(reverse("activities:donation_certificate", args=[donation.pk]))
    assert cert["Content-Type"].startswith("application/vnd.openxmlformats")
    assert cert.content[:2] == b"PK"
    client.post(
        reverse("activities:fund_spend", args=[fund.pk]),
        {"date": "2016-05-01", "amount": "456.78", "purpose": "助学"},
    )
    body = client.get(reverse("activities:fund", args=[fund.pk])).content.decode()
    assert 'id="fund-balance">¥123,000.00<' in body
    r = client.post(reverse("activities:donation_void", args=[donation.pk]), {"reason": "测试"})
    donation.refresh_from_db()
    assert donation.is_voided is False  # the fund paid part of it out: refused
    bad = client.post(
        reverse("activities:donation_create"),
        {
            "organization": world.xixiang.pk,
            "donor": f"e:{world.ent_x.pk}",
            "kind": "in_kind",
            "amount": "10",
            "purpose": "other",
            "date": "2016-04-16",
        },
    )
    assert bad.status_code == 200 and "Describe the goods" in bad.content.decode()


def test_attachments_upload_and_download(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = make_event(world.xixiang)
    client.force_login(world.secretary)
    client.post(
        reverse("activities:attachment_upload", args=[event.pk]),
        {"title": "课件", "file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4 test")},
    )
    att = event.attachments.get()
    r = client.get(reverse("activities:attachment", args=[att.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 test"
    client.force_login(world.other_secretary)
    assert client.get(reverse("activities:attachment", args=[att.pk])).status_code == 404


def test_council_and_meeting_pages(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.secretary)
    client.post(
        reverse("activities:council_create"),
        {
            "organization": world.xixiang.pk,
            "kind": "council",
            "name": "理事会",
            "short_name": "理事会",
            "quorum_numerator": "1",
            "quorum_denominator": "2",
        },
    )
    council = world.xixiang.councils.get()
    client.post(
        reverse("activities:term_create", args=[council.pk]),
        {"number": "2", "starts": "2014-01-10"},
    )
    term = council.terms.get()
    client.post(
        reverse("activities:seat_create", args=[term.pk]),
        {"member": f"p:{world.rep_x.pk}", "role": "1_chair"},
    )
    r = client.post(
        reverse("activities:seat_create", args=[term.pk]),
        {"member": f"e:{world.ent_x.pk}", "role": "5_member"},
        follow=True,
    )
    assert "choose a person" in r.content.decode()
    r = client.post(
        reverse("activities:meeting_create", args=[term.pk]),
        {"date": "2016-03-01", "agenda": "总结工作\n部署任务"},
    )
    meeting = Meeting.objects.get()
    assert r["Location"] == reverse("activities:meeting", args=[meeting.pk])
    seat = term.members.get()
    client.post(reverse("activities:meeting_attendance", args=[meeting.pk]), {"members": [seat.pk]})
    client.post(
        reverse("activities:meeting_resolution", args=[meeting.pk]),
        {"text": "审议通过工作报告", "votes_for": "1", "adopted": "on"},
    )
    client.post(
        reverse("activities:meeting_minutes_upload", args=[meeting.pk]),
        {"minutes": SimpleUploadedFile("纪要.txt", b"minutes")},
    )
    body = client.get(reverse("activities:meeting", args=[meeting.pk])).content.decode()
    assert "审议通过工作报告" in body and "部署任务" in body and 'id="minutes-link"' in body
    assert meeting.attendance.count() == 1
    body = client.get(reverse("activities:council")).content.decode()
    assert meeting.name in body


def test_honour_form(client, world):
    client.force_login(world.secretary)
    r = client.post(
        reverse("activities:honors"),
        {
            "organization": world.xixiang.pk,
            "title": "“双强”基层组织示范点",
            "level": "municipal",
            "awarding_body": "深圳市工商联",
            "year": "2016",
        },
    )
    assert r.status_code == 302 and Honor.objects.get().organization == world.xixiang
    body = client.get(reverse("activities:honors")).content.decode()
    assert "“双强”基层组织示范点" in body


def test_calendar_month_navigation(client, world):
    make_event(
        world.xixiang,
        title="五月的培训",
        starts=datetime.datetime(2016, 5, 10, 14, tzinfo=timezone.get_default_timezone()),
    )
    client.force_login(world.secretary)
    body = client.get(reverse("activities:calendar"), {"month": "2016-05"}).content.decode()
    assert "五月的培训" in body and "?month=2016-04" in body and "?month=2016-06" in body
    body = client.get(reverse("activities:calendar"), {"month": "2016-06"}).content.decode()
    assert "五月的培训" not in body
    assert client.get(reverse("activities:calendar"), {"month": "junk"}).status_code == 200
