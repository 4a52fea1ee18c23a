"""Admin and reference-data edits reach the audit trail like service writes, and the
trail itself is read through the one scope rule (issue 14, item 5)."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from chamber.casework.models import CalendarDay, Category, ContactQuota, HolidayCalendar
from chamber.core import audit
from chamber.core.models import AuditEntry
from chamber.members.models import Tag
from chamber.orgs.choices import Perm, Role
from chamber.orgs.models import RoleAssignment

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The values a browser would send for the admin's main form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(a.get("value") or default)
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def form_data(client, url) -> dict:
    r = client.get(url)
    assert r.status_code == 200, url
    parser = _Form()
    parser.feed(r.content.decode())
    return {k: v if len(v) != 1 else v[0] for k, v in parser.data.items()}


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def entries(model, **kw):
    from django.contrib.contenttypes.models import ContentType

    return AuditEntry.objects.filter(object_type=ContentType.objects.get_for_model(model), **kw)


def test_category_time_limit_change_is_audited(admin_client, world):
    cat = Category.objects.create(code="finance", name="融资", time_limit_days=15)
    url = f"/admin/casework/category/{cat.pk}/change/"
    data = form_data(admin_client, url)
    data["time_limit_days"] = "10"
    r = admin_client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    (e,) = entries(Category, object_id=cat.pk)
    assert e.action == "update" and e.actor == world.admin
    assert e.changes == {"time_limit_days": [15, 10]}


def test_changelist_edits_are_audited(admin_client, world):
    cat = Category.objects.create(code="land", name="用地", time_limit_days=20)
    r = admin_client.post(
        "/admin/casework/category/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(cat.pk),
            "form-0-time_limit_days": "30",
            "form-0-sort_order": "0",
            "form-0-active": "on",
            "_save": "Save",
        },
    )
    assert r.status_code == 302
    (e,) = entries(Category, object_id=cat.pk)
    assert e.changes == {"time_limit_days": [20, 30]}


def test_role_assignments_granted_and_revoked_in_the_admin_are_audited(admin_client, world):
    newcomer = get_user_model().objects.create_user("newcomer", password="x-test-pass-1")
    data = form_data(admin_client, "/admin/orgs/roleassignment/add/")
    data.update(user=str(newcomer.pk), role=Role.SECRETARY, organization=str(world.fuyong.pk))
    r = admin_client.post("/admin/orgs/roleassignment/add/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    ra = RoleAssignment.objects.get(user=newcomer)
    (e,) = entries(RoleAssignment, object_id=ra.pk)
    assert e.action == "create" and e.organization_id == world.fuyong.pk
    assert e.changes["role"] == [None, Role.SECRETARY]
    r = admin_client.post(f"/admin/orgs/roleassignment/{ra.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert entries(RoleAssignment, object_id=ra.pk, action="delete").count() == 1


def test_holiday_days_added_through_the_inline_are_audited(admin_client, world):
    cal = HolidayCalendar.objects.create(year=2031)
    url = f"/admin/casework/holidaycalendar/{cal.pk}/change/"
    data = form_data(admin_client, url)
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    data.update(
        {
            f"{prefix}-0-date": "2031-10-01",
            f"{prefix}-0-kind": "holiday",
            f"{prefix}-0-name": "国庆节",
        }
    )
    r = admin_client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    day = CalendarDay.objects.get(date=datetime.date(2031, 10, 1))
    (e,) = entries(CalendarDay, object_id=day.pk)
    assert e.action == "create" and e.changes["name"] == [None, "国庆节"]


def test_quota_and_tag_edits_are_audited(admin_client, world):
    quota = ContactQuota.objects.create(
        organization=world.xixiang, rank="1_president", contacts_per_year=4
    )
    url = f"/admin/casework/contactquota/{quota.pk}/change/"
    data = form_data(admin_client, url)
    data["contacts_per_year"] = "6"
    assert admin_client.post(url, data).status_code == 302
    (e,) = entries(ContactQuota, object_id=quota.pk)
    assert e.changes == {"contacts_per_year": [4, 6]} and e.organization_id == world.xixiang.pk
    data = form_data(admin_client, "/admin/members/tag/add/")
    data["name"] = "专精特新"
    assert admin_client.post("/admin/members/tag/add/", data).status_code == 302
    tag = Tag.objects.get(name="专精特新")
    assert entries(Tag, object_id=tag.pk, action="create").exists()


def test_the_trail_is_read_through_the_scope_rule(world):
    fuyong_entry = audit.record(
        actor=None, action="update", obj=world.m_f, organization_id=world.fuyong.pk
    )
    xixiang_entry = audit.record(
        actor=None, action="update", obj=world.m_x, organization_id=world.xixiang.pk
    )
    # an enterprise's own record names no organisation: visible where the enterprise is
    own_f = audit.record(actor=None, action="update", obj=world.ent_f)
    own_x = audit.record(actor=None, action="update", obj=world.ent_x)
    seen = set(
        AuditEntry.objects.visible_to(world.secretary, Perm.VIEW).values_list("pk", flat=True)
    )
    assert {xixiang_entry.pk, own_x.pk} <= seen
    assert not {fuyong_entry.pk, own_f.pk} & seen
    assert not AuditEntry.objects.visible_to(world.outsider, Perm.VIEW).exists()
    everything = set(
        AuditEntry.objects.visible_to(world.staff, Perm.VIEW).values_list("pk", flat=True)
    )
    assert {fuyong_entry.pk, xixiang_entry.pk, own_f.pk, own_x.pk} <= everything


def test_admin_trail_page_shows_only_the_managed_organisations(client, world):
    from chamber.orgs.services import grant_role

    street_admin = get_user_model().objects.create_user(
        "street-admin", password="x-test-pass-1", is_staff=True
    )
    grant_role(actor=None, user=street_admin, organization=world.xixiang, role=Role.ADMIN)
    mine = audit.record(
        actor=None, action="update", obj=world.m_x, organization_id=world.xixiang.pk
    )
    theirs = audit.record(
        actor=None, action="update", obj=world.m_f, organization_id=world.fuyong.pk
    )
    client.force_login(street_admin)
    assert client.get(f"/admin/core/auditentry/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/core/auditentry/{theirs.pk}/change/").status_code == 404
