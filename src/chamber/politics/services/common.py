"""Rights checks shared by the post and proposal services."""

from __future__ import annotations

from typing import Any

from chamber.members.models import Person
from chamber.orgs import scope

require = scope.require  # one rule for every service (orgs.scope)


def may_on_person(actor: Any, perm: str, person: Person) -> bool:
    if actor is None or scope.org_ids(actor, perm) is scope.ALL:
        return True
    return Person.objects.visible_to(actor, perm).filter(pk=person.pk).exists()


def subject_of(person: Person):
    """The member an audit entry about `person` belongs to: their enterprise's page
    shows it; a person without one is their own subject."""
    return person.enterprise if person.enterprise_id else person
