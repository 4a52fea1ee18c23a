"""Sign in as federation staff, find an enterprise by its pinyin initials, open it, see
its history, switch to English."""

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_district_finds_enterprise_by_initials(page, world):
    sign_in(page, "district", "x-test-pass-1")
    page.wait_for_selector("#workbench")  # signed in: the start page
    page.goto(page.base + "/members/")
    page.fill("#id_q", "hwjs")  # 深圳市华为技术有限公司 -> 华为技术 -> hwjs
    rows = page.locator("#directory-rows")
    expect(rows.get_by_text("福永精密五金有限公司")).to_have_count(0)
    expect(rows.get_by_text("深圳市华为技术有限公司")).to_have_count(1)
    assert "q=hwjs" in page.url  # the search is in the address, so it can be shared
    screenshot(page, "directory-search")
    page.click("text=深圳市华为技术有限公司")
    page.wait_for_selector("#membership-history")
    assert "西乡街道商会" in page.inner_text("#membership-history")
    assert page.inner_text("#uscc") == world.ent_x.uscc
    screenshot(page, "enterprise-page")
    page.select_option("#language-form select", "en")
    page.wait_for_selector("text=Memberships and history")
    assert "Audit trail" in page.content()
    assert page.console_errors == []
