import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_sign_in_and_out(client, world):
    r = _login(client, "district", "x-test-pass-1")
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.get("/members/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/members/").status_code == 302


def test_failed_sign_ins_are_throttled(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = _login(client, "district", "wrong")
        assert r.status_code == 200  # the form again, with an error
    assert _login(client, "district", "wrong").status_code == 429  # the limit: locked
    r = _login(client, "district", "x-test-pass-1")  # even the right password now
    assert r.status_code == 429
    assert client.get("/members/").status_code == 302


def test_sessions_expire(world):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_demo_password_refused_outside_the_demo(client, world):
    user = get_user_model().objects.get(username="district")
    user.set_password(settings.CHAMBER_DEMO_PASSWORD)
    user.save()
    assert _login(client, "district", settings.CHAMBER_DEMO_PASSWORD).status_code == 200
    assert client.get("/members/").status_code == 302
    with pytest.raises(ValidationError):
        validate_password(settings.CHAMBER_DEMO_PASSWORD, user)


def test_password_change(client, world):
    client.force_login(world.staff)
    r = client.post(
        "/accounts/password/",
        {
            "old_password": "x-test-pass-1",
            "new_password1": "a-new-Secret-42",
            "new_password2": "a-new-Secret-42",
        },
    )
    assert r.status_code == 302
    world.staff.refresh_from_db()
    assert world.staff.check_password("a-new-Secret-42")
