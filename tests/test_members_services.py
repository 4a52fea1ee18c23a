import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chamber.core.models import AuditAction, AuditEntry
from chamber.members import services
from chamber.members.models import Enterprise, Membership

pytestmark = pytest.mark.django_db


def entries(obj, **kw):
    from django.contrib.contenttypes.models import ContentType

    return AuditEntry.objects.filter(
        object_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, **kw
    )


HUAWEI = "914403001922038216"


def test_create_enterprise_normalises_code_computes_size_and_audits(world):
    ent = services.create_enterprise(
        actor=world.secretary,
        organization=world.xixiang,
        name="深圳市新企业有限公司",
        uscc=" 91440300708461136t ",
        industry_section="C",
        industry_division="39",
        employees=350,
        revenue=Decimal("2500"),
    )
    assert ent.uscc == "91440300708461136T"
    assert ent.size_class == "medium" and not ent.size_class_manual
    assert "xqy" in ent.search_text  # initials without the place name
    entry = entries(ent, action=AuditAction.CREATE).get()
    assert entry.actor == world.secretary and entry.changes["uscc"] == "91440300708461136T"


def test_manual_size_class_wins(world):
    ent = services.create_enterprise(
        actor=world.staff,
        organization=world.xixiang,
        name="手填规模有限公司",
        uscc=HUAWEI,
        industry_section="C",
        employees=5000,
        revenue=Decimal(100000),
        size_class="small",
    )
    assert ent.size_class == "small" and ent.size_class_manual


def test_wrong_check_character_is_refused_with_the_expected_one(world):
    with pytest.raises(ValidationError) as e:
        services.create_enterprise(
            actor=world.staff, organization=world.xixiang, name="错码", uscc=HUAWEI[:-1] + "7"
        )
    assert "6" in e.value.message_dict["uscc"][0]
    assert not Enterprise.objects.filter(name="错码").exists()


def test_duplicate_code_refused(world):
    with pytest.raises(ValidationError) as e:
        services.create_enterprise(
            actor=world.staff, organization=world.xixiang, name="重复", uscc=world.ent_f.uscc
        )
    assert "uscc" in e.value.message_dict


def test_pilot_code_needs_the_right_role_and_is_audited(world):
    pilot = "91350100M0001TGQXM"
    with pytest.raises(PermissionDenied):
        services.create_enterprise(
            actor=world.secretary,
            organization=world.xixiang,
            name="试点",
            uscc=pilot,
            accept_invalid_code=True,
        )
    ent = services.create_enterprise(
        actor=world.staff,
        organization=world.xixiang,
        name="试点",
        uscc=pilot,
        accept_invalid_code=True,
    )
    assert ent.uscc_check_accepted
    assert entries(ent, action=AuditAction.ACCEPT_INVALID_CODE, actor=world.staff).exists()


def test_division_must_match_section(world):
    with pytest.raises(ValidationError) as e:
        services.update_enterprise(
            actor=world.staff,
            enterprise=world.ent_x,
            industry_section="F",
            industry_division="39",
        )
    assert "industry_division" in e.value.message_dict


def test_rename_updates_directory_copy_and_trail(world):
    services.update_enterprise(
        actor=world.secretary, enterprise=world.ent_x, name="华为新名字有限公司"
    )
    world.m_x.refresh_from_db()
    assert world.m_x.name == "华为新名字有限公司" and world.m_x.initials.startswith("hwxmz")
    entry = entries(world.ent_x, action=AuditAction.UPDATE).get()
    assert entry.changes["name"] == ["深圳市华为技术有限公司", "华为新名字有限公司"]


def test_secretary_cannot_change_other_streets_enterprise(world):
    with pytest.raises(PermissionDenied):
        services.update_enterprise(actor=world.secretary, enterprise=world.ent_f, name="x")


def test_person_mobile_and_id_validated(world):
    with pytest.raises(ValidationError) as e:
        services.create_person(
            actor=world.staff, name="赵六", mobile="1381234567", id_number="110105194912310021"
        )
    assert set(e.value.message_dict) == {"mobile", "id_number"}
    p = services.create_person(
        actor=world.staff, name="赵六", mobile="+86 138 1234 5678", id_number="11010519491231002x"
    )
    assert p.mobile == "13812345678" and p.id_number == "11010519491231002X"


def test_id_number_is_encrypted_at_rest(world):
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT id_number FROM members_person WHERE id = %s", [world.rep_x.pk])
        raw = c.fetchone()[0]
    assert raw and "11010519491231002X" not in raw


def test_reveal_is_logged_and_refused_to_leader(world):
    data = services.reveal_personal_data(actor=world.secretary, person=world.rep_x)
    assert data["id_number"] == "11010519491231002X"
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW_PERSONAL, actor=world.secretary
    ).exists()
    with pytest.raises(PermissionDenied):
        services.reveal_personal_data(actor=world.leader, person=world.rep_x)


def test_transfer_keeps_history(world):
    new = services.transfer_membership(
        actor=world.staff, membership=world.m_x, to=world.fuyong, on=datetime.date(2017, 1, 1)
    )
    world.m_x.refresh_from_db()
    assert world.m_x.left == datetime.date(2017, 1, 1) and "福永" in world.m_x.left_reason
    assert new.moved_from == world.m_x and new.rank == world.m_x.rank
    on_2016 = Membership.objects.active(datetime.date(2016, 12, 31))
    on_2017 = Membership.objects.active(datetime.date(2017, 1, 1))
    assert on_2016.filter(enterprise=world.ent_x).get().organization == world.xixiang
    assert on_2017.filter(enterprise=world.ent_x).get().organization == world.fuyong


def test_secretary_cannot_transfer_into_other_street(world):
    with pytest.raises(PermissionDenied):
        services.transfer_membership(
            actor=world.secretary,
            membership=world.m_x,
            to=world.fuyong,
            on=datetime.date(2017, 1, 1),
        )
    world.m_x.refresh_from_db()
    assert world.m_x.left is None  # nothing half-done


def test_admit_twice_refused(world):
    with pytest.raises(ValidationError):
        services.admit_member(
            actor=world.staff,
            organization=world.xixiang,
            enterprise=world.ent_x,
            joined=datetime.date(2017, 1, 1),
        )


def test_replace_representative_keeps_membership(world):
    new_rep = services.create_person(actor=world.staff, name="孟晚舟", enterprise=world.ent_x)
    m = services.replace_representative(actor=world.secretary, membership=world.m_x, person=new_rep)
    assert m.pk == world.m_x.pk and m.representative == new_rep


def test_dues_and_payments_are_exact(world):
    due = services.set_due(
        actor=world.secretary, membership=world.m_x, year=2017, amount=Decimal("1000.10")
    )
    services.record_payment(
        actor=world.secretary,
        due=due,
        amount=Decimal("0.10"),
        paid_on=datetime.date(2017, 3, 1),
        receipt_no="R1",
    )
    services.record_payment(
        actor=world.secretary,
        due=due,
        amount=Decimal("1000.00"),
        paid_on=datetime.date(2017, 4, 1),
        receipt_no="R2",
    )
    with pytest.raises(ValidationError) as e:
        services.record_payment(
            actor=world.secretary,
            due=due,
            amount=Decimal("0.01"),
            paid_on=datetime.date(2017, 5, 1),
            receipt_no="R3",
        )
    assert "amount" in e.value.message_dict
    assert due.payments.count() == 2
