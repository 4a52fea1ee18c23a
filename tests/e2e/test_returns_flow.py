"""Staff prepare the 2016 return, correct a figure with a reason, a leader approves,
staff submit; the pages at 1280 and 390 px."""

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_prepare_correct_approve_submit(page, world):
    sign_in(page, "district", "x-test-pass-1")
    page.goto(page.base + "/returns/d/?year=2016")
    page.fill("#id_year", "2016")
    page.click("#prepare")
    expect(page.locator("#return-status")).to_contain_text("草稿")
    row = page.locator("#lines tr[data-figure='members.total']")
    row.locator("input[name=value]").fill("3")
    row.locator("input[name=reason]").fill("一家企业漏录")
    row.locator("button").click()
    expect(page.locator("#lines")).to_contain_text("一家企业漏录")
    screenshot(page, "return-draft")
    page.set_viewport_size({"width": 390, "height": 800})
    screenshot(page, "return-draft-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.clear_cookies()
    sign_in(page, "leader", "x-test-pass-1")
    page.goto(page.base + "/returns/d/")
    page.click("#returns a")
    page.click("#approve")
    expect(page.locator("#return-status")).to_contain_text("已审核")
    page.context.clear_cookies()
    sign_in(page, "district", "x-test-pass-1")
    page.goto(page.base + "/returns/d/")
    page.click("#returns a")
    page.click("#submit")
    expect(page.locator("#return-status")).to_contain_text("已报送")
    screenshot(page, "return-submitted")
    assert page.console_errors == []
