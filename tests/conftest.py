"""The standard test world (after Healthchecks' standard users): a district with two
streets, and users at each level. Tests that need the whole demo use `demo_world`."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from chamber.orgs.choices import Role
from chamber.orgs.services import grant_role

from .factories import EnterpriseFactory, MembershipFactory, PersonFactory, make_org

TEST_FIELD_KEY = "dGVzdC1maWVsZC1rZXktZm9yLXB5dGVzdC1vbmx5ISE="


@pytest.fixture(autouse=True)
def _english_and_fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    # Personal data at rest needs its own key outside DEBUG (chamber.core.fields).
    settings.CHAMBER_FIELD_KEYS = [TEST_FIELD_KEY]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _user(username: str, org, role: str, **flags):
    user = get_user_model().objects.create_user(
        username=username, password="x-test-pass-1", **flags
    )
    if org is not None:
        grant_role(actor=None, user=user, organization=org, role=role)
    return user


@pytest.fixture
def world(db):
    """District `d` with streets `xixiang` and `fuyong`, an enterprise member in each,
    and users: admin, district staff, xixiang secretary, fuyong secretary, leader,
    and an outsider with no role."""
    d = make_org("d", "测试区工商联")
    xixiang = make_org("d.xixiang", "西乡街道商会", parent=d)
    fuyong = make_org("d.fuyong", "福永街道商会", parent=d)
    ent_x = EnterpriseFactory(name="深圳市华为技术有限公司", legal_representative="任正非")
    ent_f = EnterpriseFactory(name="福永精密五金有限公司", legal_representative="王五")
    rep_x = PersonFactory(name="任正非", enterprise=ent_x, id_number="11010519491231002X")
    rep_f = PersonFactory(name="王五", enterprise=ent_f)
    m_x = MembershipFactory(organization=xixiang, enterprise=ent_x, representative=rep_x)
    m_f = MembershipFactory(organization=fuyong, enterprise=ent_f, representative=rep_f)
    return SimpleNamespace(
        district=d,
        xixiang=xixiang,
        fuyong=fuyong,
        ent_x=ent_x,
        ent_f=ent_f,
        rep_x=rep_x,
        rep_f=rep_f,
        m_x=m_x,
        m_f=m_f,
        admin=_user("admin", d, Role.ADMIN, is_staff=True, is_superuser=True),
        staff=_user("district", d, Role.STAFF, is_staff=True),
        secretary=_user("xixiang", xixiang, Role.SECRETARY, is_staff=True),
        other_secretary=_user("fuyong", fuyong, Role.SECRETARY, is_staff=True),
        leader=_user("leader", d, Role.LEADER),
        outsider=_user("outsider", None, ""),
        today=datetime.date(2017, 6, 1),
    )


def restore_reference_data() -> None:
    """Rows that data migrations write (case categories, holiday calendars): a
    transactional test's flush removes them; put them back as a fresh database has them."""
    from importlib import import_module

    from django.apps import apps

    for module in ("chamber.casework.migrations.0002_reference_data",):
        import_module(module).forwards(apps, None)


@pytest.fixture(autouse=True)
def _reference_rows(request):
    """Every database test starts with the data migrations' rows, as a real database has
    them, even after an earlier transactional test flushed them."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "world",
        "client",
        "live_server",
    } & set(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("db")
    from chamber.casework.models import Category

    if not Category.objects.exists():
        restore_reference_data()


@pytest.fixture
def reference_data(db):
    """Kept for readability where a test depends on the reference rows explicitly."""
