"""Casework fixtures on top of the standard world: departments, an expert, and a
helper that raises a case in Xixiang (at a frozen date where it matters)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from chamber.casework import services
from chamber.casework.models import Category, Department, Expert


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions below read English messages; test_i18n checks the Chinese ones."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def cw(world):
    depts = [
        Department.objects.create(name="区人力资源局"),
        Department.objects.create(name="区市场监督管理局"),
        Department.objects.create(name="区规划土地监察局"),
        Department.objects.create(name="区税务局"),
    ]
    expert = Expert.objects.create(name="陈教授", fields="融资, 知识产权", title="教授")
    financing = Category.objects.get(code="financing")
    policy = Category.objects.get(code="policy")

    def raise_case(org=None, enterprise=None, actor=None, **kw):
        kw.setdefault("category", financing)
        kw.setdefault("title", "贷款到期续贷困难")
        return services.raise_case(
            actor=actor or world.secretary,
            organization=org or world.xixiang,
            enterprise=enterprise or world.ent_x,
            **kw,
        )

    return SimpleNamespace(
        depts=depts,
        dept=depts[0],
        expert=expert,
        financing=financing,
        policy=policy,
        raise_case=raise_case,
        day=datetime.date(2017, 6, 1),
    )
