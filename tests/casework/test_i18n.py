"""Casework speaks Chinese by default: step errors, pages and choices."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from chamber.casework import services

pytestmark = pytest.mark.django_db


def test_illegal_step_error_in_chinese(world, cw):
    case = cw.raise_case()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        services.resolve_case(actor=world.secretary, case=case, resolution="x")
    with translation.override("zh-hans"):
        message = err.value.message_dict["status"][0]
    assert message == "不能“办结”：诉求当前状态为已受理。现在可以：分派、不予受理、并入其他诉求。"


def test_pages_in_chinese(client, world, cw, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    case = cw.raise_case()
    client.force_login(world.secretary)
    body = client.get(
        reverse("casework:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "下一步" in body and "办理过程" in body and "已受理" in body and "融资" in body
    body = client.get(
        reverse("casework:visit_create"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "登记走访" in body and "保存走访" in body
