"""A case handed over in the pages: the new holder finds it in the inbox behind the
bell, and the messages arrive at the local SMTP server and WeCom robot."""

import pytest
from playwright.sync_api import expect

from chamber.casework import services as case_services
from chamber.casework.models import Category, Department
from chamber.core.queue import run_queued
from chamber.notify.models import Delivery, WeComHook
from tests.notify.conftest import http_sink, smtp_sink  # noqa: F401 (fixtures)

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def open_step(page, step):
    page.eval_on_selector(f"#step-{step}", "d => { d.open = true; }")


def test_a_case_handed_over_reaches_the_holder(page, world, smtp_sink, http_sink):  # noqa: F811
    world.secretary.email = "xixiang@example.cn"
    world.secretary.save()
    WeComHook.objects.create(
        organization=world.xixiang, name="秘书处", url=http_sink.base + "/wecom"
    )
    Department.objects.create(name="区人力资源局", phone="13912345678")
    case = case_services.raise_case(
        actor=world.staff,
        organization=world.xixiang,
        enterprise=world.ent_x,
        category=Category.objects.get(code="financing"),
        title="贷款到期续贷困难",
    )
    sign_in(page, "district", "x-test-pass-1")
    page.wait_for_selector("#workbench")  # signed in: the start page
    page.goto(f"{page.base}/casework/cases/{case.pk}/")
    open_step(page, "assign")
    page.select_option("#id_assign-assignee", label="xixiang")
    page.click("#step-assign button[type=submit]")
    page.wait_for_selector("#step-hand_over")
    open_step(page, "hand_over")
    page.select_option("#id_hand_over-department", label="区人力资源局")
    page.click("#step-hand_over button[type=submit]")
    page.wait_for_selector("#case-timeline")
    run_queued()  # the worker's part

    page.context.clear_cookies()
    sign_in(page, "xixiang", "x-test-pass-1")
    page.wait_for_selector("#workbench")  # signed in: the start page
    badge = page.locator("#bell [data-unread]")
    expect(badge).to_have_text("2")  # assigned to me; handed over
    screenshot(page, "notify-bell")
    page.click("#bell a")
    page.wait_for_url("**/notifications/")
    expect(page.locator("main")).to_contain_text("诉求交您办理：贷款到期续贷困难")
    expect(page.locator("main")).to_contain_text("诉求交办：贷款到期续贷困难")
    screenshot(page, "notify-inbox")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "notify-inbox-phone")
    assert [m[0] for m in smtp_sink.messages] == [["xixiang@example.cn"]] * 2
    assert len(http_sink.wecom) == 2
    # the department's SMS: sent, or held until 08:00 when the test runs at night
    assert Delivery.objects.filter(channel="sms", status__in=["sent", "held"]).count() == 1
    assert not page.console_errors
