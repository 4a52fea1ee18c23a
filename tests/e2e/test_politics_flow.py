"""Federation staff record a new post, submit a proposal with a co-submitter, file it,
have it assigned, signed for and replied, and record the submitter's evaluation; the
member page shows the posts. Screenshots at desktop and phone widths."""

import pytest
from playwright.sync_api import expect

from chamber.politics.choices import Level
from chamber.politics.models import HandlingUnit, PoliticalPost, Proposal
from tests.politics.conftest import member, post

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_post_proposal_file_reply_evaluate(page, world):
    HandlingUnit.objects.create(
        name="宝安区发展和改革局", short_name="区发改局", level=Level.DISTRICT
    )
    HandlingUnit.objects.create(
        name="宝安区人力资源局", short_name="区人社局", level=Level.DISTRICT
    )
    post(world.rep_x, world.xixiang)  # 任正非: member of the 5th district CPPCC
    zhao = member(world.xixiang, "赵六", "西乡五金有限公司")
    sign_in(page, "district", "x-test-pass-1")
    page.wait_for_selector("#workbench")  # signed in: the start page

    # 1. Record a new post for 赵六, found by pinyin.
    page.goto(page.base + "/politics/")
    page.click("a[href='/politics/posts/new/']")
    page.fill("#person-q", "zhaoliu")
    expect(page.locator("#id_person option")).to_have_text("赵六 · 西乡五金有限公司")
    page.select_option("#id_organization", str(world.xixiang.pk))
    page.select_option("#id_body", "cppcc")
    page.select_option("#id_level", "4_district")
    page.fill("#id_place", "宝安区")
    page.fill("#id_term", "5")
    page.select_option("#id_role", "member")
    page.fill("#id_sector", "工商联界")
    page.fill("#id_start", "2016-11-28")
    screenshot(page, "politics-post-form")
    page.click("#post-form button[type=submit]")
    page.wait_for_url("**/politics/")
    expect(page.locator("#register-rows")).to_contain_text("赵六")
    assert PoliticalPost.objects.filter(person=zhao, term=5).exists()
    screenshot(page, "politics-register")

    # 2. A proposal of 任正非 with 赵六 as co-submitter, submitted on the day.
    page.goto(page.base + "/politics/proposals/new/")
    page.select_option("#id_organization", str(world.district.pk))
    page.select_option("#id_kind", "proposal")
    page.select_option("#id_level", "4_district")
    page.fill("#id_place", "宝安区")
    page.fill("#id_session_year", "2017")
    page.fill("#id_session_term", "5")
    page.fill("#id_session_sitting", "2")
    page.fill("#id_title", "关于建立企业服务专员制度的提案")
    page.fill("#id_text", "建议为规模以上企业配备服务专员。")
    page.select_option("#id_lead", str(world.rep_x.pk))
    page.select_option("#id_co_submitters", [str(zhao.pk)])
    page.fill("#id_topics", "企业服务, 营商环境")
    page.fill("#id_submit_on", "2017-01-10")
    page.click("#proposal-form button[type=submit]")
    status = page.locator("#proposal-status [data-status]")
    expect(status).to_have_attribute("data-status", "submitted")
    expect(page.locator("#submitters")).to_contain_text("赵六")

    # 3. File it, assign it, the unit signs for it and replies.
    page.fill("#id_file-on", "2017-01-20")
    page.fill("#id_file-file_number", "2017-012")
    page.click("#step-file button[type=submit]")
    expect(status).to_have_attribute("data-status", "filed")
    page.fill("#id_assign-on", "2017-02-01")
    page.select_option("#id_assign-lead_unit", label="区发改局")
    page.select_option("#id_assign-co_handlers", label="区人社局")
    page.click("#step-assign button[type=submit]")
    expect(status).to_have_attribute("data-status", "assigned")
    expect(page.locator("#reply-due")).to_contain_text("2017-05-01")
    page.fill("#id_sign-on", "2017-02-05")
    page.click("#step-sign button[type=submit]")
    expect(status).to_have_attribute("data-status", "signed")
    page.fill("#id_reply-on", "2017-04-20")
    page.select_option("#id_reply-grade", "A")
    page.fill("#id_reply-text", "已出台企业服务专员制度。")
    page.click("#step-reply button[type=submit]")
    expect(status).to_have_attribute("data-status", "replied")

    # 4. The submitter's evaluation; a wrong date is refused in place first.
    page.fill("#id_evaluate-on", "2017-04-01")
    page.select_option("#id_evaluate-satisfaction", "satisfied")
    page.click("#step-evaluate button[type=submit]")
    expect(page.locator("#step-evaluate .errorlist")).to_contain_text("2017-04-20")
    page.fill("#id_evaluate-on", "2017-05-02")
    page.click("#step-evaluate button[type=submit]")
    expect(status).to_have_attribute("data-status", "evaluated")
    expect(page.locator("#timeline li")).to_have_count(7)
    screenshot(page, "politics-proposal")
    proposal = Proposal.objects.get(title="关于建立企业服务专员制度的提案")
    assert proposal.satisfaction == "satisfied" and proposal.grade == "A"
    assert list(proposal.co_submitters.all()) == [zhao]

    # 5. The member page shows the posts and the proposal (loaded by htmx).
    page.goto(page.base + f"/members/enterprises/{world.ent_x.pk}/")
    section = page.locator("#politics-section")
    expect(section).to_contain_text("任正非")
    expect(section).to_contain_text("关于建立企业服务专员制度的提案")
    screenshot(page, "politics-member-section")

    # Phone width: the same pages stay usable.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.base + "/politics/")
    screenshot(page, "politics-register-phone")
    page.goto(page.base + f"/politics/proposals/{proposal.pk}/")
    screenshot(page, "politics-proposal-phone")
    page.goto(page.base + "/politics/proposals/")
    expect(page.locator("#proposal-rows")).to_contain_text("关于建立企业服务专员制度的提案")
    screenshot(page, "politics-proposals-phone")
    assert page.console_errors == []
