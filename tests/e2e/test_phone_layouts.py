"""Every main page at 390 px (zh-CN) on the demo federation: no horizontal overflow of
the page, no table cell narrower than two characters (the 经/贸/交/流 wrap), charts
drawn inside their boxes. Screenshots go to var/e2e/phone-*.png to be looked at."""

import datetime

import pytest

from chamber.activities.models import Event, Fund
from chamber.casework.models import Case
from chamber.demo.build import build_all
from chamber.members.models import Membership

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2026, 11, 20)

# Problems on the page as laid out: overflow of the page, squeezed cells, figures broken
# over two lines, charts wider than their box. A cell must hold at least two characters
# a line (or its whole text).
CHECK = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) {
    problems.push(`page ${root.scrollWidth}px wide in a ${window.innerWidth}px window`);
  }
  for (const cell of document.querySelectorAll("td, th")) {
    const style = getComputedStyle(cell);
    if (style.display === "none" || cell.offsetParent === null) continue;
    const text = cell.innerText.trim();
    if (!text) continue;
    const font = parseFloat(style.fontSize);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const need = Math.min(2, [...text].length) * font * 0.9;
    if (inner < need) problems.push(`cell "${text.slice(0, 12)}" ${Math.round(inner)}px < ${Math.round(need)}px`);
  }
  for (const figure of document.querySelectorAll(".figure")) {
    const style = getComputedStyle(figure);
    if (figure.offsetHeight > parseFloat(style.fontSize) * 2) problems.push(`figure "${figure.innerText}" wraps`);
    let box = figure.parentElement;
    while (box.parentElement && /^(inline|contents)$/.test(getComputedStyle(box).display)) box = box.parentElement;
    const room = box.getBoundingClientRect();
    const own = figure.getBoundingClientRect();
    if (figure.scrollWidth > figure.clientWidth + 1 || own.left + figure.scrollWidth > room.right + 1) {
      problems.push(`figure "${figure.innerText}" overflows its card`);
    }
  }
  for (const chart of document.querySelectorAll(".chart svg, #chart-children canvas")) {
    const box = chart.closest(".chart, #chart-children").getBoundingClientRect();
    const own = chart.getBoundingClientRect();
    if (own.right > box.right + 1) problems.push(`chart wider than its box`);
  }
  return problems;
}"""


def _pages() -> list[tuple[str, str]]:
    ent = Membership.objects.active(TODAY).filter(organization__code="baoan.xixiang").first()
    case = Case.objects.exclude(status="closed").order_by("-received_on").first()
    event = Event.objects.filter(starts_at__year=TODAY.year).order_by("-starts_at").first()
    fund = Fund.objects.first()
    person = ent.representative_id
    return [
        ("start", "/"),
        ("directory", "/members/"),
        ("people", "/members/people/"),
        ("person", f"/members/people/{person}/"),
        ("dues", "/members/dues/"),
        ("enterprise", f"/members/enterprises/{ent.enterprise_id}/"),
        ("cases", "/casework/"),
        ("case", f"/casework/cases/{case.pk}/"),
        ("visits", "/casework/visits/"),
        ("visit-form", "/casework/visits/new/"),
        ("leaders", "/casework/leaders/"),
        ("casework-figures", "/casework/figures/"),
        ("calendar", "/casework/calendar/"),
        ("events", "/activities/"),
        ("event", f"/activities/events/{event.pk}/"),
        ("event-calendar", "/activities/calendar/"),
        ("donations", "/activities/donations/"),
        ("funds", "/activities/funds/"),
        ("fund", f"/activities/funds/{fund.pk}/"),
        ("council", "/activities/council/"),
        ("honours", "/activities/honors/"),
        ("register", "/politics/"),
        ("proposals", "/politics/proposals/"),
        ("dashboard", "/reports/baoan/"),
        ("records", "/reports/baoan/records/members/total/"),
        ("import", "/members/import/"),
    ]


def test_main_pages_at_390_px(page):
    build_all(seed=2016, members=300, today=TODAY)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "district", "chamber-demo")
    page.wait_for_url("**/")
    found = {}
    for name, url in _pages():
        response = page.goto(page.base + url)
        assert response.status == 200, (name, response.status)
        if name == "dashboard":
            page.wait_for_selector("#charts[data-rendered]")
        page.wait_for_load_state("networkidle")
        found[name] = page.evaluate(CHECK)
        screenshot(page, f"phone-{name}")
    assert {k: v for k, v in found.items() if v} == {}
    # phone-sized pages: the list pages serve 20 rows while the screen is narrow
    page.goto(page.base + "/casework/visits/")
    assert page.locator("#visit-rows tbody tr").count() == 20
    # the visit form's add button stays visible above the save bar
    page.goto(page.base + "/casework/visits/new/")
    add, save = page.locator("#add-case").bounding_box(), page.locator("#save-visit").bounding_box()
    assert add["y"] + add["height"] <= 844 and abs(add["y"] - save["y"]) < 4
    assert page.console_errors == []
