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


def test_demo_province_puts_the_district_in_a_province_tree():
    from chamber.returns import services as returns
    from chamber.returns.choices import Status

    call_command("demo", members=200, seed=7, province=True)
    gd = Organization.objects.get(code="gd")
    baoan = Organization.objects.get(code="baoan")
    assert gd.kind == "provincial" and baoan.parent.code == "gd.shenzhen"
    assert baoan.path.startswith(gd.path)
    assert {o.code for o in Organization.objects.get(code="gd.shenzhen").children.all()} == {
        "baoan",
        "longgang",
    }
    # A district submits its 2016 return; the city above sees it and adds it up.
    ret = returns.prepare_return(actor=None, organization=baoan, year=2016)
    returns.approve_return(actor=None, ret=ret)
    returns.submit_return(actor=None, ret=ret)
    city = returns.prepare_return(
        actor=None, organization=Organization.objects.get(code="gd.shenzhen"), year=2016
    )
    reported = ret.lines.get(figure="members.total").reported
    assert city.lines.get(figure="members.total").computed == reported
    assert ret.status == Status.SUBMITTED
