from __future__ import annotations

from typing import Any

from chamber.orgs import scope

require = scope.require  # one rule for every service (orgs.scope)


def visible(actor: Any, model, pks: list[int], perm: str) -> set[int]:
    """Which of `pks` the actor may see (all of them for the system)."""
    if actor is None or scope.org_ids(actor, perm) is scope.ALL:
        return set(pks)
    return set(
        model.objects.visible_to(actor, perm).filter(pk__in=pks).values_list("pk", flat=True)
    )
