"""The register beyond the directory: people and their roles over time, individual and
group members, milestones, dues rates, payments, arrears; pages and API, scoped."""

from __future__ import annotations

import datetime
import io
import os
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from chamber.core.models import AuditEntry
from chamber.members import services
from chamber.members.choices import EnterpriseRoleKind, MemberKind, Rank
from chamber.members.figures import dues_figures
from chamber.members.models import Due, EnterpriseRole, Payment
from chamber.reports.annual import annual_report

from .factories import PersonFactory

Y = datetime.date.today().year


@pytest.fixture
def dues_world(world):
    """A year's dues in each street, a payment in fuyong, a loose person in fuyong."""
    services.set_dues_rate(
        actor=world.staff, organization=world.xixiang, year=Y, rank=Rank.MEMBER, amount="1000"
    )
    services.set_dues_rate(
        actor=world.staff, organization=world.fuyong, year=Y, rank=Rank.MEMBER, amount="800.50"
    )
    due_f = Due.objects.get(membership=world.m_f, year=Y)
    pay_f = services.record_payment(
        actor=world.other_secretary,
        due=due_f,
        amount=Decimal("300.25"),
        paid_on=datetime.date(Y, 1, 1),
        receipt_no="FY-001",
    )
    loner = services.create_person(
        actor=world.other_secretary, organization=world.fuyong, name="赵六"
    )
    world.due_x = Due.objects.get(membership=world.m_x, year=Y)
    world.due_f, world.pay_f, world.loner = due_f, pay_f, loner
    return world


# --- services ------------------------------------------------------------------------------


def test_rate_creates_dues_for_members_of_that_rank_and_is_audited(dues_world):
    w = dues_world
    assert w.due_x.amount == Decimal("1000.00")
    assert w.due_f.amount == Decimal("800.50")
    # a second setting changes unpaid dues, keeps paid ones
    rate, counts = services.set_dues_rate(
        actor=w.staff, organization=w.fuyong, year=Y, rank=Rank.MEMBER, amount="900"
    )
    assert counts == {"created": 0, "changed": 0, "kept": 1}
    _rate, counts = services.set_dues_rate(
        actor=w.staff, organization=w.xixiang, year=Y, rank=Rank.MEMBER, amount="1200"
    )
    assert counts == {"created": 0, "changed": 1, "kept": 0}
    w.due_x.refresh_from_db()
    assert w.due_x.amount == Decimal("1200.00")
    assert AuditEntry.objects.filter(object_id=rate.pk, changes__kept=1).exists()


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"year": 1990}, "year"),
        ({"rank": "9_nobody"}, "rank"),
    ],
)
def test_rate_validation_is_located_and_writes_nothing(world, kwargs, field):
    args = {"organization": world.xixiang, "year": Y, "rank": Rank.MEMBER, "amount": "100"}
    with pytest.raises(ValidationError) as e:
        services.set_dues_rate(actor=world.staff, **{**args, **kwargs})
    assert field in e.value.message_dict
    assert not Due.objects.exists()


def test_rate_in_another_chamber_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.set_dues_rate(
            actor=world.secretary, organization=world.fuyong, year=Y, rank=Rank.MEMBER, amount=1
        )


def test_payment_needs_a_unique_receipt_and_cannot_overpay(dues_world):
    w = dues_world
    base = {"due": w.due_f, "paid_on": datetime.date(Y, 1, 1)}
    with pytest.raises(ValidationError) as e:
        services.record_payment(actor=w.other_secretary, amount="1", receipt_no="", **base)
    assert "receipt_no" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.record_payment(actor=w.other_secretary, amount="1", receipt_no="FY-001", **base)
    assert "receipt_no" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.record_payment(actor=w.other_secretary, amount="500.26", receipt_no="FY-2", **base)
    assert "amount" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.record_payment(
            actor=w.other_secretary,
            due=w.due_f,
            amount="1",
            receipt_no="FY-3",
            paid_on=datetime.date.today() + datetime.timedelta(days=2),
        )
    assert "paid_on" in e.value.message_dict
    assert Payment.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.record_payment(actor=w.secretary, amount="1", receipt_no="X-1", **base)


