"""A secretary runs a training from announcement to attendance figure on real pages:
create it, open sign-up, sign up two members with the member picker, check one in by
the code on their QR ticket, typed into the check-in page, and see attendance 1.

A second test checks in through the camera path: Chromium is started with a fake
camera whose video is a Y4M file showing the sign-up's QR code, and the check-in
page reads it (BarcodeDetector where the browser has it, jsQR otherwise)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chamber.activities import services
from chamber.activities.choices import EventKind
from chamber.activities.qr import qr_matrix

from ..activities.conftest import make_member
from .conftest import ARTIFACTS, CHROMIUM, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_secretary_runs_a_training_to_its_attendance_figure(page, world):
    other, other_rep = make_member(world.xixiang, "深圳市鑫达精密五金有限公司", "陈鑫")
    sign_in(page, "xixiang", "x-test-pass-1")
    page.wait_for_selector("#workbench")  # signed in: the start page
    page.click("#nav .dropdown-toggle:text-is('活动')")
    page.click("#nav .dropdown-item:text-is('活动列表')")
    page.wait_for_selector("#event-table")
    page.click("#new-event")
    start = timezone.now() - datetime.timedelta(minutes=20)
    page.select_option("#id_organization", label="西乡街道商会")
    page.select_option("#id_kind", value=EventKind.TRAINING)
    page.fill("#id_title", "企业税收优惠政策解读专题培训")
    page.fill("#id_starts_at", _local(start))
    page.fill("#id_ends_at", _local(start + datetime.timedelta(hours=3)))
    page.fill("#id_place", "西乡街道商会培训中心")
    page.fill("#id_capacity", "100")
    page.fill("#id_speakers-0-name", "刘主任")
    page.fill("#id_speakers-0-affiliation", "宝安区税务局")
    screenshot(page, "activities-event-form")
    page.click("#event-form button[type=submit]")
    page.wait_for_selector("#event-title")
    expect(page.locator("#event-status")).to_contain_text("草稿")
    page.click("#announce")
    expect(page.locator("#event-status")).to_contain_text("报名中")

    # sign up two members with the picker (search by name, choose, submit)
    for query, value in (("华为", f"e:{world.ent_x.pk}"), ("鑫达", f"p:{other_rep.pk}")):
        page.fill("#id_member", query)
        option = page.locator(f'#id_member_options input[value="{value}"]')
        option.wait_for()
        option.check()
        page.click("#sign-up")
        page.wait_for_selector("#registration-table")
    rows = page.locator("#registration-table tbody tr[data-registration]")
    expect(rows).to_have_count(2)
    expect(page.locator("#seats-count")).to_contain_text("2")
    screenshot(page, "activities-event-page")

    # the first sign-up's ticket: its QR code and the code under it
    rows.filter(has_text=world.ent_x.name).get_by_role("link", name="二维码").click()
    page.wait_for_selector("#ticket-qr svg")
    code = page.get_attribute("#ticket-code", "data-code")
    assert code and page.inner_text("#ticket-code").replace(" ", "") == code
    screenshot(page, "activities-ticket")

    # the check-in page: type the code (as printed, with its space), check in
    page.go_back()
    page.click("#open-check-in")
    page.wait_for_selector("#code-form")
    expect(page.locator("#attendance-count")).to_have_text("0")
    page.fill("#id_code", code[:5] + " " + code[5:])
    page.click("#check-in-button")
    expect(page.locator("#check-in-result .check-in-ok")).to_contain_text(world.ent_x.name)
    expect(page.locator("#attendance-count")).to_have_text("1")
    expect(page.locator("#recent-list")).to_contain_text(world.ent_x.name)
    # the same code again is refused, and the figure stays
    page.fill("#id_code", code)
    page.click("#check-in-button")
    expect(page.locator("#check-in-result .check-in-error")).to_contain_text("已于")
    expect(page.locator("#attendance-count")).to_have_text("1")
    screenshot(page, "activities-check-in")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "activities-check-in-phone")

    # back on the event page: attendance 1 of 2 sign-ups
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("text=企业税收优惠政策解读专题培训")
    expect(page.locator("#attendance-count")).to_have_text("1")
    expect(rows.filter(has_text=world.ent_x.name).locator(".checked-in")).to_contain_text("✓")
    assert page.console_errors == []


def _write_y4m(path: Path, payload: str, width: int = 640, height: int = 480) -> None:
    """A few frames of video showing `payload`'s QR code, black on white, centred
    (4:2:0 planar YUV, as Chromium's fake capture device reads it)."""
    modules = qr_matrix(payload)
    quiet = 4
    size = len(modules) + 2 * quiet
    scale = min(width, height) * 8 // 10 // size
    left, top = (width - size * scale) // 2, (height - size * scale) // 2
    luma = bytearray([235]) * (width * height)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if not dark:
                continue
            y0, x0 = top + (r + quiet) * scale, left + (c + quiet) * scale
            for y in range(y0, y0 + scale):
                start = y * width + x0
                luma[start : start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (width // 2 * height // 2)
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            f.write(b"FRAME\n")
            f.write(luma)
            f.write(chroma)
            f.write(chroma)


def test_check_in_through_the_camera_with_a_fake_video(browser, live_server, world):
    event = services.create_event(
        actor=None,
        organization=world.xixiang,
        kind=EventKind.TRAINING,
        title="知识产权保护与运用专题培训",
        starts_at=timezone.now() - datetime.timedelta(minutes=10),
        announce=True,
    )
    reg = services.register(actor=None, event=event, enterprise=world.ent_x)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    video = ARTIFACTS / f"qr-{os.getpid()}.y4m"
    _write_y4m(video, reg.qr_payload)
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.grant_permissions(["camera"], origin=live_server.url)
        page = context.new_page()
        page.base = live_server.url
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        sign_in(page, "xixiang", "x-test-pass-1")
        page.wait_for_selector("#workbench")  # signed in: the start page
        page.goto(f"{live_server.url}/activities/events/{event.pk}/check-in/")
        page.click("#start-camera")
        expect(page.locator("#check-in-result .check-in-ok")).to_contain_text(
            world.ent_x.name, timeout=20_000
        )
        expect(page.locator("#attendance-count")).to_have_text("1")
        engine = page.get_attribute("#scanner", "data-engine")
        assert engine in ("barcode-detector", "jsqr")
        print(f"camera check-in read by: {engine}")
        screenshot(page, "activities-check-in-camera")
        # the code stays in view: it is not submitted again for a while, and a
        # second check-in would be refused anyway
        page.wait_for_timeout(1500)
        assert reg.__class__.objects.get(pk=reg.pk).check_in.method == "camera"
        assert errors == []
        context.close()
    finally:
        camera.close()
        video.unlink(missing_ok=True)


def test_a_donation_shows_on_the_member_page_in_its_fund_and_in_the_years_total(page, world):
    fund = services.create_fund(actor=None, organization=world.xixiang, name="西商公益基金")
    today = timezone.localdate()
    sign_in(page, "xixiang", "x-test-pass-1")
    page.wait_for_selector("#workbench")  # signed in: the start page
    page.goto(f"{page.base}/activities/donations/")
    page.click("#new-donation")
    page.select_option("#id_organization", label="西乡街道商会")
    page.fill("#id_donor", "华为")
    option = page.locator(f'#id_donor_options input[value="e:{world.ent_x.pk}"]')
    option.wait_for()
    option.check()
    page.select_option("#id_kind", value="money")
    page.fill("#id_amount", "123456.78")
    page.select_option("#id_purpose", value="fund")
    page.select_option("#id_fund", label="西商公益基金")
    page.fill("#id_date", today.isoformat())
    page.fill("#id_receipt_no", "XX-2026-0001")
    page.click("#donation-form button[type=submit]")
    page.wait_for_selector("#donation-facts")
    expect(page.locator("#donation-facts")).to_contain_text("¥123,456.78")
    screenshot(page, "activities-donation")
    # on the member page (the section loads by htmx)
    page.goto(f"{page.base}/members/enterprises/{world.ent_x.pk}/")
    expect(page.locator("#member-donations")).to_contain_text("¥123,456.78")
    expect(page.locator("#member-donations")).to_contain_text("西商公益基金")
    screenshot(page, "activities-member-section")
    # in its fund
    page.goto(f"{page.base}/activities/funds/{fund.pk}/")
    expect(page.locator("#fund-balance")).to_have_text("¥123,456.78")
    # and in the year's charity total of the chamber
    page.goto(f"{page.base}/activities/donations/?year={today.year}&org=d.xixiang")
    expect(page.locator("#charity-year")).to_have_text("¥123,456.78")
    screenshot(page, "activities-donations")
    assert page.console_errors == []
