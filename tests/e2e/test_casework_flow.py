"""A secretary, on a phone-sized screen, logs a visit that raises a case, hands it to a
department, resolves it and records the follow-up; the figures count it, once, in the
street's and in the district's figures, as the federation's staff see them."""

import pytest
from playwright.sync_api import expect

from chamber.casework.models import Case, Department

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 812}


def open_step(page, step):
    """Open a step's form (the most likely step is open already)."""
    page.eval_on_selector(f"#step-{step}", "d => { d.open = true; }")


def figure(page, base, org, fig):
    page.goto(f"{base}/casework/figures/?org={org}")
    return page.inner_text(f"#fig-{fig}").strip()


def test_secretary_logs_visit_and_case_to_follow_up(page, world):
    dept = Department.objects.create(name="区人力资源局")
    page.set_viewport_size(PHONE)
    sign_in(page, "xixiang", "x-test-pass-1")
    page.wait_for_selector("#workbench")  # signed in: the start page
    assert figure(page, page.base, "d.xixiang", "resolved") == "0"

    # Log the visit, at the enterprise's door.
    page.goto(page.base + "/casework/visits/new/")
    page.fill("#ent-q", "hwjs")  # 华为技术 by its initials
    page.click("[data-pick-id]")
    expect(page.locator("#ent-chosen")).to_contain_text("深圳市华为技术有限公司")
    page.fill("#id_purpose", "企业大走访")
    page.click("#add-case")
    page.select_option("#id_cases-0-category", label="人才和招工")
    page.fill("#id_cases-0-title", "普工招聘难")
    page.select_option("#id_cases-0-priority", "2_high")
    screenshot(page, "casework-visit-form-phone")
    page.click("#save-visit")
    page.wait_for_selector("#visit-cases")
    screenshot(page, "casework-visit-phone")
    page.click("#visit-cases a")
    page.wait_for_selector("#case-timeline")
    case = Case.objects.get()
    assert case.status == "received" and case.enterprise == world.ent_x

    # Assign it, hand it over, resolve it, follow it up.
    open_step(page, "assign")
    page.select_option("#id_assign-assignee", label="xixiang")
    page.click("#step-assign button[type=submit]")
    page.wait_for_selector("#step-hand_over")
    open_step(page, "hand_over")
    page.select_option("#id_hand_over-department", str(dept.pk))
    page.fill("#id_hand_over-comment", "请协助解决招工问题")
    page.click("#step-hand_over button[type=submit]")
    expect(page.locator("#case-department")).to_contain_text("区人力资源局")
    open_step(page, "resolve")
    page.fill("#id_resolve-resolution", "人力资源局组织专场招聘会,企业招到工人")
    page.click("#step-resolve button[type=submit]")
    page.wait_for_selector("#step-follow_up")
    open_step(page, "follow_up")
    page.check("#id_follow_up-satisfaction_0")  # satisfied
    page.select_option("#id_follow_up-score", "5")
    page.click("#step-follow_up button[type=submit]")
    expect(page.locator("#case-satisfaction")).to_contain_text("5/5")
    screenshot(page, "casework-case-phone")
    case.refresh_from_db()
    assert case.status == "followed_up" and case.department == dept
    assert list(case.events.values_list("step", flat=True)) == [
        "raise",
        "assign",
        "hand_over",
        "resolve",
        "follow_up",
    ]
    assert figure(page, page.base, "d.xixiang", "resolved") == "1"
    screenshot(page, "casework-figures-phone")

    # The federation's staff see it once, in the district and in the street.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "district", "x-test-pass-1")
    page.wait_for_selector("#workbench")  # signed in: the start page
    page.goto(page.base + "/casework/figures/?org=d")
    assert page.inner_text("#fig-visits").strip() == "1"
    assert page.inner_text("#fig-raised").strip() == "1"
    assert page.inner_text("#fig-resolved").strip() == "1"
    assert (
        page.inner_text("#fig-satisfaction").strip() == "5.0"
        or page.inner_text("#fig-satisfaction").strip() == "5"
    )
    street = page.locator("#fig-children tr[data-code='d.xixiang'] td")
    assert [street.nth(i).inner_text().strip() for i in (1, 3, 4)] == ["1", "1", "1"]
    other = page.locator("#fig-children tr[data-code='d.fuyong'] td")
    assert [other.nth(i).inner_text().strip() for i in (1, 3, 4)] == ["0", "0", "0"]
    screenshot(page, "casework-figures-district")
    # and on the member page, the section loaded by htmx shows the visit and the case
    page.goto(f"{page.base}/members/enterprises/{world.ent_x.pk}/")
    expect(page.locator("#member-cases")).to_contain_text("普工招聘难")
    screenshot(page, "casework-member-section")
    assert page.console_errors == []
