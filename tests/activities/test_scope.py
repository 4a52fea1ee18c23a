"""Scope from the outside: another chamber's events, sign-ups, donations, funds,
meetings and honours answer 404 by page and by API."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from chamber.activities import services
from chamber.activities.choices import CouncilKind, DonationKind, DonationPurpose, HonorLevel

from .conftest import make_event

pytestmark = pytest.mark.django_db


def _records(world, org, ent, person):
    event = make_event(org, title=f"{org.name}的培训")
    reg = services.register(actor=None, event=event, enterprise=ent, person=person)
    fund = services.create_fund(actor=None, organization=org, name=f"{org.name}基金")
    donation = services.record_donation(
        actor=None,
        organization=org,
        enterprise=ent,
        kind=DonationKind.MONEY,
        amount="1000",
        date=datetime.date(2016, 5, 1),
        purpose=DonationPurpose.FUND,
        fund=fund,
    )
    council = services.create_council(
        actor=None, organization=org, kind=CouncilKind.COUNCIL, name="理事会", short_name="理事会"
    )
    term = services.create_term(actor=None, council=council, starts=datetime.date(2014, 1, 1))
    meeting = services.create_meeting(actor=None, term=term, date=datetime.date(2016, 3, 1))
    honor = services.award_honor(
        actor=None,
        organization=org,
        title="示范点",
        level=HonorLevel.MUNICIPAL,
        awarding_body="深圳市工商联",
        year=2016,
    )
    return {
        "pages": [
            reverse("activities:event", args=[event.pk]),
            reverse("activities:event_attendance", args=[event.pk]),
            reverse("activities:ticket", args=[reg.pk]),
            reverse("activities:ticket_qr", args=[reg.pk]),
            reverse("activities:donation", args=[donation.pk]),
            reverse("activities:donation_certificate", args=[donation.pk]),
            reverse("activities:fund", args=[fund.pk]),
            reverse("activities:meeting", args=[meeting.pk]),
            reverse("activities:member_section", args=[ent.pk]),
            f"/admin/activities/event/{event.pk}/change/",
            f"/admin/activities/donation/{donation.pk}/change/",
            f"/admin/activities/registration/{reg.pk}/change/",
            f"/admin/activities/honor/{honor.pk}/change/",
        ],
        "change_pages": [
            reverse("activities:check_in", args=[event.pk]),
            reverse("activities:event_edit", args=[event.pk]),
        ],
        "api": [
            f"/api/v1/events/{event.pk}/",
            f"/api/v1/registrations/{reg.pk}/",
            f"/api/v1/donations/{donation.pk}/",
            f"/api/v1/funds/{fund.pk}/",
            f"/api/v1/meetings/{meeting.pk}/",
            f"/api/v1/honors/{honor.pk}/",
        ],
        "posts": [
            reverse("activities:event_register", args=[event.pk]),
            reverse("activities:event_step", args=[event.pk, "close"]),
            reverse("activities:registration_check_in", args=[reg.pk]),
            reverse("activities:registration_cancel", args=[reg.pk]),
            reverse("activities:donation_void", args=[donation.pk]),
            reverse("activities:fund_spend", args=[fund.pk]),
            reverse("activities:meeting_attendance", args=[meeting.pk]),
            f"/api/v1/events/{event.pk}/register/",
            f"/api/v1/events/{event.pk}/check-in/",
            f"/api/v1/registrations/{reg.pk}/check-in/",
            f"/api/v1/registrations/{reg.pk}/cancel/",
            f"/api/v1/donations/{donation.pk}/void/",
            f"/api/v1/funds/{fund.pk}/spend/",
            f"/api/v1/meetings/{meeting.pk}/attendance/",
            f"/api/v1/honors/{honor.pk}/withdraw/",
        ],
        "event": event,
        "reg": reg,
    }


@pytest.fixture
def records(world):
    return {
        "x": _records(world, world.xixiang, world.ent_x, world.rep_x),
        "f": _records(world, world.fuyong, world.ent_f, world.rep_f),
    }


def test_secretary_reaches_own_records_and_not_the_other_streets(client, world, records):
    client.force_login(world.secretary)
    for url in records["x"]["pages"] + records["x"]["change_pages"] + records["x"]["api"]:
        assert client.get(url).status_code == 200, url
    for url in records["f"]["pages"] + records["f"]["change_pages"] + records["f"]["api"]:
        assert client.get(url).status_code == 404, url
    for url in records["f"]["posts"]:
        assert client.post(url, {}).status_code == 404, url
    # nothing of fuyong's changed
    records["f"]["reg"].refresh_from_db()
    assert records["f"]["reg"].status == "confirmed"


def test_district_staff_reaches_both(client, world, records):
    client.force_login(world.staff)
    for which in ("x", "f"):
        for url in records[which]["pages"] + records[which]["api"]:
            assert client.get(url).status_code == 200, url


def test_lists_show_only_the_scope(client, world, records):
    client.force_login(world.secretary)
    for url, own, other in [
        ("/api/v1/events/", records["x"]["event"].pk, records["f"]["event"].pk),
        ("/api/v1/registrations/", records["x"]["reg"].pk, records["f"]["reg"].pk),
    ]:
        ids = [r["id"] for r in client.get(url).json()["results"]]
        assert own in ids and other not in ids
    for name in ("donations", "funds", "meetings", "honors"):
        orgs = {r["organization"] for r in client.get(f"/api/v1/{name}/").json()["results"]}
        assert orgs == {"d.xixiang"}, name
    body = client.get(reverse("activities:event_list")).content.decode()
    assert "西乡街道商会的培训" in body and "福永街道商会的培训" not in body
    body = client.get(reverse("activities:calendar")).content.decode()
    assert "西乡街道商会的培训" in body and "福永街道商会的培训" not in body
    body = client.get(reverse("activities:donations")).content.decode()
    assert world.ent_x.name in body and world.ent_f.name not in body


def test_a_co_organiser_sees_and_handles_the_event_but_does_not_edit_it(client, world):
    event = make_event(world.fuyong, co_organizers=[world.xixiang], title="两街道联合交流")
    client.force_login(world.secretary)
    assert client.get(reverse("activities:event", args=[event.pk])).status_code == 200
    assert client.get(reverse("activities:check_in", args=[event.pk])).status_code == 200
    assert client.get(reverse("activities:event_edit", args=[event.pk])).status_code == 403
    r = client.post(
        f"/api/v1/events/{event.pk}/register/",
        {"enterprise": world.ent_x.pk},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status"] == "confirmed"
    r = client.patch(f"/api/v1/events/{event.pk}/", {"title": "x"}, content_type="application/json")
    assert r.status_code == 403


def test_a_chamber_sees_its_members_sign_ups_for_events_it_does_not_see(client, world):
    event = make_event(world.district, title="区工商联大会")
    reg = services.register(actor=None, event=event, enterprise=world.ent_x)
    client.force_login(world.secretary)
    assert client.get(f"/api/v1/events/{event.pk}/").status_code == 404
    assert client.get(f"/api/v1/registrations/{reg.pk}/").status_code == 200
    section = client.get(reverse("activities:member_section", args=[world.ent_x.pk]))
    assert "区工商联大会" in section.content.decode()
    # but may not act on it
    r = client.post(f"/api/v1/registrations/{reg.pk}/cancel/", {}, content_type="application/json")
    assert r.status_code == 403


def test_leader_reads_but_cannot_write(client, world, records):
    client.force_login(world.leader)
    assert client.get(records["f"]["pages"][0]).status_code == 200
    r = client.post(
        f"/api/v1/registrations/{records['f']['reg'].pk}/check-in/",
        {},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert (
        client.get(reverse("activities:check_in", args=[records["f"]["event"].pk])).status_code
        == 404
    )
    assert client.get(reverse("activities:event_create")).status_code == 403


def test_outsider_and_anonymous(client, world, records):
    client.force_login(world.outsider)
    assert client.get(records["x"]["pages"][0]).status_code == 404
    assert client.get("/api/v1/events/").status_code == 403
    client.logout()
    r = client.get(reverse("activities:event_list"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client.get("/api/v1/events/").status_code in (401, 403)
