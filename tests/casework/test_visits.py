"""Logging visits (with cases raised in the same step) and their attachments."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chamber.casework import services
from chamber.casework.choices import CaseSource, Status, VisitKind
from chamber.casework.models import Case, Visit, VisitAttachment
from chamber.core.models import AuditEntry
from chamber.members.choices import Rank

from ..factories import EnterpriseFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2017, 5, 10)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_visit_raises_cases_in_the_same_step(world, cw):
    second = EnterpriseFactory(name="西乡第二企业")
    MembershipFactory(organization=world.xixiang, enterprise=second)
    visit = services.log_visit(
        actor=world.secretary,
        organization=world.xixiang,
        date=DAY,
        kind=VisitKind.EXPERT,
        enterprises=[world.ent_x, second],
        experts=[cw.expert],
        purpose="专家团走访",
        cases=[
            {"enterprise": world.ent_x, "category": cw.financing, "title": "融资难"},
            {
                "enterprise": second.pk,
                "category": cw.policy,
                "title": "政策咨询",
                "priority": "2_high",
            },
        ],
    )
    assert list(visit.staff.all()) == [world.secretary]  # the one who logs it went
    cases = list(Case.objects.filter(visit=visit).order_by("id"))
    assert [c.enterprise for c in cases] == [world.ent_x, second]
    assert all(c.source == CaseSource.VISIT and c.received_on == DAY for c in cases)
    assert all(c.status == Status.RECEIVED for c in cases)
    assert cases[1].priority == "2_high"
    # one audit entry per enterprise visited, so each member page shows the visit
    entries = AuditEntry.objects.filter(
        object_type=ContentType.objects.get_for_model(Visit), object_id=visit.pk, action="create"
    )
    assert sorted(entries.values_list("subject_id", flat=True)) == sorted(
        [world.ent_x.pk, second.pk]
    )


def test_case_for_an_enterprise_not_visited_undoes_the_visit(world, cw):
    other = EnterpriseFactory()
    MembershipFactory(organization=world.xixiang, enterprise=other)
    with pytest.raises(ValidationError) as err:
        services.log_visit(
            actor=world.secretary,
            organization=world.xixiang,
            date=DAY,
            enterprises=[world.ent_x],
            cases=[{"enterprise": other, "category": cw.financing, "title": "x"}],
        )
    assert "cases" in err.value.message_dict
    assert not Visit.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"enterprises": []}, "enterprises"),
        ({"date": datetime.date(2099, 1, 1)}, "date"),
        ({"kind": "party"}, "kind"),
        ({"kind": VisitKind.EXPERT}, "experts"),
        ({"kind": VisitKind.LEADER}, "leaders"),
    ],
)
def test_visit_validation(world, cw, kwargs, field):
    args = {"organization": world.xixiang, "date": DAY, "enterprises": [world.ent_x], **kwargs}
    with pytest.raises(ValidationError) as err:
        services.log_visit(actor=world.secretary, **args)
    assert field in err.value.message_dict


def test_visit_to_another_chambers_member_is_refused(world, cw):
    with pytest.raises(ValidationError) as err:
        services.log_visit(
            actor=world.secretary, organization=world.xixiang, date=DAY, enterprises=[world.ent_f]
        )
    assert "enterprises" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        services.log_visit(
            actor=world.secretary, organization=world.fuyong, date=DAY, enterprises=[world.ent_x]
        )
    with pytest.raises(PermissionDenied):
        services.log_visit(
            actor=world.leader, organization=world.xixiang, date=DAY, enterprises=[world.ent_x]
        )


def test_staff_must_belong_to_the_chamber(world, cw):
    with pytest.raises(ValidationError) as err:
        services.log_visit(
            actor=world.secretary,
            organization=world.xixiang,
            date=DAY,
            enterprises=[world.ent_x],
            staff=[world.other_secretary],
        )
    assert "staff" in err.value.message_dict


def test_update_visit_keeps_enterprises_with_cases(world, cw):
    second = EnterpriseFactory()
    MembershipFactory(organization=world.xixiang, enterprise=second)
    visit = services.log_visit(
        actor=world.secretary,
        organization=world.xixiang,
        date=DAY,
        enterprises=[world.ent_x, second],
        cases=[{"enterprise": second, "category": cw.financing, "title": "融资"}],
    )
    with pytest.raises(ValidationError):
        services.update_visit(actor=world.secretary, visit=visit, enterprises=[world.ent_x])
    services.update_visit(actor=world.secretary, visit=visit, enterprises=[second], purpose="回访")
    visit.refresh_from_db()
    assert visit.purpose == "回访" and list(visit.enterprises.all()) == [second]
    with pytest.raises(ValidationError):
        services.update_visit(actor=world.secretary, visit=visit, organization=world.fuyong)


@pytest.fixture
def visit(world):
    return services.log_visit(
        actor=world.secretary, organization=world.xixiang, date=DAY, enterprises=[world.ent_x]
    )


def test_attachments_are_stored_under_media_root(world, visit, media):
    att = services.add_attachment(
        actor=world.secretary, visit=visit, upload=SimpleUploadedFile("门口.PNG", PNG)
    )
    assert att.kind == "photo" and att.content_type == "image/png" and att.size == len(PNG)
    assert att.name == "门口.PNG"
    path = media / att.file.name
    assert path.exists() and path.read_bytes() == PNG
    assert att.file.name.startswith("casework/visits/2017/05/")
    doc = services.add_attachment(
        actor=world.secretary, visit=visit, upload=SimpleUploadedFile("纪要.pdf", PDF)
    )
    assert doc.kind == "document"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ" + b"\x00" * 30, "only photos"),
        ("fake.png", b"GIF89a" + b"\x00" * 30, "not really"),
        ("fake.pdf", PNG, "not really"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_attachment_type_is_checked(world, visit, media, name, content, message):
    with pytest.raises(ValidationError) as err:
        services.add_attachment(
            actor=world.secretary, visit=visit, upload=SimpleUploadedFile(name, content)
        )
    assert message in err.value.message_dict["file"][0]
    assert not VisitAttachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_attachment_size_is_checked(world, visit, media, monkeypatch):
    from chamber.casework.services import visits as visit_services

    monkeypatch.setattr(visit_services, "MAX_ATTACHMENT_BYTES", 100)
    with pytest.raises(ValidationError) as err:
        services.add_attachment(
            actor=world.secretary,
            visit=visit,
            upload=SimpleUploadedFile("big.pdf", PDF + b"0" * 200),
        )
    assert "the most a file may be" in err.value.message_dict["file"][0]


def test_attachment_rights_and_deletion(world, visit, media, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        services.add_attachment(
            actor=world.other_secretary, visit=visit, upload=SimpleUploadedFile("a.png", PNG)
        )
    att = services.add_attachment(
        actor=world.secretary, visit=visit, upload=SimpleUploadedFile("a.png", PNG)
    )
    path = media / att.file.name
    with pytest.raises(PermissionDenied):
        services.delete_attachment(actor=world.other_secretary, attachment=att)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_attachment(actor=world.secretary, attachment=att)
    assert not path.exists() and not VisitAttachment.objects.exists()


def test_leaders_on_visits(world, cw):
    president = PersonFactory(name="会长甲", enterprise=world.ent_x)
    world.m_x.rank = Rank.PRESIDENT
    world.m_x.representative = president
    world.m_x.save()
    visit = services.log_visit(
        actor=world.secretary,
        organization=world.xixiang,
        date=DAY,
        kind=VisitKind.LEADER,
        enterprises=[world.ent_x],
        leaders=[president],
    )
    assert list(visit.leaders.all()) == [president]
    with pytest.raises(ValidationError) as err:
        services.log_visit(
            actor=world.secretary,
            organization=world.xixiang,
            date=DAY,
            kind=VisitKind.LEADER,
            enterprises=[world.ent_x],
            leaders=[world.rep_f],
        )
    assert "leaders" in err.value.message_dict
