"""A leader opens the dashboard (charts drawn, no console errors), follows a figure to
its records, and downloads the work report."""

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_dashboard_drilldown_and_docx(page, world, tmp_path):
    sign_in(page, "leader", "x-test-pass-1")
    page.goto(page.base + "/reports/d/?year=2016")
    expect(page.locator("#charts")).to_have_attribute("data-rendered", "6")
    assert page.locator("#chart-member-growth svg").count() == 1
    screenshot(page, "dashboard")
    page.click("[data-figure='members.total']")
    page.wait_for_selector("#record-count")
    assert page.locator(".record-row").count() == 2
    page.go_back()
    with page.expect_download() as download:
        page.click("#download-docx")
    path = tmp_path / "report.docx"
    download.value.save_as(path)
    from docx import Document

    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert "2016年工作报告" in text and "共有企业会员2家" in text
    # A quarter: the selector reloads the page for Q3, figures and links follow it.
    page.select_option("#quarter", "3")
    expect(page.locator("h1")).to_contain_text("2016 Q3")
    expect(page.locator("#period-range")).to_contain_text("2016-07-01")
    href = page.locator("[data-figure='members.total']").get_attribute("href")
    assert "quarter=3" in href
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "dashboard-quarter-phone")
    assert page.console_errors == []
