"""Recording members' posts in people's congresses and CPPCC committees."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.core.text import join_list
from chamber.members.models import Person
from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from ..choices import ROLES_BY_BODY, Body, Level, PostRole
from ..models import PoliticalPost
from .common import may_on_person, require, subject_of

POST_FIELDS = [
    "person",
    "organization",
    "body",
    "level",
    "place",
    "term",
    "role",
    "sector",
    "start",
    "end",
    "note",
]
EDITABLE = {"body", "level", "place", "term", "role", "sector", "start", "end", "note"}


def clean_post(data: dict[str, Any], *, instance: PoliticalPost | None = None) -> dict[str, Any]:
    """Normalise and validate post fields (merged over `instance`); ValidationError by field."""
    data = dict(data)
    for key in ("place", "sector", "note"):
        if key in data:
            data[key] = (data[key] or "").strip()

    def get(key: str) -> Any:
        return data[key] if key in data else getattr(instance, key, None)

    errors: dict[str, str] = {}
    body, level, role = get("body"), get("level"), get("role")
    if body not in Body.values:
        errors["body"] = _("Choose a people's congress or a CPPCC committee.")
    if level not in Level.values:
        errors["level"] = _("Choose national, provincial, municipal or district.")
    if role not in PostRole.values:
        errors["role"] = _("Choose a role.")
    elif body in Body.values and role not in ROLES_BY_BODY[body]:
        errors["role"] = _("A %(body)s has no %(role)s: choose one of %(roles)s.") % {
            "body": Body(body).label,
            "role": PostRole(role).label,
            "roles": join_list(str(PostRole(r).label) for r in sorted(ROLES_BY_BODY[body])),
        }
    term = get("term")
    if not isinstance(term, int) or not 1 <= term <= 99:
        errors["term"] = _("The term is a number from 1 to 99 (the 5th term is 5).")
    if level == Level.NATIONAL:
        data["place"] = ""
    elif level in Level.values and not get("place"):
        errors["place"] = _("Say where the body sits, e.g. 宝安区 or 深圳市.")
    start, end = get("start"), get("end")
    if not isinstance(start, datetime.date):
        errors["start"] = _("The start date is required.")
    elif end is not None and end <= start:
        errors["end"] = _("A post ends after it starts (%(start)s).") % {"start": start}
    person = get("person")
    if not errors and person is not None:
        overlapping = PoliticalPost.objects.filter(
            person=person, body=body, level=level, place=get("place") or "", term=term
        ).filter(Q(end__isnull=True) | Q(end__gt=start))
        if end is not None:
            overlapping = overlapping.filter(start__lt=end)
        if instance is not None:
            overlapping = overlapping.exclude(pk=instance.pk)
        if overlapping.exists():
            errors["term"] = _(
                "%(name)s already holds a post in this body and term over these dates."
            ) % {"name": person.name}
    if errors:
        raise ValidationError(errors)
    return data


def _may_change(actor: Any, post: PoliticalPost) -> bool:
    return (
        actor is None
        or scope.has_perm(actor, Perm.CHANGE, post.organization_id)
        or may_on_person(actor, Perm.CHANGE, post.person)
    )


@transaction.atomic
def record_post(
    *,
    actor: Any,
    person: Person,
    organization: Organization,
    body: str,
    level: str,
    term: int,
    role: str,
    start: datetime.date,
    place: str = "",
    sector: str = "",
    end: datetime.date | None = None,
    note: str = "",
) -> PoliticalPost:
    """Record a person's post; `organization` is the chamber recording it, where the
    actor must be allowed to change records, and the person must be theirs to change."""
    require(actor, Perm.CHANGE, organization.pk)
    if not may_on_person(actor, Perm.CHANGE, person):
        raise PermissionDenied(_("You may not record posts for %(name)s.") % {"name": person})
    data = clean_post(
        {
            "person": person,
            "organization": organization,
            "body": body,
            "level": level,
            "place": place,
            "term": term,
            "role": role,
            "sector": sector,
            "start": start,
            "end": end,
            "note": note,
        }
    )
    post = PoliticalPost(**data)
    post.full_clean()
    post.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=post,
        subject=subject_of(person),
        organization_id=organization.pk,
        changes=audit.snapshot(post, POST_FIELDS),
    )
    return post


@transaction.atomic
def update_post(*, actor: Any, post: PoliticalPost, **fields: Any) -> PoliticalPost:
    if not _may_change(actor, post):
        raise PermissionDenied(_("You may not change this post."))
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": join_list(sorted(unknown))}
        )
    data = clean_post(fields, instance=post)
    before = audit.snapshot(post, POST_FIELDS)
    for key, value in data.items():
        setattr(post, key, value)
    post.full_clean()
    post.save()
    changes = audit.diff(before, audit.snapshot(post, POST_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            obj=post,
            subject=subject_of(post.person),
            organization_id=post.organization_id,
            changes=changes,
        )
    return post


@transaction.atomic
def end_post(
    *, actor: Any, post: PoliticalPost, end: datetime.date, note: str = ""
) -> PoliticalPost:
    """End a post early (resignation, removal, death) or at the end of its term."""
    if not _may_change(actor, post):
        raise PermissionDenied(_("You may not change this post."))
    if post.end is not None:
        raise ValidationError(
            {"end": _("This post ended already, on %(end)s.") % {"end": post.end}}
        )
    fields: dict[str, Any] = {"end": end}
    if note:
        fields["note"] = note
    return update_post(actor=actor, post=post, **fields)
