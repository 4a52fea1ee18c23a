from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chamber.orgs import scope


def require(actor: Any, perm: str, organization_id: int | None) -> None:
    """`actor` None is the system itself (demo loader, commands): always allowed."""
    if actor is not None and not scope.has_perm(actor, perm, organization_id):
        raise PermissionDenied(_("You may not do this in that organisation."))


def visible(actor: Any, model, pks: list[int], perm: str) -> set[int]:
    """Which of `pks` the actor may see (all of them for the system)."""
    if actor is None or scope.org_ids(actor, perm) is scope.ALL:
        return set(pks)
    return set(
        model.objects.visible_to(actor, perm).filter(pk__in=pks).values_list("pk", flat=True)
    )
