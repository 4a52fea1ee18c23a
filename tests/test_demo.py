import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chamber.core.validators import check_uscc
from chamber.members.models import Enterprise, Membership
from chamber.orgs.models import Organization

from .conftest import restore_reference_data

pytestmark = pytest.mark.django_db


def _fingerprint():
    return list(Enterprise.objects.order_by("id").values_list("uscc", "name")[:50]), list(
        Membership.objects.order_by("id").values_list("organization__code", "joined", "left")[:50]
    )


def test_demo_tree_members_and_users(client):
    call_command("demo", members=600, seed=7)
    streets_2016 = Organization.objects.get(code="baoan").children.in_force(
        datetime.date(2016, 12, 31)
    )
    streets_2017 = Organization.objects.get(code="baoan").children.in_force(
        datetime.date(2017, 12, 31)
    )
    assert streets_2016.count() == 6 and streets_2017.count() == 10
    assert {o.code for o in streets_2017} >= {"baoan.xixiang", "baoan.fuhai", "baoan.hangcheng"}
    assert Enterprise.objects.count() == 600
    assert all(check_uscc(c) is None for c in Enterprise.objects.values_list("uscc", flat=True))
    # members moved at the split keep their history
    moved = Membership.objects.filter(moved_from__isnull=False)
    assert moved.exists() and all(m.joined == datetime.date(2017, 1, 1) for m in moved)
    assert not Membership.objects.filter(
        organization__code="baoan.fuhai", joined__lt=datetime.date(2017, 1, 1)
    ).exists()
    # each enterprise is active in at most one chamber on any day
    for day in (datetime.date(2016, 12, 31), datetime.date(2017, 1, 1)):
        active = Membership.objects.active(day).values_list("enterprise_id", flat=True)
        assert len(active) == len(set(active))
    # the demo sign-ins work with the demo password
    r = client.post("/accounts/login/", {"username": "xixiang", "password": "chamber-demo"})
    assert r.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic_for_a_seed(reference_data):
    call_command("demo", members=300, seed=11)
    first = _fingerprint()
    call_command("flush", interactive=False, verbosity=0)
    restore_reference_data()
    call_command("demo", members=300, seed=11)
    assert _fingerprint() == first


def test_demo_refuses_a_database_with_data(world):
    with pytest.raises(CommandError):
        call_command("demo", members=300)
    call_command("demo", members=300, if_empty=True)  # make run's second start: no-op
    assert not Organization.objects.filter(code="baoan").exists()


def test_demo_search_text_is_what_the_services_write(db):
    from chamber.core import text

    call_command("demo", members=200, seed=5)
    for ent in Enterprise.objects.all()[:50]:
        assert ent.search_text == text.search_text(ent.name, ent.uscc, ent.legal_representative)
    m = Membership.objects.select_related("enterprise").first()
    assert m.search_text == m.enterprise.search_text
