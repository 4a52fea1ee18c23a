"""Personal data on request and over time (PIPL arts. 44-47): erasure of a person,
an export of everything held about a person, and the retention review.

Erasure anonymises, it does not delete: the person's links (memberships, posts,
proposals, seats, sign-ups, donations, honours, visits) stay, so every figure of every
past year stays what it was; what identified the person (name, mobile, ID number,
birth date, and the rest of the personal fields) is gone, from the person, from the
copies of the name in memberships, from an enterprise's contact fields where they were
this person's, and from the audit trail's earlier entries about the person. The
erasure's own audit entry names no erased value.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core import audit, text
from chamber.core.models import AuditEntry
from chamber.orgs import scope
from chamber.orgs.choices import Perm

from .models import Enterprise, Membership, Person

ERASED_NAME = "已删除"
# Fields that identify or describe the person; each is emptied on erasure.
PERSONAL_FIELDS = [
    "name",
    "gender",
    "birth_date",
    "mobile",
    "id_number",
    "title",
    "political_affiliation",
    "education",
    "native_place",
]


def retention_years() -> int:
    """Years after a person's last membership ended before they are listed for review
    (CHAMBER_RETENTION_YEARS, default 5)."""
    import os

    value = getattr(settings, "CHAMBER_RETENTION_YEARS", None)
    if value is None:
        value = os.environ.get("CHAMBER_RETENTION_YEARS", 5)
    return int(value)


def manageable_people(user: Any) -> models.QuerySet[Person]:
    """People whose data `user` may erase or export: those within their MANAGE scope
    (everyone for the system itself, `user=None`: the commands without --user)."""
    if user is None:
        return Person.objects.all()
    return Person.objects.visible_to(user, Perm.MANAGE)


def _require(actor: Any, person: Person) -> None:
    if actor is None or scope.org_ids(actor, Perm.MANAGE) is scope.ALL:
        return
    if not manageable_people(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You may not manage this person's personal data."))


def is_erased(person: Person) -> bool:
    return person.name == ERASED_NAME and not person.mobile and not person.id_number


# --- erasure --------------------------------------------------------------------------------


@transaction.atomic
def erase_person(*, actor: Any, person: Person, reason: str) -> Person:
    """Anonymise `person` (a request under PIPL art. 47). Links are kept; see the module
    docstring for what goes."""
    _require(actor, person)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why (the request and its date).")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    if is_erased(person):
        raise ValidationError(_("This person's data was erased already."))
    old_name, old_mobile, old_id = person.name, person.mobile, person.id_number or ""
    for name in PERSONAL_FIELDS:
        field = Person._meta.get_field(name)
        setattr(person, name, None if field.null else "")
    person.name = ERASED_NAME
    person.search_text = text.search_text(person.name, "")
    person.save()
    Membership.objects.filter(person=person).update(
        name=person.name,
        sort_key=text.full_pinyin(person.name),
        initials=text.initials(person.name),
        search_text=person.search_text,
    )
    # An enterprise's contact fields, where they are this person's.
    contact = Q(contact_name=old_name) & (Q(contact_phone=old_mobile) | Q(contact_phone=""))
    if old_mobile:
        contact |= Q(contact_phone=old_mobile)
    for ent in Enterprise.objects.filter(contact, people=person):
        updates = {}
        if ent.contact_name == old_name:
            updates["contact_name"] = ""
        if old_mobile and ent.contact_phone == old_mobile:
            updates["contact_phone"] = ""
        if updates:
            Enterprise.objects.filter(pk=ent.pk).update(**updates)
    erased = [v for v in (old_id, old_mobile, old_name) if v]
    _scrub_trail(person, erased)
    reason = _scrub(reason, erased)
    audit.record(
        actor=actor,
        action=audit.AuditAction.ERASE,
        obj=person,
        subject=person.enterprise or person,
        changes={"fields": PERSONAL_FIELDS},  # which fields, never their values
        note=reason[:500],
    )
    return person


def _scrub(text_value: str, erased: list[str]) -> str:
    for value in erased:
        text_value = text_value.replace(value, "***")
    return text_value


def _scrub_trail(person: Person, erased: list[str]) -> None:
    """Earlier entries about the person (the person's own record, and those about the
    person's enterprise, which may copy a contact's name or mobile) keep what was done
    and when, not the erased values."""
    import json

    ct = ContentType.objects.get_for_model(Person)
    about = Q(object_type=ct, object_id=person.pk) | Q(subject_type=ct, subject_id=person.pk)
    if person.enterprise_id:
        ent_ct = ContentType.objects.get_for_model(Enterprise)
        about |= Q(subject_type=ent_ct, subject_id=person.enterprise_id)
    for entry in AuditEntry.objects.filter(about):
        if entry.object_type_id == ct.id and entry.object_id == person.pk:
            changes = {
                key: (["***", "***"] if isinstance(value, list) else "***")
                for key, value in (entry.changes or {}).items()
            }
            object_repr = ERASED_NAME
        else:
            changes = json.loads(
                _scrub(json.dumps(entry.changes or {}, ensure_ascii=False), erased)
            )
            object_repr = _scrub(entry.object_repr, erased)
        AuditEntry.objects.filter(pk=entry.pk).update(
            changes=changes, object_repr=object_repr, note=_scrub(entry.note, erased)
        )


# --- access export -------------------------------------------------------------------------


def _value(obj: models.Model, field: models.Field) -> Any:
    value = getattr(obj, field.attname)
    if field.is_relation and value is not None:
        related = getattr(obj, field.name)
        return str(related)
    if field.choices and value not in (None, ""):
        return str(getattr(obj, f"get_{field.name}_display")())
    return audit._plain(value)


def _row(obj: models.Model) -> dict[str, Any]:
    return {
        str(f.verbose_name): _value(obj, f)
        for f in obj._meta.concrete_fields
        if f.name != "search_text"
    }


def personal_data(*, actor: Any, person: Person) -> dict[str, Any]:
    """Everything held about `person` (PIPL art. 45): the person's own record, with
    the full mobile and ID number, every record that links to the person (found from
    the model's relations, so a new kind of record is included by construction), and
    the audit trail about the person. The export is audited."""
    _require(actor, person)
    records: dict[str, list[dict[str, Any]]] = {}
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if model is AuditEntry:
            continue
        field = rel.field
        rows = model._base_manager.filter(**{field.name: person}).order_by("pk")
        if rows.exists():
            records[str(model._meta.verbose_name_plural)] = [_row(r) for r in rows]
    ct = ContentType.objects.get_for_model(Person)
    trail = AuditEntry.objects.filter(
        Q(object_type=ct, object_id=person.pk) | Q(subject_type=ct, subject_id=person.pk)
    ).select_related("actor")
    data = {
        "person": _row(person),
        "records": records,
        "audit": [
            {
                "at": e.at.isoformat(),
                "who": e.actor.get_username() if e.actor else "",
                "action": e.get_action_display(),
                "record": e.object_repr,
                "changes": e.changes,
            }
            for e in trail
        ],
        "exported_at": timezone.now().isoformat(),
    }
    audit.record(
        actor=actor,
        action=audit.AuditAction.EXPORT,
        obj=person,
        subject=person.enterprise or person,
        note=_("Everything held about the person (access request)"),
    )
    return data


def write_xlsx(data: dict[str, Any], out: Any) -> None:
    """The access export as a workbook: the person, one sheet per kind of record, the
    trail."""
    import json

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Person")[:31])
    for key, value in data["person"].items():
        ws.append([safe_cell(key), safe_cell(value)])
    for title, rows in data["records"].items():
        ws = wb.create_sheet(title[:31])
        headers = list(rows[0])
        ws.append([safe_cell(h) for h in headers])
        for r in rows:
            ws.append([safe_cell(r.get(h)) for h in headers])
    ws = wb.create_sheet(_("Audit trail")[:31])
    for e in data["audit"]:
        ws.append(
            [
                safe_cell(e["at"]),
                safe_cell(e["who"]),
                safe_cell(e["action"]),
                safe_cell(e["record"]),
                safe_cell(json.dumps(e["changes"], ensure_ascii=False)),
            ]
        )
    wb.save(out)


def safe_cell(value: Any) -> Any:
    """A value a workbook can hold and will not run (formulas neutralised, characters
    XML cannot carry removed)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from .exporters import neutralise

    if isinstance(value, list | dict):
        import json

        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


# --- retention review -----------------------------------------------------------------------


def due_for_review(
    *, actor: Any, years: int | None = None, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """People (within the actor's MANAGE scope, not yet erased) whose every membership
    (their own, those they represented, their enterprise's) has ended, the last more
    than `years` ago: for staff to review and erase what need not be kept."""
    years = retention_years() if years is None else years
    today = today or timezone.localdate()
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    linked = (
        Q(person=models.OuterRef("pk"))
        | Q(representative=models.OuterRef("pk"))
        | Q(enterprise=models.OuterRef("enterprise_id"))
    )
    current = Membership.objects.filter(linked, left__isnull=True)
    people = (
        manageable_people(actor)
        .exclude(name=ERASED_NAME)
        .annotate(has_current=models.Exists(current))
        .filter(has_current=False)
        .annotate(
            ended=models.Subquery(
                Membership.objects.filter(linked).order_by().values("left").order_by("-left")[:1]
            )
        )
        .filter(ended__isnull=False, ended__lt=cutoff)
        .select_related("enterprise")
        .order_by("ended", "pk")
    )
    return [
        {"person": p, "ended": p.ended, "years": _years_between(p.ended, today)} for p in people
    ]


def _years_between(start: datetime.date, end: datetime.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def record_review(*, actor: Any, people: Iterable[Person], years: int) -> None:
    """The review was done (who, when, how many people were listed)."""
    people = list(people)
    audit.record(
        actor=actor,
        action=audit.AuditAction.REVIEW,
        changes={"people": [p.pk for p in people], "years": years},
        note=_("%(n)d people listed for the retention review") % {"n": len(people)},
    )


__all__ = [
    "ERASED_NAME",
    "erase_person",
    "personal_data",
    "write_xlsx",
    "due_for_review",
    "record_review",
    "retention_years",
    "is_erased",
]
