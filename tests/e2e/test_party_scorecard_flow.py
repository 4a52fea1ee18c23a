"""Xixiang's secretary records a party organisation, sees the coverage on the dashboard
and follows it to the enterprises; starts a 双强 self-assessment, scores a manual
indicator with a file, and downloads the .docx; at 1280 px and 390 px."""

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_party_and_scorecard_flow(page, world, tmp_path):
    sign_in(page, "xixiang", "x-test-pass-1")
    page.goto(page.base + "/party/new/")
    page.select_option("#id_organization", str(world.xixiang.pk))
    page.fill("#id_name", "华为党委")
    page.select_option("#id_kind", "committee")
    page.select_option("#id_enterprises", str(world.ent_x.pk))
    page.fill("#id_founded", "2016-03-01")
    page.fill("#id_members_count", "30")
    screenshot(page, "party-form")
    page.click("#party-form button[type=submit]")
    expect(page.locator("#party-organizations")).to_contain_text("华为党委")
    screenshot(page, "party-list")
    page.goto(page.base + "/reports/d.xixiang/?year=2016")
    card = page.locator("[data-figure='party.with_organization']")
    expect(card).to_contain_text("1")
    expect(page.locator("#figures")).to_contain_text("100.0%")
    screenshot(page, "dashboard-party")
    card.click()
    expect(page.locator(".record-row")).to_have_count(1)
    page.goto(page.base + "/scorecards/")
    page.select_option("#id_scheme", label="“双强”商会")
    page.select_option("#id_organization", str(world.xixiang.pk))
    page.fill("#id_year", "2016")
    page.click("#start-form button[type=submit]")
    expect(page.locator("#total")).to_contain_text("40")
    row = page.locator("tr.indicator", has_text="商会党组织活动开展情况")
    row.locator("input[name$='-score']").fill("8")
    evidence = tmp_path / "活动记录.txt"
    evidence.write_text("2016年开展活动6次")
    row.locator("input[name$='-files']").set_input_files(str(evidence))
    row.locator("button[type=submit]").click()
    expect(page.locator("#total")).to_contain_text("48")
    expect(row.locator("input[name$='-score']")).to_have_value("8.00")
    screenshot(page, "scorecard")
    with page.expect_download() as download:
        page.click("a[href$='report.docx']")
    assert download.value.suggested_filename.endswith(".docx")
    page.set_viewport_size({"width": 390, "height": 800})
    screenshot(page, "scorecard-phone")
    page.goto(page.base + "/reports/d.xixiang/?year=2016")
    expect(page.locator("[data-figure='party.with_organization']")).to_be_visible()
    screenshot(page, "dashboard-party-phone")
    assert page.console_errors == []
