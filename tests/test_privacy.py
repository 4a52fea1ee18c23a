"""PIPL: erasure of a person keeps every figure of every year, the access export holds
everything about the person, the retention review lists people long gone; each is
audited, and the erasure's audit entry keeps no erased value (issue 14, item 7)."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from chamber.core.models import AuditEntry
from chamber.members import privacy
from chamber.members.models import Enterprise, Membership, Person
from chamber.orgs.choices import Role
from chamber.orgs.models import Organization
from chamber.orgs.services import grant_role

pytestmark = pytest.mark.django_db


def _reports(years) -> dict[int, str]:
    from chamber.reports.annual import annual_report

    root = Organization.objects.get(parent=None)
    out = {}
    for year in years:
        report = annual_report(root, year)
        report.pop("computed_at", None)
        out[year] = json.dumps(report, sort_keys=True, ensure_ascii=False, default=str)
    return out


def test_erasure_keeps_every_figure_of_every_year(reference_data):
    call_command("demo", members=300, seed=3)
    from chamber.activities.models import Honor

    # People with links (posts, proposals, seats, sign-ups, donations...). Not those
    # honoured in person: the honours list names its recipients, so an erased
    # recipient's name reads 已删除 there (a name, not a figure).
    honoured = Honor.objects.filter(person__isnull=False).values("person_id")
    people = [
        p
        for p in Person.objects.exclude(pk__in=honoured).order_by("pk")
        if sum(
            getattr(p, rel.get_accessor_name()).count()
            for rel in Person._meta.related_objects
            if rel.one_to_many or rel.many_to_many
            if rel.related_model is not AuditEntry and hasattr(p, rel.get_accessor_name())
        )
        >= 2
    ][:15]
    assert len(people) >= 10
    first = Membership.objects.order_by("joined").first().joined.year
    years = range(first, timezone.localdate().year + 1)
    before = _reports(years)
    for p in people:
        privacy.erase_person(actor=None, person=p, reason="本人申请 2026-11-30")
    after = _reports(years)
    assert len(before) >= 5 and before == after
    for p in people:
        p.refresh_from_db()
        assert p.name == privacy.ERASED_NAME and p.mobile == "" and p.id_number in (None, "")
        assert p.birth_date is None and p.native_place == ""
        assert Membership.objects.filter(person=p).exclude(name=privacy.ERASED_NAME).count() == 0


def test_erasure_empties_the_person_and_the_trail_keeps_no_value(world):
    from chamber.members import services

    p = world.rep_x
    services.update_person(actor=world.secretary, person=p, mobile="13800138003")
    Enterprise.objects.filter(pk=world.ent_x.pk).update(
        contact_name=p.name, contact_phone="13800138003"
    )
    with pytest.raises(PermissionDenied):
        privacy.erase_person(actor=world.secretary, person=p, reason="申请")  # no MANAGE
    with pytest.raises(ValidationError):
        privacy.erase_person(actor=world.admin, person=p, reason="")
    privacy.erase_person(actor=world.admin, person=p, reason="任正非本人书面申请")
    p.refresh_from_db()
    assert (p.name, p.mobile, p.id_number) == (privacy.ERASED_NAME, "", None)
    assert "任正非" not in p.search_text
    world.ent_x.refresh_from_db()
    assert world.ent_x.contact_name == "" and world.ent_x.contact_phone == ""
    assert world.m_x.representative_id == p.pk  # the link is kept
    dump = json.dumps(
        list(AuditEntry.objects.values("changes", "object_repr", "note")), ensure_ascii=False
    )
    assert "13800138003" not in dump and "11010519491231002X" not in dump
    assert "任正非" not in dump
    entry = AuditEntry.objects.get(action="erase")
    assert entry.actor == world.admin and entry.note == "***本人书面申请"
    with pytest.raises(ValidationError):
        privacy.erase_person(actor=world.admin, person=p, reason="again")


def test_access_export_holds_everything_about_the_person(world, client):
    from chamber.politics import services as pol
    from chamber.politics.choices import Body, Level, PostRole

    pol.record_post(
        actor=None,
        person=world.rep_x,
        organization=world.xixiang,
        body=Body.CPPCC,
        level=Level.DISTRICT,
        place="宝安区",
        term=5,
        role=PostRole.MEMBER,
        start=datetime.date(2016, 11, 28),
        sector="工商联界",
    )
    data = privacy.personal_data(actor=world.admin, person=world.rep_x)
    text = json.dumps(data, ensure_ascii=False)
    assert "11010519491231002X" in text and "任正非" in text  # full values: it is their data
    assert any(
        "工商联界" in json.dumps(rows, ensure_ascii=False) for rows in data["records"].values()
    )
    assert any(
        world.xixiang.name in json.dumps(r, ensure_ascii=False) for r in data["records"].values()
    )
    assert AuditEntry.objects.filter(action="export", object_id=world.rep_x.pk).exists()
    buf = io.BytesIO()
    privacy.write_xlsx(data, buf)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    assert len(wb.sheetnames) >= 3
    # the page: MANAGE only, JSON and xlsx
    client.force_login(world.secretary)
    assert client.get(f"/members/people/{world.rep_x.pk}/privacy/").status_code in (403, 404)
    client.force_login(world.admin)
    r = client.get(f"/members/people/{world.rep_x.pk}/privacy/")
    assert r.status_code == 200
    r = client.get(f"/members/people/{world.rep_x.pk}/privacy/export.json")
    assert r.status_code == 200 and json.loads(b"".join(r.streaming_content))["person"]
    r = client.get(f"/members/people/{world.rep_x.pk}/privacy/export.xlsx")
    assert r.status_code == 200
    r = client.post(f"/members/people/{world.rep_x.pk}/privacy/erase/", {"reason": "申请"})
    assert r.status_code == 302
    world.rep_x.refresh_from_db()
    assert world.rep_x.name == privacy.ERASED_NAME


def test_street_admin_manages_only_its_own_people(world, client):
    from django.contrib.auth import get_user_model

    street_admin = get_user_model().objects.create_user("sa", password="x-test-pass-1")
    grant_role(actor=None, user=street_admin, organization=world.xixiang, role=Role.ADMIN)
    client.force_login(street_admin)
    assert client.get(f"/members/people/{world.rep_x.pk}/privacy/").status_code == 200
    assert client.get(f"/members/people/{world.rep_f.pk}/privacy/").status_code == 404
    assert (
        client.post(f"/members/people/{world.rep_f.pk}/privacy/erase/", {"reason": "x"}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        privacy.personal_data(actor=street_admin, person=world.rep_f)


def test_retention_review_lists_people_long_gone(world, client, capsys):
    today = datetime.date(2026, 6, 1)
    Membership.objects.filter(pk=world.m_f.pk).update(left=datetime.date(2019, 3, 1))
    rows = privacy.due_for_review(actor=world.admin, years=5, today=today)
    assert [r["person"] for r in rows] == [world.rep_f]
    assert rows[0]["years"] == 7
    assert privacy.due_for_review(actor=world.admin, years=8, today=today) == []
    # a current membership (here xixiang's) keeps a person off the list
    assert world.rep_x not in [r["person"] for r in rows]
    client.force_login(world.admin)
    r = client.get("/members/privacy/retention/?years=5")
    assert r.status_code == 200 and world.rep_f.name in r.content.decode()
    assert AuditEntry.objects.filter(action="review").exists()
    call_command("privacy", "retention", "--years", "5")
    assert world.rep_f.name in capsys.readouterr().out
    client.force_login(world.leader)
    assert client.get("/members/privacy/retention/").status_code == 403


def test_commands(world, tmp_path, capsys):
    out = tmp_path / "p.json"
    call_command("privacy", "export", str(world.rep_f.pk), "-o", str(out))
    assert json.loads(out.read_text())["person"]
    call_command("privacy", "erase", str(world.rep_f.pk), "--reason", "本人申请")
    world.rep_f.refresh_from_db()
    assert world.rep_f.name == privacy.ERASED_NAME
