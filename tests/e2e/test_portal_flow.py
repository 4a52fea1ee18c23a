"""The members' portal at 390 px: a member signs in with an SMS code, raises a problem
with a photo; the secretary hands it to a department and resolves it; the member sees
it resolved and rates it; the member signs up for an event and opens the QR ticket,
which the secretary's check-in page accepts. Every portal page is screenshotted."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chamber.activities import services as activities
from chamber.activities.choices import EventKind
from chamber.casework.models import Case, Department
from chamber.portal import services, sms

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


def _code(mobile):
    for to, text in reversed(sms.OUTBOX):
        if to == mobile:
            return "".join(ch for ch in text if ch.isdigit())[:6]
    raise AssertionError("no code")


def open_step(page, step):
    page.eval_on_selector(f"#step-{step}", "d => { d.open = true; }")


def test_member_problem_rating_and_ticket_at_390(page, world, browser):
    sms.OUTBOX.clear()
    dept = Department.objects.create(name="区市场监督管理局")
    account, _token = services.invite(
        actor=world.secretary, person=world.rep_x, organization=world.xixiang
    )
    event = activities.create_event(
        actor=None,
        organization=world.xixiang,
        kind=EventKind.TRAINING,
        title="企业税收政策解读专题培训",
        place="西乡街道商会会议室",
        starts_at=timezone.now() + datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=4),
        announce=True,
    )
    page.set_viewport_size(PHONE)

    # Sign in with the code.
    page.goto(page.base + "/portal/login/")
    screenshot(page, "portal-login-390")
    page.fill("#id_mobile", world.rep_x.mobile)
    page.click("main button[type=submit]")
    page.wait_for_selector("#id_code")
    screenshot(page, "portal-code-390")
    page.fill("#id_code", _code(world.rep_x.mobile))
    page.click("main button[type=submit]")
    page.wait_for_selector("#accept")
    screenshot(page, "portal-consent-390")
    page.check("#accept")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("任正非")
    screenshot(page, "portal-home-390")

    # Raise a problem with a photo.
    page.goto(page.base + "/portal/problems/new/")
    page.select_option("#id_category", label="融资")
    page.fill("#id_title", "厂房消防验收卡住了")
    page.fill("#id_description", "新厂房消防验收三个月没有结果，影响投产。")
    page.set_input_files(
        "#id_photos", files=[{"name": "site.png", "mimeType": "image/png", "buffer": PNG}]
    )
    screenshot(page, "portal-problem-new-390")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("厂房消防验收卡住了")
    case = Case.objects.get()
    assert case.source == "portal" and case.portal_photos.count() == 1

    # The secretary, on another browser, takes it through to resolution.
    staff_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    staff = staff_ctx.new_page()
    staff.base = page.base
    sign_in(staff, "xixiang", "x-test-pass-1")
    staff.wait_for_selector("#workbench")
    staff.goto(f"{staff.base}/casework/cases/{case.pk}/")
    open_step(staff, "assign")
    staff.select_option("#id_assign-assignee", label="xixiang")
    staff.click("#step-assign button[type=submit]")
    staff.wait_for_selector("#step-hand_over")
    open_step(staff, "hand_over")
    staff.select_option("#id_hand_over-department", str(dept.pk))
    staff.fill("#id_hand_over-comment", "内部：请市场监管局协调")
    staff.click("#step-hand_over button[type=submit]")
    expect(staff.locator("#case-department")).to_contain_text("区市场监督管理局")
    open_step(staff, "resolve")
    staff.fill("#id_resolve-resolution", "已协调消防部门完成验收。")
    staff.click("#step-resolve button[type=submit]")
    staff.wait_for_selector("#step-follow_up")

    # The member sees it resolved (internal remarks hidden) and rates it.
    page.goto(f"{page.base}/portal/problems/{case.pk}/")
    expect(page.locator(".timeline")).to_contain_text("已协调消防部门完成验收。")
    assert "内部" not in page.content()
    page.check("input[name=score][value='5']")
    page.fill("#id_comment", "处理及时，非常满意")
    screenshot(page, "portal-problem-resolved-390")
    page.click("main button[type=submit]")
    expect(page.locator(".timeline")).to_contain_text("会员在会员服务中评价")
    screenshot(page, "portal-problem-rated-390")
    case.refresh_from_db()
    assert case.status == "followed_up" and case.satisfaction_score == 5

    # Sign up for the event and open the ticket.
    page.goto(page.base + "/portal/events/")
    screenshot(page, "portal-events-390")
    page.click(f"a[href='/portal/events/{event.pk}/']")
    screenshot(page, "portal-event-390")
    page.click("main form:not([action]) button[type=submit]")
    page.wait_for_selector("#ticket-code")
    screenshot(page, "portal-ticket-390")
    code = page.get_attribute("#ticket-code", "data-code")

    # The ticket is still there when the network drops.
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#ticket-code")).to_have_attribute("data-code", code)
    page.context.set_offline(False)

    # The secretary's check-in page accepts it.
    staff.goto(f"{staff.base}/activities/events/{event.pk}/check-in/")
    staff.wait_for_selector("#code-form")
    staff.fill("#id_code", code)
    staff.click("#check-in-button")
    expect(staff.locator("#check-in-result .check-in-ok")).to_contain_text("任正非")
    staff.goto(f"{staff.base}/members/online/")
    expect(staff.locator("body")).to_contain_text("任正非")
    screenshot(staff, "portal-staff-accounts")
    staff_ctx.close()

    # The remaining pages, for the record.
    for name, path in [
        ("problem", f"/portal/problems/{case.pk}/"),
        ("enterprise", "/portal/enterprise/"),
        ("membership", "/portal/membership/"),
        ("problems", "/portal/problems/"),
        ("attendance", "/portal/attendance/"),
        ("proposals", "/portal/proposals/"),
        ("account", "/portal/account/"),
    ]:
        page.goto(page.base + path)
        screenshot(page, f"portal-{name}-390")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)  # no sideways scroll on a phone
    assert [e for e in page.console_errors if "net::ERR_INTERNET_DISCONNECTED" not in e] == []
