"""The start page, a person's page and the dues list in a real browser, at 1280 and
390 px in zh-CN: set a year's dues, record a payment, see the arrears shrink."""

import datetime

import pytest
from playwright.sync_api import expect

from chamber.members import services
from chamber.members.choices import Rank

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _no_squeezed_cells(page, selector: str) -> None:
    """No table cell narrower than two characters (a column wrapping one per line)."""
    narrow = page.evaluate(
        """(sel) => [...document.querySelectorAll(sel + ' td, ' + sel + ' th')]
            .filter(c => c.offsetParent !== null && c.innerText.trim().length > 1
                     && c.getBoundingClientRect().width < 2 * parseFloat(getComputedStyle(c).fontSize))
            .map(c => c.innerText.trim())""",
        selector,
    )
    assert narrow == [], narrow


def test_start_page_person_and_dues(page, world):
    year = datetime.date.today().year
    services.add_enterprise_role(
        actor=None,
        enterprise=world.ent_x,
        person=world.rep_x,
        role="representative",
        start=datetime.date(2015, 3, 1),
    )
    sign_in(page, "xixiang", "x-test-pass-1")
    page.wait_for_selector("#workbench")
    expect(page.locator("#nav a.nav-link.active")).to_have_text("工作台")
    assert "API" not in page.inner_text("#nav")
    screenshot(page, "start-page-1280")

    page.goto(page.base + "/members/dues/rates/")
    page.select_option("#id_organization", str(world.xixiang.pk))
    page.fill("#id_year", str(year))
    page.select_option("#id_rank", Rank.MEMBER)
    page.fill("#id_amount", "1000")
    page.click("main button[type=submit]")
    page.wait_for_selector("#dues-table")
    expect(page.locator("#dues-table tbody tr")).to_have_count(1)
    page.click("#dues-table >> text=登记缴费")
    page.fill("#id_amount", "400")
    page.fill("#id_receipt_no", "XX-2026-001")
    page.click("main button[type=submit]")
    page.wait_for_selector("#dues-summary")
    assert "40.0%" in page.inner_text("#dues-summary")
    assert "¥600.00" in page.inner_text("#dues-table")
    screenshot(page, "dues-1280")

    page.goto(page.base + f"/members/people/{world.rep_x.pk}/")
    page.wait_for_selector("#person-roles")
    assert "会员代表" in page.inner_text("#person-roles")
    assert world.rep_x.mobile not in page.content()
    screenshot(page, "person-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    for path, name, table in [
        ("/", "start-page-390", None),
        (f"/members/people/{world.rep_x.pk}/", "person-390", "#person-roles"),
        (f"/members/dues/?year={year}", "dues-390", "#dues-table"),
    ]:
        page.goto(page.base + path)
        page.wait_for_load_state("networkidle")
        if table:
            _no_squeezed_cells(page, table)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways ({width}px)"
        screenshot(page, name)
    assert page.console_errors == []
