"""A secretary types in, today, a 2016 case's whole life from its paper file (补录):
received on 1 March 2016, assigned, resolved and followed up in March and April, each
step with the day it happened under "happened earlier". The 2016 figures count it as
raised and resolved in 2016; the timeline marks each step as entered late."""

import pytest
from playwright.sync_api import expect

from chamber.casework.models import Case

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def take(page, step, when, fill=None):
    """Open a step's form, say when it happened, fill it in and submit it."""
    page.eval_on_selector(f"#step-{step}", "d => { d.open = true; }")
    page.click(f"#step-{step} details.occurred-at summary")
    page.fill(f"#id_{step}-occurred_at", when)
    for selector, value in (fill or {}).items():
        if selector.endswith("_0"):
            page.check(selector)
        elif page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    page.click(f"#step-{step} form > button[type=submit]")
    page.wait_for_selector("#case-timeline")


def test_a_2016_case_entered_after_the_fact_through_the_pages(page, world):
    sign_in(page, "xixiang", "x-test-pass-1")
    page.wait_for_selector("#workbench")  # signed in: the start page
    page.goto(f"{page.base}/casework/cases/new/?enterprise={world.ent_x.pk}")
    page.select_option("#id_source", "hotline")
    page.fill("#id_received_on", "2016-03-01")
    page.select_option("#id_category", label="融资")
    page.fill("#id_title", "贷款到期续贷困难")
    page.click("#case-form button[type=submit]")
    page.wait_for_selector("#case-timeline")
    case = Case.objects.get()
    assert case.received_on.isoformat() == "2016-03-01"

    # The step forms keep "happened earlier" folded away until it is wanted.
    expect(page.locator("#step-assign details.occurred-at")).not_to_have_attribute("open", "")
    take(page, "assign", "2016-03-02T10:00", {"#id_assign-assignee": "xixiang"})
    take(page, "resolve", "2016-03-28T16:30", {"#id_resolve-resolution": "已协调银行续贷"})
    take(
        page,
        "follow_up",
        "2016-04-05T09:00",
        {"#id_follow_up-satisfaction_0": "", "#id_follow_up-score": "5"},
    )
    screenshot(page, "casework-after-the-fact-case")
    case.refresh_from_db()
    assert case.status == "followed_up"
    assert case.resolved_on.isoformat() == "2016-03-28"
    assert case.followed_up_on.isoformat() == "2016-04-05"
    assert [e.entered_late for e in case.events.all()] == [True] * 4
    expect(page.locator("#case-timeline")).to_contain_text("补录")
    expect(page.locator("#case-timeline")).to_contain_text("2016-03-28")

    # A step before the previous one is refused, in the form, and nothing changes.
    page.eval_on_selector("#step-close", "d => { d.open = true; }")
    page.click("#step-close details.occurred-at summary")
    page.fill("#id_close-occurred_at", "2016-04-01T09:00")
    page.click("#step-close form > button[type=submit]")
    expect(page.locator("#step-close")).to_contain_text("不能早于上一步")
    case.refresh_from_db()
    assert case.status == "followed_up"

    # The 2016 figures count it as raised and resolved in 2016, with its 补录率.
    page.goto(f"{page.base}/casework/figures/?org=d.xixiang&start=2016-01-01&end=2016-12-31")
    assert page.inner_text("#fig-raised").strip() == "1"
    assert page.inner_text("#fig-resolved").strip() == "1"
    assert page.inner_text("#fig-late-entry").strip().startswith("100")
    screenshot(page, "casework-after-the-fact-figures")
    page.goto(f"{page.base}/casework/figures/?org=d.xixiang")  # this year: none of it
    assert page.inner_text("#fig-resolved").strip() == "0"
    # the refused step answered 400 on purpose; nothing else went wrong
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_a_visit_sheet_with_errors_then_fixed_on_a_phone(page, world, tmp_path):
    """The sheet page on a phone: a wrong sheet lists its located errors and writes
    nothing; the fixed sheet goes in."""
    from openpyxl import Workbook

    from chamber.casework.models import Visit

    def sheet(name, day):
        wb = Workbook()
        wb.active.append(["走访日期", "企业名称", "反映问题", "问题类别"])
        wb.active.append([day, "深圳市华为技术有限公司", "招工难", "人才和招工"])
        wb.save(tmp_path / name)
        return str(tmp_path / name)

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "xixiang", "x-test-pass-1")
    page.wait_for_selector("#workbench")  # signed in: the start page
    page.goto(page.base + "/casework/visits/sheet/")
    page.set_input_files("#id_file", sheet("bad.xlsx", "2016-02-30"))
    page.click("#sheet-form button[type=submit]")
    expect(page.locator("#sheet-errors")).to_contain_text("走访日期")
    screenshot(page, "casework-visit-sheet-errors-phone")
    assert Visit.objects.count() == 0
    page.set_input_files("#id_file", sheet("good.xlsx", "2016-02-29"))
    page.click("#sheet-form button[type=submit]")
    page.wait_for_url("**/casework/visits/")
    assert Visit.objects.get().date.isoformat() == "2016-02-29"
    screenshot(page, "casework-visit-sheet-done-phone")
