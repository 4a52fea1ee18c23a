"""Logging visits, the cases raised on them, and their attachments."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.core.names import user_name
from chamber.core.text import join_list
from chamber.members.models import Enterprise, Person
from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from ..choices import AttachmentKind, CaseSource, Priority, VisitKind
from ..models import Case, Expert, Visit, VisitAttachment
from .cases import raise_case
from .common import require, visible

VISIT_FIELDS = ["organization", "date", "kind", "purpose", "notes", "others"]

# Extension -> (kind, content type, the file's first bytes). The first bytes are
# checked as well as the name, so a renamed executable is refused.
ATTACHMENT_TYPES: dict[str, tuple[str, str, tuple[bytes, ...]]] = {
    ".jpg": (AttachmentKind.PHOTO, "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": (AttachmentKind.PHOTO, "image/jpeg", (b"\xff\xd8\xff",)),
    ".png": (AttachmentKind.PHOTO, "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".webp": (AttachmentKind.PHOTO, "image/webp", (b"RIFF",)),
    ".pdf": (AttachmentKind.DOCUMENT, "application/pdf", (b"%PDF-",)),
    ".docx": (
        AttachmentKind.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        AttachmentKind.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".doc": (AttachmentKind.DOCUMENT, "application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": (AttachmentKind.DOCUMENT, "application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
}
MAX_ATTACHMENT_BYTES = getattr(settings, "CASEWORK_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
MAX_ATTACHMENTS_PER_VISIT = 30


def _ids(items: Iterable[Any]) -> list[int]:
    return [getattr(i, "pk", i) for i in items]


def _clean_visit(
    actor: Any,
    organization: Organization,
    *,
    date: datetime.date,
    kind: str,
    enterprises: list[int],
    staff: list[int],
    leaders: list[int],
    experts: list[int],
    others: str,
) -> None:
    errors: dict[str, str] = {}
    if date is None:
        errors["date"] = _("Give the date of the visit.")
    elif date > timezone.localdate():
        errors["date"] = _("A visit cannot be logged before it happens.")
    elif not organization.is_in_force(date):
        errors["date"] = _("%(org)s did not exist on %(d)s.") % {"org": organization, "d": date}
    if kind not in VisitKind.values:
        errors["kind"] = _("Unknown kind of visit %(k)s.") % {"k": kind}
    if not enterprises:
        errors["enterprises"] = _("Name at least one enterprise visited.")
    else:
        seen = visible(actor, Enterprise, enterprises, Perm.VIEW)
        existing = set(Enterprise.objects.filter(pk__in=enterprises).values_list("pk", flat=True))
        missing = set(enterprises) - (seen & existing)
        if missing:
            errors["enterprises"] = _(
                "These enterprises are not members in your organisations: %(ids)s"
            ) % {"ids": join_list(str(i) for i in sorted(missing))}
    if leaders:
        missing = set(leaders) - visible(actor, Person, leaders, Perm.VIEW)
        if missing:
            errors["leaders"] = _("Unknown leaders: %(ids)s") % {
                "ids": join_list(str(i) for i in sorted(missing))
            }
    if experts:
        known = set(Expert.objects.filter(pk__in=experts, active=True).values_list("pk", flat=True))
        if set(experts) - known:
            errors["experts"] = _("Choose experts from the pool.")
    if staff:
        users = get_user_model().objects.filter(pk__in=staff, is_active=True)
        for user in users:
            if not scope.has_perm(user, Perm.VIEW, organization.pk):
                errors["staff"] = _("%(u)s is not staff of %(org)s.") % {
                    "u": user_name(user),
                    "org": organization,
                }
        if users.count() != len(set(staff)):
            errors.setdefault("staff", _("Unknown staff member."))
    if kind == VisitKind.EXPERT and not experts:
        errors["experts"] = _("An expert visit needs at least one expert.")
    if kind == VisitKind.LEADER and not leaders and not (others or "").strip():
        errors["leaders"] = _("A leader's visit needs the leaders who went.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def log_visit(
    *,
    actor: Any,
    organization: Organization,
    date: datetime.date,
    kind: str = VisitKind.ROUTINE,
    enterprises: Sequence[Enterprise | int],
    staff: Sequence[Any] = (),
    leaders: Sequence[Person | int] = (),
    experts: Sequence[Expert | int] = (),
    others: str = "",
    purpose: str = "",
    notes: str = "",
    cases: Sequence[dict[str, Any]] = (),
) -> Visit:
    """Log a visit and, in the same step, the problems the enterprises raised on it.
    Each item of `cases` is a dict of `raise_case` arguments (enterprise, category,
    title, description, priority, assignee); the enterprise must be one visited."""
    require(actor, Perm.CHANGE, organization.pk)
    ent_ids, staff_ids = list(dict.fromkeys(_ids(enterprises))), list(dict.fromkeys(_ids(staff)))
    leader_ids, expert_ids = list(dict.fromkeys(_ids(leaders))), list(dict.fromkeys(_ids(experts)))
    if not staff_ids and getattr(actor, "is_authenticated", False):
        staff_ids = [actor.pk]  # whoever logs it went, unless they say otherwise
    _clean_visit(
        actor,
        organization,
        date=date,
        kind=kind,
        enterprises=ent_ids,
        staff=staff_ids,
        leaders=leader_ids,
        experts=expert_ids,
        others=others,
    )
    visit = Visit(
        organization=organization,
        date=date,
        kind=kind,
        purpose=(purpose or "").strip(),
        notes=(notes or "").strip(),
        others=(others or "").strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    visit.full_clean()
    visit.save()
    visit.enterprises.set(ent_ids)
    visit.staff.set(staff_ids)
    visit.leaders.set(leader_ids)
    visit.experts.set(expert_ids)
    for ent in Enterprise.objects.filter(pk__in=ent_ids):
        audit.record(
            actor=actor,
            action=audit.AuditAction.CREATE,
            obj=visit,
            subject=ent,
            organization_id=organization.pk,
            changes={
                **audit.snapshot(visit, VISIT_FIELDS),
                "enterprises": len(ent_ids),
                "experts": len(expert_ids),
                "leaders": len(leader_ids),
            },
        )
    for index, spec in enumerate(cases):
        enterprise = spec.get("enterprise")
        if enterprise is None or getattr(enterprise, "pk", enterprise) not in ent_ids:
            raise ValidationError(
                {
                    "cases": _("Problem %(n)s: choose one of the enterprises visited.")
                    % {"n": index + 1}
                }
            )
        if not isinstance(enterprise, Enterprise):
            enterprise = Enterprise.objects.get(pk=enterprise)
        try:
            raise_case(
                actor=actor,
                organization=organization,
                enterprise=enterprise,
                category=spec["category"],
                title=spec.get("title", ""),
                description=spec.get("description", ""),
                priority=spec.get("priority") or Priority.NORMAL,
                source=CaseSource.VISIT,
                visit=visit,
                received_on=date,
                assignee=spec.get("assignee"),
            )
        except ValidationError as e:
            raise ValidationError(
                {"cases": _("Problem %(n)s: %(e)s") % {"n": index + 1, "e": " ".join(e.messages)}}
            ) from e
    return visit


@transaction.atomic
def update_visit(
    *,
    actor: Any,
    visit: Visit,
    enterprises: Sequence[Enterprise | int] | None = None,
    staff: Sequence[Any] | None = None,
    leaders: Sequence[Person | int] | None = None,
    experts: Sequence[Expert | int] | None = None,
    **fields: Any,
) -> Visit:
    """Correct a visit. Its organisation does not change; an enterprise that raised a
    case on it cannot be removed."""
    require(actor, Perm.CHANGE, visit.organization_id)
    unknown = set(fields) - {"date", "kind", "purpose", "notes", "others"}
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": join_list(sorted(unknown))}
        )
    before = audit.snapshot(visit, VISIT_FIELDS)
    ent_ids = _ids(enterprises) if enterprises is not None else _ids(visit.enterprises.all())
    staff_ids = _ids(staff) if staff is not None else _ids(visit.staff.all())
    leader_ids = _ids(leaders) if leaders is not None else _ids(visit.leaders.all())
    expert_ids = _ids(experts) if experts is not None else _ids(visit.experts.all())
    merged = {**{f: getattr(visit, f) for f in ("date", "kind", "others")}, **fields}
    _clean_visit(
        actor,
        visit.organization,
        date=merged["date"],
        kind=merged["kind"],
        enterprises=ent_ids,
        staff=staff_ids,
        leaders=leader_ids,
        experts=expert_ids,
        others=merged["others"],
    )
    raised = set(Case.objects.filter(visit=visit).values_list("enterprise_id", flat=True))
    if raised - set(ent_ids):
        raise ValidationError(
            {"enterprises": _("An enterprise that raised a case on this visit must stay on it.")}
        )
    for key, value in fields.items():
        setattr(visit, key, value.strip() if isinstance(value, str) else value)
    visit.full_clean()
    visit.save()
    visit.enterprises.set(ent_ids)
    visit.staff.set(staff_ids)
    visit.leaders.set(leader_ids)
    visit.experts.set(expert_ids)
    changes = audit.diff(before, audit.snapshot(visit, VISIT_FIELDS))
    for ent in Enterprise.objects.filter(pk__in=ent_ids):
        audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            obj=visit,
            subject=ent,
            organization_id=visit.organization_id,
            changes=changes,
        )
    return visit


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """(kind, content type) of an acceptable upload; ValidationError keyed `file` if
    its type or size is not acceptable."""
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError(
            {
                "file": _(
                    "%(name)s: only photos (JPEG, PNG, WebP) and documents (PDF, Word, Excel) can be attached."
                )
                % {"name": name}
            }
        )
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": _("%(name)s is empty.") % {"name": name}})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "file": _("%(name)s is %(size)s; the most a file may be is %(max)s.")
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(MAX_ATTACHMENT_BYTES),
                }
            }
        )
    kind, content_type, magic = ATTACHMENT_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magic) or (suffix == ".webp" and head[8:12] != b"WEBP"):
        raise ValidationError(
            {
                "file": _("%(name)s is not really a %(ext)s file.")
                % {"name": name, "ext": suffix[1:].upper()}
            }
        )
    return kind, content_type


@transaction.atomic
def add_attachment(*, actor: Any, visit: Visit, upload: UploadedFile) -> VisitAttachment:
    """Attach a photo or document to a visit; the file is stored under MEDIA_ROOT."""
    require(actor, Perm.CHANGE, visit.organization_id)
    kind, content_type = check_upload(upload)
    if visit.attachments.count() >= MAX_ATTACHMENTS_PER_VISIT:
        raise ValidationError(
            {"file": _("A visit holds at most %(n)s files.") % {"n": MAX_ATTACHMENTS_PER_VISIT}}
        )
    att = VisitAttachment(
        visit=visit,
        kind=kind,
        name=PurePath(upload.name).name[:200],
        size=upload.size,
        content_type=content_type,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    att.file.save(upload.name, upload, save=False)
    try:
        att.save()
    except Exception:
        att.file.delete(save=False)
        raise
    for ent in visit.enterprises.all():
        audit.record(
            actor=actor,
            action=audit.AuditAction.CREATE,
            obj=att,
            subject=ent,
            organization_id=visit.organization_id,
            changes={"visit": visit.pk, "file": att.name, "size": att.size},
        )
    return att


@transaction.atomic
def delete_attachment(*, actor: Any, attachment: VisitAttachment) -> None:
    visit = attachment.visit
    require(actor, Perm.CHANGE, visit.organization_id)
    name, storage, path = attachment.name, attachment.file.storage, attachment.file.name
    for ent in visit.enterprises.all():
        audit.record(
            actor=actor,
            action=audit.AuditAction.DELETE,
            obj=attachment,
            subject=ent,
            organization_id=visit.organization_id,
            changes={"visit": visit.pk, "file": name},
        )
    attachment.delete()
    # Remove the file only once the deletion is committed.
    transaction.on_commit(lambda: storage.delete(path))
