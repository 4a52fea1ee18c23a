"""In a zh-CN browser, at desktop and phone width, a case assigned to a colleague reads
as a federation's staff expect: people by their 姓名, the status and the deadline in the
case's own words, full-width punctuation around the values."""

import re

import pytest
from playwright.sync_api import expect

from chamber.casework import services
from chamber.casework.models import Category

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_case_page_reads_right_in_chinese(page, world, width):
    for user, (last, first) in ((world.staff, ("张", "丽华")), (world.secretary, ("李", "明"))):
        user.last_name, user.first_name = last, first
        user.save()
    case = services.raise_case(
        actor=world.secretary,
        organization=world.xixiang,
        enterprise=world.ent_x,
        category=Category.objects.get(code="financing"),
        title="贷款到期续贷困难",
    )
    services.assign_case(actor=world.secretary, case=case, assignee=world.secretary)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "district", "x-test-pass-1")
    page.goto(f"{page.base}/casework/cases/{case.pk}/")
    body = page.locator("main, body").first
    expect(body).to_contain_text("李明")
    expect(page.locator("#case-timeline")).to_contain_text("办理期限")
    text = page.inner_text("body")
    assert "会费" not in text and "撤销日期" not in text and "xixiang" not in text
    assert not re.search(r"[\u4e00-\u9fff][,:;()]|[,:;()][\u4e00-\u9fff]", text)
    assert "（15个工作日）" in text
    screenshot(page, f"words-case-{width}")
    assert not page.console_errors
