"""Writes to the organisation tree and to users' roles."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.core.changes import written_in_bulk

from . import scope
from .choices import Perm
from .models import DivisionCode, Organization, RoleAssignment


def _path(parent: Organization | None, pk: int) -> str:
    return f"{parent.path if parent else '/'}{pk}/"


@transaction.atomic
def create_organization(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Organization | None = None,
    name_en: str = "",
    division_code: str = "",
    division_code_year: int | None = None,
    founded: datetime.date | None = None,
    closed: datetime.date | None = None,
    sort_order: int = 0,
    is_demo: bool = False,
) -> Organization:
    if actor is not None and not scope.has_perm(actor, Perm.MANAGE, parent.pk if parent else None):
        raise PermissionDenied(_("You may not add organisations here."))
    if Organization.objects.filter(code=code).exists():
        raise ValidationError({"code": _("An organisation with this code exists already.")})
    org = Organization(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        name_en=name_en,
        division_code=division_code,
        division_code_year=division_code_year,
        founded=founded,
        closed=closed,
        sort_order=sort_order,
        is_demo=is_demo,
        path="",
    )
    org.full_clean(exclude=["path"])
    org.save()
    org.path = _path(parent, org.pk)
    org.save(update_fields=["path"])
    if division_code and division_code_year:
        DivisionCode.objects.create(
            organization=org, code=division_code, table_year=division_code_year
        )
    audit.record(actor=actor, action=audit.AuditAction.CREATE, obj=org, organization_id=org.pk)
    return org


@transaction.atomic
def move_organization(*, actor: Any, org: Organization, new_parent: Organization) -> None:
    """Re-parent `org`, rewriting the paths of its whole subtree."""
    # actor None: the system (the demo's province tree), as in grant_role
    if actor is not None and (
        not scope.has_perm(actor, Perm.MANAGE, new_parent.pk)
        or not scope.has_perm(actor, Perm.MANAGE, org.pk)
    ):
        raise PermissionDenied(_("You may not move this organisation."))
    if new_parent.path.startswith(org.path):
        raise ValidationError({"parent": _("An organisation cannot move below itself.")})
    old, new = org.path, _path(new_parent, org.pk)
    for node in Organization.objects.filter(path__startswith=old):
        node.path = new + node.path[len(old) :]
        node.save(update_fields=["path"])
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    written_in_bulk("orgs")
    audit.record(
        actor=actor,
        action=audit.AuditAction.UPDATE,
        obj=org,
        organization_id=org.pk,
        changes={"parent": [str(org.parent), str(new_parent)]},
    )


@transaction.atomic
def grant_role(*, actor: Any, user: Any, organization: Organization, role: str) -> RoleAssignment:
    if actor is not None and not scope.has_perm(actor, Perm.MANAGE, organization.pk):
        raise PermissionDenied(_("You may not grant roles here."))
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, organization=organization, role=role
    )
    scope.forget(user)
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=assignment,
        organization_id=organization.pk,
    )
    return assignment


ORG_FIELDS = [
    "code",
    "name",
    "name_en",
    "kind",
    "division_code",
    "division_code_year",
    "founded",
    "closed",
    "sort_order",
]


@transaction.atomic
def update_organization(*, actor: Any, org: Organization, **fields: Any) -> Organization:
    if not scope.has_perm(actor, Perm.MANAGE, org.pk):
        raise PermissionDenied(_("You may not change this organisation."))
    before = audit.snapshot(org, ORG_FIELDS)
    for key, value in fields.items():
        if key in ORG_FIELDS:
            setattr(org, key, value)
    org.full_clean(exclude=["path"])
    org.save()
    if org.division_code and org.division_code_year:
        DivisionCode.objects.update_or_create(
            organization=org,
            table_year=org.division_code_year,
            defaults={"code": org.division_code},
        )
    changes = audit.diff(before, audit.snapshot(org, ORG_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            obj=org,
            organization_id=org.pk,
            changes=changes,
        )
    return org
