"""Writes for honours."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.members.models import Enterprise, Person
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from ..choices import HonorLevel
from ..models import Honor
from ._common import require, require_visible_member

HONOR_FIELDS = ["organization", "enterprise", "person", "title", "level", "awarding_body", "year"]


@transaction.atomic
def award_honor(
    *,
    actor: Any,
    organization: Organization,
    title: str,
    level: str,
    awarding_body: str,
    year: int,
    enterprise: Enterprise | None = None,
    person: Person | None = None,
    note: str = "",
) -> Honor:
    """Record an honour given to `organization`, or to one of its members (an
    enterprise or a person) when named."""
    require(actor, Perm.CHANGE, organization.pk)
    errors: dict[str, str] = {}
    title, awarding_body = (title or "").strip(), (awarding_body or "").strip()
    if not title:
        errors["title"] = _("The title of the honour is required.")
    if level not in HonorLevel.values:
        errors["level"] = _("National, provincial, municipal or district?")
    if not awarding_body:
        errors["awarding_body"] = _("Who gave the honour?")
    if year is None or not 1949 <= year <= timezone.localdate().year:
        errors["year"] = _("Give the year the honour was given (not in the future).")
    if enterprise is not None and person is not None:
        errors["person"] = _("An honour goes to an enterprise or a person, not both.")
    if errors:
        raise ValidationError(errors)
    require_visible_member(actor, enterprise=enterprise, person=person)
    if Honor.objects.filter(
        organization=organization,
        enterprise=enterprise,
        person=person,
        title=title,
        year=year,
    ).exists():
        raise ValidationError({"title": _("This honour is recorded for that year already.")})
    honor = Honor(
        organization=organization,
        enterprise=enterprise,
        person=person,
        title=title,
        level=level,
        awarding_body=awarding_body,
        year=year,
        note=(note or "").strip(),
    )
    honor.full_clean()
    honor.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=honor,
        subject=enterprise or person or honor,
        organization_id=organization.pk,
        changes=audit.snapshot(honor, HONOR_FIELDS),
    )
    return honor


@transaction.atomic
def withdraw_honor(*, actor: Any, honor: Honor, reason: str) -> None:
    """Remove an honour recorded by mistake (the audit trail keeps what it was)."""
    require(actor, Perm.CHANGE, honor.organization_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the honour is removed.")})
    audit.record(
        actor=actor,
        action=audit.AuditAction.DELETE,
        obj=honor,
        subject=honor.enterprise or honor.person or honor,
        organization_id=honor.organization_id,
        changes=audit.snapshot(honor, HONOR_FIELDS),
        note=reason,
    )
    honor.delete()
