"""Sign-in by SMS code: hashed, single use, 5 minutes, ≤ 5 tries per code, back-off,
rate limits per number and per address, and the same answer for unknown numbers."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from chamber.portal import services, sms
from chamber.portal.models import LoginCode

from .conftest import last_code, sign_in


def test_code_signs_in_once_and_is_hashed_at_rest(client, portal):
    mobile = portal.x.person.mobile
    client.get("/portal/login/")
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
    r = client.post("/portal/login/", {"mobile": mobile})
    assert r.status_code == 302 and r["Location"] == "/portal/login/code/"
    code = last_code(mobile)
    row = LoginCode.objects.get(mobile=mobile)
    assert code not in row.code_hash and len(row.code_hash) > 40
    r = client.post("/portal/login/code/", {"code": code})
    assert r.status_code == 302 and r["Location"] == "/portal/"
    assert client.cookies["sessionid"].value != before  # rotated at sign-in
    assert client.get("/portal/").status_code == 200
    portal.x.refresh_from_db()
    assert portal.x.activated_at is not None
    # The same code again: used up.
    with pytest.raises(ValidationError, match="wrong or has expired"):
        services.verify_code(mobile=mobile, code=code)


def test_unknown_number_gets_the_same_answer_and_no_sms(client, portal):
    r = client.post("/portal/login/", {"mobile": "13911112222"})
    assert r.status_code == 302 and r["Location"] == "/portal/login/code/"
    assert not sms.OUTBOX
    assert LoginCode.objects.filter(mobile="13911112222", account=None).exists()
    r = client.post("/portal/login/code/", {"code": "123456"})
    assert b"wrong or has expired" in r.content


def test_five_tries_per_code_then_back_off(portal):
    mobile = portal.x.person.mobile
    services.request_code(mobile=mobile, ip="10.0.0.1")
    code = last_code(mobile)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(ValidationError, match="wrong"):
            services.verify_code(mobile=mobile, code=wrong)
    # The right code no longer helps: the code is spent.
    with pytest.raises(ValidationError, match="Too many wrong codes"):
        services.verify_code(mobile=mobile, code=code)
    assert LoginCode.objects.get(mobile=mobile).tries == 5
    # Back-off: no new code for 5 minutes, then one; a second burnt code doubles it.
    with (
        time_machine.travel(datetime.timedelta(minutes=4)),
        pytest.raises(ValidationError, match="Too many wrong codes"),
    ):
        services.request_code(mobile=mobile, ip="10.0.0.1")
    with time_machine.travel(datetime.timedelta(minutes=6)):
        services.request_code(mobile=mobile, ip="10.0.0.1")


def test_code_expires_after_five_minutes(portal):
    mobile = portal.x.person.mobile
    services.request_code(mobile=mobile, ip=None)
    code = last_code(mobile)
    with (
        time_machine.travel(datetime.timedelta(minutes=5, seconds=1)),
        pytest.raises(ValidationError, match="wrong or has expired"),
    ):
        services.verify_code(mobile=mobile, code=code)


def test_rate_limits_per_number_and_per_address(portal):
    mobile = portal.x.person.mobile
    services.request_code(mobile=mobile, ip="10.0.0.2")
    with pytest.raises(ValidationError, match="moment ago"):
        services.request_code(mobile=mobile, ip="10.0.0.2")
    for i in range(1, 5):
        with time_machine.travel(datetime.timedelta(minutes=2 * i)):
            services.request_code(mobile=mobile, ip="10.0.0.2")
    with (
        time_machine.travel(datetime.timedelta(minutes=11)),
        pytest.raises(ValidationError, match="Too many codes for this number"),
    ):
        services.request_code(mobile=mobile, ip="10.0.0.2")
    # Per address: 20 an hour whatever the numbers.
    for i in range(15):
        services.request_code(mobile=f"1390000{i:04d}", ip="10.0.0.2")
    with pytest.raises(ValidationError, match="from this network"):
        services.request_code(mobile="13900009999", ip="10.0.0.2")


def test_bad_number_is_a_located_error(client, portal):
    r = client.post("/portal/login/", {"mobile": "12345"})
    assert r.status_code == 200 and b"11-digit" in r.content
    assert not LoginCode.objects.exists()


def test_first_sign_in_asks_for_the_notice_and_records_consent(client, world):
    account, _token = services.invite(
        actor=world.secretary, person=world.rep_x, organization=world.xixiang
    )
    sign_in(client, account)
    r = client.get("/portal/")
    assert r.status_code == 302 and r["Location"].startswith("/portal/consent/")
    r = client.post("/portal/consent/", {})
    account.refresh_from_db()
    assert account.consent_at is None
    client.post("/portal/consent/", {"accept": "yes"})
    account.refresh_from_db()
    assert account.consent_version == services.CONSENT_VERSION and account.consent_at
    assert client.get("/portal/").status_code == 200


def test_optional_password(client, portal):
    sign_in(client, portal.x)
    r = client.post("/portal/account/", {"password": "Huawei-portal-2026"})
    assert r.status_code == 302
    client.post("/portal/logout/")
    r = client.post(
        "/portal/login/password/",
        {"mobile": portal.x.person.mobile, "password": "Huawei-portal-2026"},
    )
    assert r.status_code == 302
    assert client.get("/portal/").status_code == 200


def test_invitation_link_names_the_chamber_and_signs_nobody_in(client, portal):
    r = client.get(f"/portal/invite/{portal.token_x}/")
    assert r.status_code == 200 and "西乡街道商会" in r.content.decode()
    r = client.post(f"/portal/invite/{portal.token_x}/")
    assert r["Location"] == "/portal/login/code/"
    page = client.get("/portal/login/code/").content.decode()
    assert portal.x.person.mobile not in page and portal.x.person.mobile[-4:] in page
    assert client.get("/portal/").status_code == 302  # still signed out until the code
    assert client.get("/portal/invite/not-a-token/").status_code == 404