def test_dues_figures_are_exact_and_in_the_report(dues_world):
    w = dues_world
    f = dues_figures(w.district, datetime.date(Y, 1, 1), datetime.date(Y, 12, 31))
    assert f["receivable"] == "1800.50"
    assert f["received"] == "300.25"
    assert f["collection_rate"] == 0.167  # rounded once to 0.1 % (core.rates)
    assert f["members_in_arrears"] == 2
    report = annual_report(w.district, Y)
    assert report["dues"]["receivable"] == "1800.50"
    by_code = {c["org"]["code"]: c["dues"] for c in report["children"]}
    assert by_code["d.fuyong"]["received"] == "300.25"
    assert by_code["d.xixiang"]["collection_rate"] == 0.0
    empty = annual_report(w.district, Y - 3)["dues"]
    assert empty["receivable"] == "0.00" and empty["collection_rate"] is None


def test_new_representative_ends_the_old_role_and_shows_on_the_trail(world):
    old_role = services.add_enterprise_role(
        actor=world.secretary,
        enterprise=world.ent_x,
        person=world.rep_x,
        role=EnterpriseRoleKind.REPRESENTATIVE,
        start=datetime.date(2015, 3, 1),
    )
    new_rep = services.create_person(actor=world.secretary, name="孟晚舟", enterprise=world.ent_x)
    on = datetime.date(2017, 6, 1)
    services.replace_representative(
        actor=world.secretary, membership=world.m_x, person=new_rep, on=on
    )
    old_role.refresh_from_db()
    assert old_role.end == on
    roles = EnterpriseRole.objects.filter(enterprise=world.ent_x, role="representative")
    assert {(r.person_id, r.end) for r in roles} == {(world.rep_x.pk, on), (new_rep.pk, None)}
    r = _client(world.secretary).get(reverse("members:enterprise", args=[world.ent_x.pk]))
    trail = r.content.decode().split('id="audit-trail"')[1]
    assert "孟晚舟" in trail and "任正非" in trail


def test_role_validation(world):
    with pytest.raises(ValidationError) as e:
        services.add_enterprise_role(
            actor=world.secretary,
            enterprise=world.ent_x,
            person=world.rep_x,
            role="contact",
            start=datetime.date(2017, 1, 2),
            end=datetime.date(2017, 1, 1),
        )
    assert "end" in e.value.message_dict
    services.add_enterprise_role(
        actor=world.secretary, enterprise=world.ent_x, person=world.rep_x, role="contact"
    )
    with pytest.raises(ValidationError):
        services.add_enterprise_role(
            actor=world.secretary, enterprise=world.ent_x, person=world.rep_x, role="contact"
        )
    with pytest.raises(PermissionDenied):
        services.add_enterprise_role(
            actor=world.secretary, enterprise=world.ent_f, person=world.rep_f, role="contact"
        )


def test_milestone_validation(world):
    with pytest.raises(ValidationError) as e:
        services.add_milestone(
            actor=world.secretary,
            enterprise=world.ent_x,
            date=datetime.date.today() + datetime.timedelta(days=5),
            kind="listing",
            description=" ",
        )
    assert {"date", "description"} <= set(e.value.message_dict)
    services.add_milestone(
        actor=world.secretary,
        enterprise=world.ent_x,
        date=datetime.date(2016, 5, 1),
        kind="listing",
        description="深交所上市",
    )
    assert world.ent_x.milestones.count() == 1


# --- pages ---------------------------------------------------------------------------------


