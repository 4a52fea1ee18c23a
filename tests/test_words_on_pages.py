"""The words a federation's staff read: the main pages rendered in Chinese on the demo,
as the district user, checked for the wrong words the colliding catalogues once put
there (a status shown as a date, money words on a case), for user names where a person's
姓名 belongs, codes without their names, raw values in the audit trail and ASCII
punctuation inside Chinese text."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from chamber.activities.models import Donation, Event
from chamber.casework.choices import Status as CaseStatus
from chamber.casework.models import Case, Visit
from chamber.demo.users import DEMO_NAMES
from chamber.members.models import Enterprise
from chamber.politics.models import Proposal

pytestmark = pytest.mark.django_db

CJK = "\u3400-\u9fff\u3000-\u303f\uff01-\uff60"
ASCII_IN_CHINESE = re.compile(rf"[{CJK}][,:;()!?]|[,:;()!?][{CJK}]")

# Wrong words found in the pages when the catalogues collided, per page: the date and
# money words of other apps' msgids.
CASE_PAGE_BAD = ["撤销日期", "应缴", "会费", "转会日期", "走访目的"]
BAD = {
    "queue": CASE_PAGE_BAD,
    "case": CASE_PAGE_BAD,
    "visits": ["会费", "转会日期", "撤销日期"],
    "visit": ["会费", "转会日期", "撤销日期", "用途"],
    "events": ["报名时间", "转会日期"],
    "event": ["转会日期", "撤销日期"],
    "donations": ["走访目的", "转会日期"],
    "donation": ["走访目的", "转会日期"],
    "register": ["转会日期", "撤销日期", ">名称<"],
    "proposals": ["转会日期", "撤销日期"],
    "proposal": ["转会日期", "撤销日期", "会费"],
    "directory": ["撤销日期", "转会日期"],
    "enterprise": ["撤销日期", "期限"],
    "dashboard": ["转会日期", "撤销日期"],
    "records": ["转会日期", "撤销日期", "应缴"],
    "figures": ["转会日期", "撤销日期", "应缴"],
}
# And words that must be there.
GOOD = {
    "case": ["已结案", "办理期限"],
    "queue": ["期限"],
    "events": ["报名人数"],
    "register": ["姓名"],
    "visit": ["走访目的"],
    "donation": ["用途"],
    "enterprise": ["应缴"],
}


def visible_text(body: str) -> str:
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", body)
    body = re.sub(r"(?s)<[^>]+>", "\n", body)
    return html.unescape(body)


@pytest.fixture
def demo_pages(client):
    call_command("demo", members=300, seed=7)
    district = get_user_model().objects.get(username="district")
    client.force_login(district)
    closed = Case.objects.filter(status=CaseStatus.CLOSED).order_by("id").first()
    pages = {
        "directory": "/members/",
        "enterprise": f"/members/enterprises/{closed.enterprise_id}/",
        "queue": "/casework/?queue=all",
        "case": f"/casework/cases/{closed.pk}/",
        "visits": "/casework/visits/",
        "visit": f"/casework/visits/{Visit.objects.exclude(purpose='').order_by('id')[0].pk}/",
        "figures": "/casework/figures/?year=2016",
        "events": "/activities/",
        "event": f"/activities/events/{Event.objects.order_by('id')[0].pk}/",
        "donations": "/activities/donations/",
        "donation": f"/activities/donations/{Donation.objects.order_by('id')[0].pk}/",
        "register": "/politics/",
        "proposals": "/politics/proposals/",
        "proposal": f"/politics/proposals/{Proposal.objects.order_by('id')[0].pk}/",
        "dashboard": "/reports/baoan/?year=2016",
        "records": "/reports/baoan/records/cases/raised/?year=2016",
    }
    out = {}
    for name, url in pages.items():
        r = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert r.status_code == 200, (name, url, r.status_code)
        out[name] = r.content.decode()
    return out


def main_part(body: str) -> str:
    """The page's own content, without the navigation (whose menu names every part)."""
    m = re.search(r"(?s)<main\b.*?</main>", body)
    return m.group(0) if m else body


def test_main_pages_say_the_right_words_in_chinese(demo_pages):
    wrong = []
    for name, page in demo_pages.items():
        body = main_part(page)
        text = visible_text(body)
        for word in BAD.get(name, []):
            # a case's 办理期限 in the member's audit trail is right; dues say 应缴
            seen = text.replace("办理期限", "") if word == "期限" else text
            if word in (body if word.startswith(">") else seen):
                wrong.append(f"{name}: {word}")
        for word in GOOD.get(name, []):
            if word not in text:
                wrong.append(f"{name}: missing {word}")
        for m in ASCII_IN_CHINESE.finditer(text):
            context = text[max(0, m.start() - 10) : m.end() + 10].replace("\n", " ")
            wrong.append(f"{name}: ASCII punctuation in {context!r}")
    assert not wrong, "\n".join(wrong)


def test_people_are_named_not_user_names(demo_pages):
    usernames = re.compile(r"(?<![\w.])(" + "|".join(DEMO_NAMES) + r")(?![\w.])")
    found = []
    for name, body in demo_pages.items():
        text = visible_text(body)
        assert "张丽华" in text, name  # the signed-in user, in the navigation bar
        found += [f"{name}: {m.group(0)}" for m in usernames.finditer(text)]
    assert not found, found
    # the case page names its staff: the assignee and the timeline's actors
    case_text = visible_text(demo_pages["case"])
    assert any(n in case_text for n in DEMO_NAMES.values() if n != "张丽华") or (
        "张丽华" in case_text.split("办理过程", 1)[-1]
    )


def test_industry_codes_come_with_their_names(demo_pages):
    for name in ("directory", "enterprise"):
        text = visible_text(demo_pages[name])
        codes = re.findall(r"(?<![A-Za-z0-9])[A-T]\d{2}(?![0-9])(.{0,3})", text)
        assert codes, name
        assert all(after.startswith(" ") and re.match(rf" [{CJK}]", after) for after in codes), (
            name,
            codes[:5],
        )


def test_audit_trail_shows_display_values(client, world):
    from chamber.members import services

    services.update_enterprise(
        actor=world.staff,
        enterprise=world.ent_x,
        size_class="large",
        listed=True,
        industry_section="H",
        industry_division="61",
    )
    client.force_login(world.staff)
    text = visible_text(
        client.get(
            f"/members/enterprises/{world.ent_x.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    )
    trail = text.split("操作记录", 1)[-1] if "操作记录" in text else text
    assert "大型" in trail and "H61 住宿业" in trail and "上市企业：否 → 是" in trail
    assert not re.search(r"(?<![\w])(large|False|True|5_member)(?![\w])", trail), trail


def test_english_ui_uses_english_names(client, world):
    world.xixiang.name_en = "Xixiang Street Chamber"
    world.xixiang.save()
    world.ent_x.industry_section, world.ent_x.industry_division = "I", "65"
    world.ent_x.save()
    client.force_login(world.staff)
    body = client.get("/members/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    text = visible_text(body)
    assert "Xixiang Street Chamber" in text and "西乡街道商会" not in text
    assert "I65 Software and information technology services" in text
    with translation.override("en"):
        from chamber.casework.models import Category

        assert all(str(c) == c.name_en for c in Category.objects.exclude(name_en=""))
        assert not Category.objects.filter(name_en="").exists()


def test_demo_enterprise_names_untouched():
    # the check above reads visible text; make sure it would see a bad comma
    assert ASCII_IN_CHINESE.search(visible_text("<td>走访已登记,提出诉求</td>"))
    assert not Enterprise.objects.exists()
