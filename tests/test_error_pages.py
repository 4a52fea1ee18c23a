"""Chinese error pages in Chamber's look, with debug off as `make run` and production
serve: never Django's debug page; the 500 page renders with no context and no query."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False
    settings.LANGUAGE_CODE = "zh-hans"


def test_another_streets_record_is_a_chinese_404_page(client, world):
    client.force_login(world.secretary)  # xixiang
    r = client.get(
        reverse("members:enterprise", args=[world.ent_f.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert r.status_code == 404
    assert "页面不存在" in r.text and 'id="error-page"' in r.text and "工商联会员服务系统" in r.text
    assert "URLconf" not in r.text and "Page not found" not in r.text and "Traceback" not in r.text


def test_an_unknown_address_is_a_chinese_404_page(client, world):
    client.force_login(world.staff)
    r = client.get("/no/such/page/")
    assert r.status_code == 404 and "页面不存在" in r.text and "members/" not in r.text


def test_403_400_and_500_pages_are_chinese(rf: RequestFactory, django_assert_num_queries):
    request = rf.get("/")
    r = defaults.permission_denied(request, PermissionDenied())
    assert r.status_code == 403 and "无权访问" in r.content.decode()
    r = defaults.bad_request(request, Exception())
    assert r.status_code == 400 and "请求有误" in r.content.decode()
    with django_assert_num_queries(0):  # no database, no context processors
        r = defaults.server_error(request)
    text = r.content.decode()
    assert r.status_code == 500 and "系统错误" in text and "chamber.css" in text


def test_an_expired_form_is_a_chinese_403_page(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    r = client.post("/i18n/setlang/", {"language": "en"})
    assert r.status_code == 403 and "表单已过期" in r.text


def test_secret_key_file_is_made_once_and_kept(tmp_path):
    from chamber.settings import _key_from_file

    path = tmp_path / "var" / "secret_key"  # var/ made too (a fresh clone has none)
    key = _key_from_file(path)
    assert len(key) >= 50 and _key_from_file(path) == key
    assert path.stat().st_mode & 0o777 == 0o600
