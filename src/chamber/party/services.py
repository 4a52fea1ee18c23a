"""Writes of party-building records: one transaction, validated, audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.core.models import AuditAction
from chamber.members.models import Enterprise, Membership, Person
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization
from chamber.orgs.scope import require

from .models import PartyOrganization, PartyOrgKind, PartyProfile

FIELDS = ["name", "kind", "founded", "dissolved", "secretary", "members_count", "note"]


def _check_members_of(organization: Organization, enterprises: Iterable[Enterprise]) -> None:
    """Only member enterprises of the keeping organisation's subtree can be covered."""
    ids = {e.pk for e in enterprises}
    members = set(
        Membership.objects.filter(
            organization_id__in=organization.subtree_ids, enterprise_id__in=ids
        ).values_list("enterprise_id", flat=True)
    )
    strangers = [e.name for e in enterprises if e.pk not in members]
    if strangers:
        raise ValidationError(
            {
                "enterprises": _("Not members of %(org)s: %(names)s.")
                % {"org": organization.name, "names": "、".join(strangers)}
            }
        )


def _validate(data: dict[str, Any], enterprises: list[Enterprise]) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    founded: datetime.date | None = data.get("founded")
    dissolved: datetime.date | None = data.get("dissolved")
    if not (data.get("name") or "").strip():
        errors["name"] = _("Enter a name.")
    if data.get("kind") not in PartyOrgKind.values:
        errors["kind"] = _("Choose a kind.")
    if founded is None:
        errors["founded"] = _("Enter the founding date.")
    elif founded > today:
        errors["founded"] = _("The founding date cannot be in the future.")
    if dissolved and founded and dissolved < founded:
        errors["dissolved"] = _("Dissolved before it was founded.")
    if (data.get("members_count") or 0) < 0:
        errors["members_count"] = _("Enter zero or more.")
    if data.get("kind") == PartyOrgKind.JOINT_BRANCH and len(enterprises) < 2:
        errors["enterprises"] = _("A joint party branch covers two or more enterprises.")
    elif data.get("kind") != PartyOrgKind.JOINT_BRANCH and len(enterprises) > 1:
        errors["enterprises"] = _("Only a joint party branch covers several enterprises.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_party_organization(
    *,
    actor: Any,
    organization: Organization,
    enterprises: Iterable[Enterprise] = (),
    instance: PartyOrganization | None = None,
    **data: Any,
) -> PartyOrganization:
    """Create (instance None) or change a party organisation kept by `organization`."""
    require(actor, Perm.CHANGE, organization.pk)
    if instance is not None:
        require(actor, Perm.CHANGE, instance.organization_id)
    enterprises = list(enterprises)
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationError({"non_field_errors": _("Unknown fields: %s") % ", ".join(unknown)})
    merged = {f: getattr(instance, f) for f in FIELDS} if instance else {}
    merged.update(data)
    merged.setdefault("members_count", 0)
    _validate(merged, enterprises)
    _check_members_of(organization, enterprises)
    secretary: Person | None = merged.get("secretary")
    created = instance is None
    before = audit.snapshot(instance, FIELDS) if instance else {}
    before_ents = sorted(instance.enterprises.values_list("name", flat=True)) if instance else []
    obj = instance or PartyOrganization()
    obj.organization = organization
    for f in FIELDS:
        setattr(obj, f, merged.get(f, "" if f in ("note",) else None))
    obj.secretary = secretary
    obj.full_clean(exclude=["enterprises"])
    obj.save()
    obj.enterprises.set(enterprises)
    changes = audit.diff(before, audit.snapshot(obj, FIELDS))
    after_ents = sorted(e.name for e in enterprises)
    if after_ents != before_ents:
        changes["enterprises"] = [before_ents, after_ents]
    if created or changes:
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=obj,
            organization_id=organization.pk,
            changes=changes,
        )
    return obj


PROFILE_FIELDS = ["party_members", "instructor", "instructor_since"]


@transaction.atomic
def set_party_profile(
    *,
    actor: Any,
    organization: Organization,
    enterprise: Enterprise,
    party_members: int = 0,
    instructor: Person | None = None,
    instructor_since: datetime.date | None = None,
) -> PartyProfile:
    """Record an enterprise's party members among its staff and its instructor."""
    require(actor, Perm.CHANGE, organization.pk)
    errors: dict[str, str] = {}
    if party_members is None or party_members < 0:
        errors["party_members"] = _("Enter zero or more.")
    if instructor_since and instructor_since > timezone.localdate():
        errors["instructor_since"] = _("The date cannot be in the future.")
    if instructor_since and instructor is None:
        errors["instructor"] = _("Choose the instructor assigned on that date.")
    if errors:
        raise ValidationError(errors)
    _check_members_of(organization, [enterprise])
    profile = PartyProfile.objects.select_for_update().filter(enterprise=enterprise).first()
    if profile is not None:
        require(actor, Perm.CHANGE, profile.organization_id)
    created = profile is None
    before = audit.snapshot(profile, PROFILE_FIELDS) if profile else {}
    profile = profile or PartyProfile(enterprise=enterprise)
    profile.organization = organization
    profile.party_members = party_members
    profile.instructor = instructor
    profile.instructor_since = instructor_since
    profile.save()
    changes = audit.diff(before, audit.snapshot(profile, PROFILE_FIELDS))
    if created or changes:
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=profile,
            subject=enterprise,
            organization_id=organization.pk,
            changes=changes,
        )
    return profile
