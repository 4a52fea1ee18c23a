"""Staff are shown by their 姓名: pages, the case timeline, messages, the API and the
audit trail; the user name only for an account nobody has named."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from chamber.casework import services
from chamber.core.audit import describe_changes
from chamber.core.models import AuditEntry
from chamber.core.names import user_name

pytestmark = pytest.mark.django_db


def _name(user, last: str, first: str) -> None:
    user.last_name, user.first_name = last, first
    user.save()


def test_user_name_forms(world):
    assert user_name(None) == ""
    assert user_name(world.staff) == "district"  # nobody named the account
    _name(world.staff, "张", "丽华")
    assert user_name(world.staff) == "张丽华"
    _name(world.staff, "Smith", "Jane")
    assert user_name(world.staff) == "Jane Smith"
    _name(world.staff, "", "")
    # linking the account to its person record names it, once
    from chamber.members.services import link_user

    link_user(actor=world.admin, person=world.rep_x, user=world.staff)
    assert user_name(get_user_model().objects.get(pk=world.staff.pk)) == "任正非"
    assert world.rep_x.user == world.staff
    with pytest.raises(ValidationError):
        link_user(actor=world.admin, person=world.rep_f, user=world.staff)
    with pytest.raises(PermissionDenied):
        link_user(actor=world.other_secretary, person=world.rep_x, user=world.other_secretary)


def test_case_page_timeline_api_and_trail_show_names(client, world, cw):
    _name(world.secretary, "李", "明")
    _name(world.staff, "张", "丽华")
    case = cw.raise_case()
    services.assign_case(actor=world.secretary, case=case, assignee=world.secretary)
    services.assign_case(actor=world.staff, case=case, assignee=world.staff)
    client.force_login(world.staff)
    body = client.get(f"/casework/cases/{case.pk}/").content.decode()
    assert "张丽华" in body and "李明" in body
    assert ">district<" not in body and "· xixiang" not in body and "· district" not in body
    queue = client.get("/casework/?queue=all").content.decode()
    assert "张丽华" in queue
    data = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert data["assignee"] == "district" and data["assignee_name"] == "张丽华"
    assert {e["actor_name"] for e in data["events"]} >= {"李明", "张丽华"}
    entry = AuditEntry.objects.filter(changes__has_key="assignee").order_by("-id").first()
    assert "李明 → 张丽华" in describe_changes(entry)


def test_refusal_names_the_person(world, cw):
    _name(world.other_secretary, "周", "海燕")
    case = cw.raise_case()
    with pytest.raises(ValidationError) as err:
        services.assign_case(actor=world.secretary, case=case, assignee=world.other_secretary)
    assert "周海燕" in str(err.value)
