"""Security headers, the one production switch, sign-in lockout per pair / name /
address, and the client address behind proxies (issue 14, item 6)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.test import RequestFactory, override_settings

from chamber.core.security import client_ip

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR)


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_pages_carry_csp_and_security_headers(client, world):
    client.force_login(world.staff)
    r = client.get("/members/")
    assert r.status_code == 200
    csp = r["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert (
        "camera=(self)" in r["Permissions-Policy"] and "geolocation=()" in r["Permissions-Policy"]
    )
    assert r["Referrer-Policy"] == "same-origin"
    assert r["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_an_inline_script_or_handler():
    """script-src 'self': an inline <script> or on…= handler would silently not run."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<script\b([^>]*)>", text):
            attrs = m.group(1)
            if "src=" not in attrs and "nonce=" not in attrs and "json" not in attrs:
                offenders.append(f"{path.relative_to(TEMPLATES)}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*\"", text) or "hx-on" in text:
            offenders.append(f"{path.relative_to(TEMPLATES)}: inline event handler")
    assert offenders == []


def _deploy_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "CHAMBER_SECRET_KEY": secrets.token_urlsafe(50),
        "CHAMBER_ALLOWED_HOSTS": "chamber.example.gov.cn",
        "CHAMBER_DEBUG": "0",
        "CHAMBER_FIELD_KEYS": Fernet.generate_key().decode(),
        **extra_env,
    }
    env.pop("CHAMBER_SECURE_COOKIES", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest
    return subprocess.run(
        [sys.executable, "-m", "chamber", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_one_production_switch_makes_check_deploy_clean():
    done = _deploy_check({"CHAMBER_HTTPS": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    # without the switch the same check names what is missing
    done = _deploy_check({"CHAMBER_HTTPS": "0"})
    assert done.returncode != 0
    assert "SESSION_COOKIE_SECURE" in done.stderr and "SECURE_SSL_REDIRECT" in done.stderr


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_https_redirect_and_hsts(client, world):
    r = client.get("/accounts/login/")
    assert r.status_code == 301 and r["Location"].startswith("https://")
    r = client.get("/accounts/login/", secure=True)
    assert r.status_code == 200
    assert r["Strict-Transport-Security"].startswith("max-age=31536000")


def test_lockout_per_pair(client, world):
    pair, _name, _address = settings.CHAMBER_LOCKOUT_LIMITS
    for _ in range(pair - 1):
        assert _login(client, "district", "wrong").status_code == 200
    assert _login(client, "district", "wrong").status_code == 429
    assert _login(client, "district", "x-test-pass-1").status_code == 429
    # the same name from another address is not locked by the pair rule alone
    assert _login(client, "district", "x-test-pass-1", ip="10.0.0.2").status_code == 302


def test_lockout_per_name_from_many_addresses(client, world):
    pair, name, _address = settings.CHAMBER_LOCKOUT_LIMITS
    assert name > pair
    for i in range(name - 1):
        assert _login(client, "district", "wrong", ip=f"10.1.0.{i}").status_code == 200
    assert _login(client, "district", "wrong", ip="10.1.1.1").status_code == 429
    # a fresh address with the right password: the name is locked
    assert _login(client, "district", "x-test-pass-1", ip="10.1.2.2").status_code == 429
    # another name is not
    assert _login(client, "xixiang", "x-test-pass-1", ip="10.1.2.2").status_code == 302


def test_lockout_per_address_over_many_names(client, world):
    pair, name, address = settings.CHAMBER_LOCKOUT_LIMITS
    assert address > name
    for i in range(address - 1):
        assert _login(client, f"nobody{i}", "wrong", ip="10.2.0.9").status_code == 200
    assert _login(client, "someone-else", "wrong", ip="10.2.0.9").status_code == 429
    assert _login(client, "district", "x-test-pass-1", ip="10.2.0.9").status_code == 429
    assert _login(client, "district", "x-test-pass-1", ip="10.2.0.10").status_code == 302


@pytest.mark.parametrize(
    "count,forwarded,remote,expected",
    [
        (0, "1.1.1.1, 2.2.2.2", "9.9.9.9", "9.9.9.9"),  # no proxy: the header is ignored
        (1, "1.1.1.1", "9.9.9.9", "1.1.1.1"),
        (1, "6.6.6.6, 1.1.1.1", "9.9.9.9", "1.1.1.1"),  # the client's forged entry ignored
        (2, "6.6.6.6, 1.1.1.1, 10.0.0.5", "9.9.9.9", "1.1.1.1"),
        (2, "1.1.1.1", "9.9.9.9", "1.1.1.1"),
        (1, "", "9.9.9.9", "9.9.9.9"),
    ],
)
def test_client_ip_behind_proxies(count, forwarded, remote, expected):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    with override_settings(PROXY_COUNT=count):
        assert client_ip(request) == expected


def test_lockout_uses_the_proxied_address(client, world):
    pair = settings.CHAMBER_LOCKOUT_LIMITS[0]
    with override_settings(PROXY_COUNT=1):
        for _ in range(pair):
            client.post(
                "/accounts/login/",
                {"username": "district", "password": "wrong"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="203.0.113.7",
            )
        # same proxy, another client: not locked (the pair is per client address)
        r = client.post(
            "/accounts/login/",
            {"username": "district", "password": "x-test-pass-1"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.8",
        )
        assert r.status_code == 302
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) <= {"203.0.113.7"}


def test_log_lines_carry_the_client_address(world):
    import logging

    from chamber.core.security import ClientIPFilter

    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    record.request = request
    with override_settings(PROXY_COUNT=1):
        ClientIPFilter().filter(record)
    assert record.client_ip == "198.51.100.2"
