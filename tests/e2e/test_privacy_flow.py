"""An administrator handles a personal-data request in the browser: exports what is
held about a person, erases it, and reviews who is due for the retention review. The
pages run under the Content-Security-Policy with no console error."""

import datetime

import pytest
from playwright.sync_api import expect

from chamber.members.models import Membership

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_access_export_erasure_and_retention(page, world, tmp_path):
    response = page.request.get(page.base + "/accounts/login/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    sign_in(page, "admin", "x-test-pass-1")
    person = world.rep_x
    page.goto(page.base + f"/members/people/{person.pk}/privacy/")
    expect(page.locator("h1")).to_contain_text(person.name)
    screenshot(page, "privacy-person")
    with page.expect_download() as download:
        page.click("a[href$='/privacy/export.xlsx']")
    path = tmp_path / "p.xlsx"
    download.value.save_as(path)
    from openpyxl import load_workbook

    assert len(load_workbook(path).sheetnames) >= 2
    page.fill("#id_reason", "本人2026年11月30日书面申请")
    page.click("form button[type=submit].btn-danger")
    expect(page.locator(".alert")).to_contain_text("已删除此人的个人信息")
    expect(page.locator("h1")).to_contain_text("已删除")
    Membership.objects.filter(pk=world.m_f.pk).update(
        joined=datetime.date(2012, 1, 1), left=datetime.date(2015, 1, 1)
    )
    page.goto(page.base + "/members/privacy/retention/?years=5")
    expect(page.locator("table")).to_contain_text(world.rep_f.name)
    screenshot(page, "privacy-retention")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "privacy-retention-phone")
    page.goto(page.base + f"/members/people/{world.rep_f.pk}/privacy/")
    screenshot(page, "privacy-person-phone")
    assert page.console_errors == []
