"""Rights checks shared by the post and proposal services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chamber.members.models import Person
from chamber.orgs import scope


def require(actor: Any, perm: str, organization_id: int | None) -> None:
    """`perm` over an organisation. `actor=None` is the system (demo, commands)."""
    if actor is not None and not scope.has_perm(actor, perm, organization_id):
        raise PermissionDenied(_("You may not do this in that organisation."))


def may_on_person(actor: Any, perm: str, person: Person) -> bool:
    if actor is None or scope.org_ids(actor, perm) is scope.ALL:
        return True
    return Person.objects.visible_to(actor, perm).filter(pk=person.pk).exists()


def subject_of(person: Person):
    """The member an audit entry about `person` belongs to: their enterprise's page
    shows it; a person without one is their own subject."""
    return person.enterprise if person.enterprise_id else person