def _client(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_other_chambers_records_are_404_on_every_page(dues_world):
    w = dues_world
    c = _client(w.secretary)  # xixiang
    for url in [
        reverse("members:person", args=[w.rep_f.pk]),
        reverse("members:person", args=[w.loner.pk]),
        reverse("members:person_edit", args=[w.loner.pk]),
        reverse("members:membership", args=[w.m_f.pk]),
        reverse("members:payment_create", args=[w.due_f.pk]),
    ]:
        assert c.get(url).status_code == 404, url
    for url in [
        reverse("members:role_add", args=[w.ent_f.pk]),
        reverse("members:milestone_add", args=[w.ent_f.pk]),
        reverse("members:person_admit", args=[w.loner.pk]),
        reverse("members:person_reveal", args=[w.loner.pk]),
    ]:
        assert c.post(url, {}).status_code == 404, url
    listed = c.get(reverse("members:dues") + f"?year={Y}").content.decode()
    assert w.ent_x.name in listed and w.ent_f.name not in listed
    people = c.get(reverse("members:people")).content.decode()
    assert "赵六" not in people and "王五" not in people


def test_staff_find_a_person_without_an_enterprise(dues_world):
    w = dues_world
    r = _client(w.staff).get(reverse("members:people") + "?q=赵六")
    assert reverse("members:person", args=[w.loner.pk]) in r.content.decode()
    r = _client(w.other_secretary).get(reverse("members:person", args=[w.loner.pk]))
    assert r.status_code == 200


def test_person_page_masks_unless_allowed(world):
    c = _client(world.leader)
    page = c.get(reverse("members:person", args=[world.rep_x.pk])).content.decode()
    assert world.rep_x.mobile not in page and world.rep_x.mobile_masked in page
    assert "11010519491231002X" not in page
    page = _client(world.secretary).get(reverse("members:person", args=[world.rep_x.pk]))
    assert world.rep_x.mobile not in page.content.decode()
    c = _client(world.secretary)
    c.post(reverse("members:person_reveal", args=[world.rep_x.pk]))
    assert (
        world.rep_x.mobile
        in c.get(reverse("members:person", args=[world.rep_x.pk])).content.decode()
    )


def test_pages_add_a_person_an_individual_and_a_group_member(world):
    c = _client(world.secretary)
    r = c.post(
        reverse("members:person_create"),
        {"name": "钱七", "mobile": "13912345678", "o-organization": world.xixiang.pk},
    )
    assert r.status_code == 302
    r = c.post(
        reverse("members:person_create") + "?member=individual",
        {
            "name": "孙八",
            "m-organization": world.xixiang.pk,
            "m-rank": Rank.MEMBER,
            "m-joined": "2017-01-01",
        },
    )
    assert r.status_code == 302
    person = world.xixiang.memberships.get(kind=MemberKind.INDIVIDUAL).person
    assert person.name == "孙八"
    r = c.post(
        reverse("members:group_create"),
        {
            "member_org": world.fuyong.pk,
            "organization": world.xixiang.pk,
            "rank": Rank.DIRECTOR,
            "joined": "2017-01-01",
        },
    )
    assert r.status_code == 302
    group = world.xixiang.memberships.get(kind=MemberKind.GROUP)
    assert c.get(reverse("members:membership", args=[group.pk])).status_code == 200
    directory = c.get(reverse("members:directory")).content.decode()
    assert reverse("members:person", args=[person.pk]) in directory
    assert reverse("members:membership", args=[group.pk]) in directory
    bad = c.post(
        reverse("members:person_create"),
        {"name": "x", "mobile": "123", "o-organization": world.xixiang.pk},
    )
    assert bad.status_code == 200 and "mobile" in bad.context["form"].errors


def test_pages_set_rate_pay_and_export_arrears(dues_world):
    w = dues_world
    c = _client(w.secretary)
    r = c.post(
        reverse("members:dues_rate"),
        {"organization": w.xixiang.pk, "year": Y, "rank": Rank.MEMBER, "amount": "1100"},
    )
    assert r.status_code == 302
    r = c.post(
        reverse("members:payment_create", args=[w.due_x.pk]),
        {"amount": "100", "paid_on": f"{Y}-01-01", "method": "cash", "receipt_no": "XX-1"},
    )
    assert r.status_code == 302
    assert Payment.objects.get(receipt_no="XX-1").amount == Decimal("100.00")
    r = c.get(reverse("members:dues") + f"?year={Y}&arrears=on&format=xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][1] == "会员名称" and len(rows) == 2
    assert rows[1][1] == w.ent_x.name and rows[1][7] == 1000


def test_dues_page_query_count(dues_world, django_assert_max_num_queries):
    w = dues_world
    for _n in range(30):
        m = services.admit_member(
            actor=w.staff,
            organization=w.xixiang,
            person=PersonFactory(),
            joined=datetime.date(Y, 1, 1),
        )
        services.set_due(actor=w.staff, membership=m, year=Y, amount="10")
    c = _client(w.staff)
    c.get(reverse("members:dues"))
    with django_assert_max_num_queries(16):
        r = c.get(reverse("members:dues") + f"?year={Y}")
    assert r.status_code == 200 and r.content.decode().count("/pay/") == 32
    with django_assert_max_num_queries(12):
        assert c.get(reverse("members:people")).status_code == 200
    with django_assert_max_num_queries(16):
        assert c.get(reverse("members:person", args=[w.rep_x.pk])).status_code == 200


# --- API -----------------------------------------------------------------------------------


def _api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_api_scope_404_for_another_chambers_records(dues_world):
    w = dues_world
    c = _api(w.secretary)
    assert c.get(f"/api/v1/people/{w.loner.pk}/").status_code == 404
    assert c.get(f"/api/v1/dues/{w.due_f.pk}/").status_code == 404
    assert c.get(f"/api/v1/payments/{w.pay_f.pk}/").status_code == 404
    assert c.get(f"/api/v1/dues/{w.due_x.pk}/").status_code == 200
    r = c.post(
        "/api/v1/payments/",
        {"due": w.due_f.pk, "amount": "1", "paid_on": f"{Y}-01-01", "receipt_no": "Z"},
    )
    assert r.status_code == 400 and "due" in r.json()


def test_api_filters_dues_and_payments(dues_world):
    w = dues_world
    c = _api(w.staff)
    rows = c.get("/api/v1/dues/", {"organization": "d.fuyong", "year": Y}).json()["results"]
    assert [d["id"] for d in rows] == [w.due_f.pk]
    assert rows[0]["paid"] == "300.25" and rows[0]["outstanding"] == "500.25"
    assert c.get("/api/v1/dues/", {"year": Y - 1}).json()["results"] == []
    arrears = c.get("/api/v1/dues/", {"year": Y, "arrears": "true"}).json()["results"]
    assert len(arrears) == 2
    pays = c.get("/api/v1/payments/", {"organization": "d.fuyong", "year": Y}).json()["results"]
    assert [p["receipt_no"] for p in pays] == ["FY-001"]
    assert c.get("/api/v1/payments/", {"organization": "d.xixiang"}).json()["results"] == []
    r = c.post(
        "/api/v1/payments/",
        {"due": w.due_x.pk, "amount": "2000", "paid_on": f"{Y}-01-01", "receipt_no": "A1"},
    )
    assert r.status_code == 400 and "amount" in r.json()
    r = c.post(
        "/api/v1/dues/rates/",
        {"organization": "d.xixiang", "year": Y, "rank": Rank.MEMBER, "amount": "1500.00"},
    )
    assert r.status_code == 201 and r.json()["changed"] == 1
    rates = c.get("/api/v1/dues/rates/", {"organization": "d.xixiang"}).json()
    assert [x["amount"] for x in rates] == ["1500.00"]


def test_api_person_roles_over_time_and_masking(world):
    services.add_enterprise_role(
        actor=world.secretary,
        enterprise=world.ent_x,
        person=world.rep_x,
        role="representative",
        start=datetime.date(2015, 3, 1),
    )
    c = _api(world.leader)
    data = c.get(f"/api/v1/people/{world.rep_x.pk}/").json()
    assert data["roles"][0]["role"] == "representative" and data["roles"][0]["current"]
    assert data["mobile"] == world.rep_x.mobile_masked
    c = _api(world.secretary)
    r = c.post(
        f"/api/v1/people/{world.rep_x.pk}/roles/",
        {"enterprise": world.ent_x.pk, "role": "contact", "start": "2016-01-01"},
    )
    assert r.status_code == 201
    role_id = r.json()["id"]
    r = c.post(f"/api/v1/people/{world.rep_x.pk}/roles/{role_id}/end/", {"end": "2017-01-01"})
    assert r.status_code == 200 and r.json()["end"] == "2017-01-01"
    roles = c.get(f"/api/v1/people/{world.rep_x.pk}/roles/").json()
    assert {x["role"] for x in roles} == {"representative", "contact"}
    other = _api(world.other_secretary)
    assert other.get(f"/api/v1/people/{world.rep_x.pk}/roles/").status_code == 404


def test_schema_is_valid():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)


def test_page_changes_the_representative_keeping_history(world):
    new_rep = services.create_person(actor=world.secretary, name="孟晚舟", enterprise=world.ent_x)
    c = _client(world.secretary)
    url = reverse("members:membership_representative", args=[world.m_x.pk])
    r = c.post(url, {"rep-person": new_rep.pk, "rep-on": "2017-06-01"})
    assert r.status_code == 302
    world.m_x.refresh_from_db()
    assert world.m_x.representative == new_rep
    roles = EnterpriseRole.objects.filter(enterprise=world.ent_x, role="representative")
    assert [(r.person_id, r.start) for r in roles if r.end is None] == [
        (new_rep.pk, datetime.date(2017, 6, 1))
    ]
    other = reverse("members:membership_representative", args=[world.m_f.pk])
    assert c.post(other, {"rep-person": new_rep.pk, "rep-on": "2017-06-01"}).status_code == 404


def test_new_person_at_an_enterprise_proposes_its_chamber(world):
    c = _client(world.staff)
    r = c.get(reverse("members:person_create") + f"?enterprise={world.ent_f.pk}")
    assert r.context["org_form"]["organization"].value() == world.fuyong.pk
    assert (
        _client(world.secretary)
        .get(reverse("members:person_create") + f"?enterprise={world.ent_f.pk}")
        .status_code
        == 404
    )
