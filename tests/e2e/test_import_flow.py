"""A secretary downloads the template, uploads a filled sheet with one bad row, sees the
error located, fixes it, confirms, and finds the new members in the directory."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.import_helpers import make_xlsx, row

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_with_one_bad_row_then_fixed(page, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [
        row(n=1, name="深圳市海鹏精密模具有限公司"),
        row(n=2, name="深圳市锦泰光电有限公司", contact_phone="1380013800"),  # 10 digits
        row(n=3, name="宝安区华创软件有限公司", industry="软件"),  # not a section name
    ]
    bad = make_xlsx(tmp_path / "西乡会员.xlsx", rows)

    sign_in(page, "xixiang", "x-test-pass-1")
    page.wait_for_selector("#workbench")  # signed in: the start page
    page.goto(page.base + "/members/")
    page.click("#import-button")
    page.wait_for_selector("#import-form")
    with page.expect_download() as download:
        page.click("#template-link")
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "import-start")

    page.select_option("#id_organization", label="西乡街道商会")
    page.set_input_files("#id_file", str(bad))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-errors")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    first = errors.nth(0).inner_text()
    assert "3" in first and "联系电话" in first and "1380013800" in first
    assert "4" in errors.nth(1).inner_text() and "所属行业" in errors.nth(1).inner_text()
    expect(page.locator("#confirm-form")).to_have_count(0)
    expect(page.locator("#error-workbook")).to_be_visible()
    screenshot(page, "import-errors")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "import-errors-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    rows[1]["contact_phone"] = "13800138000"
    rows[2]["industry"] = "I65"
    fixed = make_xlsx(tmp_path / "西乡会员-改.xlsx", rows)
    page.goto(page.base + "/members/import/")
    page.select_option("#id_organization", label="西乡街道商会")
    page.set_input_files("#id_file", str(fixed))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#confirm-form")
    counts = page.inner_text("#import-counts")
    assert "3" in counts
    screenshot(page, "import-preview")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("#import-done")
    screenshot(page, "import-done")
    page.click("#import-done a")
    page.wait_for_url("**/members/?**")
    table = page.locator("#directory-rows")
    for name in ("深圳市海鹏精密模具有限公司", "深圳市锦泰光电有限公司", "宝安区华创软件有限公司"):
        expect(table.get_by_text(name)).to_have_count(1)
    page.fill("#id_q", "jtgd")  # 锦泰光电 by its initials
    expect(table.get_by_text("深圳市锦泰光电有限公司")).to_have_count(1)
    expect(table.get_by_text("深圳市海鹏精密模具有限公司")).to_have_count(0)
    with page.expect_download() as download:
        page.click("#export-buttons a:first-child")
    assert download.value.suggested_filename.startswith("members-")
    screenshot(page, "directory-export")
    assert page.console_errors == []
