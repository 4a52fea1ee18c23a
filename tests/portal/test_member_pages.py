"""What a member sees and does, through the portal's pages, and what staff see of it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chamber.casework import services as casework
from chamber.casework.choices import CaseSource, Status
from chamber.casework.models import Case, CaseEvent, Department
from chamber.core.models import AuditEntry
from chamber.members import services as members
from chamber.portal.models import ChangeRequest, MemberRating, Notice, ProblemPhoto

from ..factories import PersonFactory
from .conftest import sign_in

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


def _raise(client, world, portal, photos=()):
    return client.post(
        "/portal/problems/new/",
        {
            "enterprise": world.ent_x.pk,
            "category": portal.category.pk,
            "title": "厂房消防验收卡住了",
            "description": "新厂房消防验收三个月没有结果。",
            "photos": list(photos),
        },
    )


def test_problem_from_raise_to_member_rating(client, world, portal):
    sign_in(client, portal.x)
    r = _raise(client, world, portal, [SimpleUploadedFile("site.png", PNG, "image/png")])
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.source == CaseSource.PORTAL and case.organization == world.xixiang
    assert AuditEntry.objects.filter(
        object_id=case.pk, actor=portal.x.user, note__contains="portal"
    ).exists()
    photo = ProblemPhoto.objects.get(case=case)
    assert client.get(f"/portal/problems/{case.pk}/photos/{photo.pk}/").status_code == 200
    # It arrives in the chamber's queue; staff work on it with internal remarks.
    casework.assign_case(
        actor=world.secretary, case=case, assignee=world.secretary, comment="内部：先问消防大队"
    )
    dept = Department.objects.create(name="区消防救援大队")
    casework.hand_over_case(actor=world.secretary, case=case, department=dept, comment="内部备注")
    page = client.get(f"/portal/problems/{case.pk}/").content.decode()
    assert "内部" not in page and "Rate how it was handled" not in page
    casework.resolve_case(actor=world.secretary, case=case, resolution="已协调完成验收。")
    page = client.get(f"/portal/problems/{case.pk}/").content.decode()
    assert "已协调完成验收。" in page and "Rate how it was handled" in page
    r = client.post(f"/portal/problems/{case.pk}/", {"score": "5", "comment": "很及时"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.FOLLOWED_UP and case.satisfaction_score == 5
    assert MemberRating.objects.filter(case=case, account=portal.x).count() == 1
    assert (
        "rated by the member in the portal"
        in client.get(f"/portal/problems/{case.pk}/").content.decode()
    )
    # Once per resolution.
    r = client.post(f"/portal/problems/{case.pk}/", {"score": "1", "comment": "x"})
    case.refresh_from_db()
    assert case.satisfaction_score == 5
    assert CaseEvent.objects.filter(case=case, step="follow_up").count() == 1


def test_staff_phone_follow_up_is_marked_as_such(client, world, portal):
    sign_in(client, portal.x)
    _raise(client, world, portal)
    case = Case.objects.get()
    casework.assign_case(actor=world.secretary, case=case, assignee=world.secretary)
    casework.resolve_case(actor=world.secretary, case=case, resolution="已办结")
    casework.follow_up_case(actor=world.secretary, case=case, satisfaction="satisfied", score=4)
    page = client.get(f"/portal/problems/{case.pk}/").content.decode()
    assert "recorded by staff (phone follow-up)" in page


def test_a_non_photo_is_refused_and_nothing_is_raised(client, world, portal):
    sign_in(client, portal.x)
    r = _raise(client, world, portal, [SimpleUploadedFile("x.png", b"MZ\x90\x00evil", "image/png")])
    assert r.status_code == 200 and b"not a JPEG, PNG or WebP" in r.content
    assert not Case.objects.exists()


def test_change_request_approved_enters_the_register_audited(client, world, portal):
    sign_in(client, portal.x)
    r = client.post(
        f"/portal/enterprise/{world.ent_x.pk}/",
        {
            "contact_name": "张经理",
            "contact_phone": "075588889999",
            "business_address": world.ent_x.business_address,
            "registered_address": world.ent_x.registered_address,
            "employees": "320",
            "main_products": world.ent_x.main_products,
        },
    )
    assert r.status_code == 302
    req = ChangeRequest.objects.get()
    assert req.changes["contact_name"][1] == "张经理" and req.changes["employees"][1] == "320"
    # Staff of another street cannot see or decide it.
    client.force_login(world.other_secretary)
    assert "张经理" not in client.get("/members/online/changes/").content.decode()
    assert (
        client.post(
            f"/members/online/changes/{req.pk}/decide/", {"decision": "approve"}
        ).status_code
        == 404
    )
    client.force_login(world.secretary)
    page = client.get("/members/online/changes/").content.decode()
    assert "张经理" in page
    client.post(f"/members/online/changes/{req.pk}/decide/", {"decision": "approve"})
    world.ent_x.refresh_from_db()
    assert world.ent_x.contact_name == "张经理" and world.ent_x.employees == 320
    req.refresh_from_db()
    assert req.status == "approved" and req.decided_by == world.secretary
    assert AuditEntry.objects.filter(
        object_id=world.ent_x.pk, action="update", actor=world.secretary
    ).exists()


def test_change_request_refused_needs_a_reason(client, world, portal):
    sign_in(client, portal.x)
    client.post(f"/portal/enterprise/{world.ent_x.pk}/", {"employees": "12"})
    req = ChangeRequest.objects.get()
    client.force_login(world.secretary)
    client.post(f"/members/online/changes/{req.pk}/decide/", {"decision": "refuse"})
    req.refresh_from_db()
    assert req.status == "pending"
    client.post(
        f"/members/online/changes/{req.pk}/decide/", {"decision": "refuse", "reason": "人数有误"}
    )
    req.refresh_from_db()
    assert req.status == "refused"
    world.ent_x.refresh_from_db()
    assert world.ent_x.employees != 12


def test_events_sign_up_self_and_colleague_cancel_and_ticket(client, world, portal):
    colleague = PersonFactory(name="任财务", enterprise=world.ent_x)
    outsider = PersonFactory(name="外人")
    ev = portal.event()
    other_street = portal.event(world.fuyong, title="福永专场")
    sign_in(client, portal.x)
    page = client.get("/portal/events/").content.decode()
    assert ev.title in page and "福永专场" not in page
    assert client.get(f"/portal/events/{other_street.pk}/").status_code == 404
    r = client.post(f"/portal/events/{ev.pk}/", {"person": portal.x.person.pk})
    assert r.status_code == 302
    reg = ev.registrations.get(person=portal.x.person)
    page = client.get(f"/portal/tickets/{reg.pk}/").content.decode()
    assert "<svg" in page and reg.code_display in page
    r = client.post(f"/portal/events/{ev.pk}/", {"person": colleague.pk})
    assert ev.registrations.filter(person=colleague).exists()
    r = client.post(f"/portal/events/{ev.pk}/", {"person": outsider.pk})
    assert r.status_code == 200 and not ev.registrations.filter(person=outsider).exists()
    client.post(f"/portal/registrations/{reg.pk}/cancel/")
    reg.refresh_from_db()
    assert reg.status == "cancelled"


def test_notices_by_chamber_industry_and_rank(client, world, portal):
    world.ent_x.industry_section = "C"
    world.ent_x.save()
    now = timezone.now()
    Notice.objects.create(organization=world.district, title="全区通知", body="b", published_at=now)
    Notice.objects.create(organization=world.fuyong, title="福永通知", body="b", published_at=now)
    Notice.objects.create(
        organization=world.xixiang,
        title="制造业通知",
        body="b",
        industry_section="C",
        published_at=now,
    )
    Notice.objects.create(
        organization=world.xixiang, title="会长通知", body="b", rank="1_president", published_at=now
    )
    sign_in(client, portal.x)
    page = client.get("/portal/").content.decode()
    assert "全区通知" in page and "制造业通知" in page
    assert "福永通知" not in page and "会长通知" not in page


def test_staff_publish_notice_in_scope(client, world, portal):
    client.force_login(world.secretary)
    r = client.post(
        "/members/online/notices/",
        {"organization": world.fuyong.pk, "title": "越权", "body": "x"},
    )
    assert r.status_code == 200 and not Notice.objects.exists()
    client.post(
        "/members/online/notices/",
        {"organization": world.xixiang.pk, "title": "年检提醒", "body": "请于月底前完成年检。"},
    )
    assert Notice.objects.get().title == "年检提醒"


def test_membership_shows_dues_and_receipts(client, world, portal):
    due = members.set_due(actor=world.secretary, membership=world.m_x, year=2026, amount="2000")
    members.record_payment(
        actor=world.secretary,
        due=due,
        paid_on=datetime.date(2026, 3, 1),
        amount="1500",
        receipt_no="XX2026-007",
    )
    sign_in(client, portal.x)
    page = client.get("/portal/membership/").content.decode()
    assert "XX2026-007" in page and "500.00" in page
    assert Decimal("2000") == due.amount


def test_invitations_page_and_scope(client, world, portal):
    client.force_login(world.secretary)
    page = client.get("/members/online/").content.decode()
    assert world.rep_x.name in page and world.rep_f.name not in page
    newcomer = PersonFactory(name="新会员", enterprise=world.ent_x)
    r = client.post("/members/online/", {"organization": world.xixiang.pk, "person": newcomer.pk})
    assert "/portal/invite/" in r.content.decode() and "<svg" in r.content.decode()
    r = client.post(
        "/members/online/", {"organization": world.xixiang.pk, "person": world.rep_f.pk}
    )
    assert "is not with a member" in r.content.decode()


def test_home_query_count_is_bounded(client, world, portal, django_assert_max_num_queries):
    for i in range(5):
        portal.event(title=f"培训{i}")
    sign_in(client, portal.x)
    with django_assert_max_num_queries(20):
        assert client.get("/portal/").status_code == 200


def test_staff_see_the_members_photo_on_the_case_page(client, world, portal):
    sign_in(client, portal.x)
    _raise(client, world, portal, [SimpleUploadedFile("site.png", PNG, "image/png")])
    case = Case.objects.get()
    photo = ProblemPhoto.objects.get()
    url = f"/members/online/cases/{case.pk}/photos/{photo.pk}/"
    client.force_login(world.secretary)
    assert url in client.get(f"/casework/cases/{case.pk}/").content.decode()
    assert client.get(url).status_code == 200
    client.force_login(world.other_secretary)
    assert client.get(url).status_code == 404


def test_problem_and_event_pages_query_bounds(client, world, portal, django_assert_max_num_queries):
    sign_in(client, portal.x)
    for _i in range(3):
        _raise(client, world, portal)
    case = Case.objects.first()
    for _ in range(3):
        PersonFactory(enterprise=world.ent_x)
    ev = portal.event()
    with django_assert_max_num_queries(14):
        assert client.get("/portal/problems/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(f"/portal/problems/{case.pk}/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(f"/portal/events/{ev.pk}/").status_code == 200
