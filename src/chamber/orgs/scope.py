"""The one scoping rule (DESIGN §1, STYLE "Scope").

A user's roles each grant permissions over an organisation's subtree. `org_ids(user,
perm)` is the set of organisation ids where `user` holds `perm`, or ALL for the
superuser. Every scoped model's queryset has `visible_to(user, perm)`, built on it, and
every view, API endpoint, admin page, export and report reads through that method.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from .choices import ROLE_PERMS, Perm

ALL = None  # sentinel: no restriction
_CACHE_ATTR = "_chamber_scope"


def org_ids(user: Any, perm: str = Perm.VIEW) -> frozenset[int] | None:
    """Organisation ids in which `user` holds `perm`; ALL (None) for a superuser."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL
    cache: dict[str, frozenset[int] | None] | None = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = _compute(user)
        setattr(user, _CACHE_ATTR, cache)
    return cache.get(perm, frozenset())


def covers_every_organization(user: Any, perm: str = Perm.VIEW) -> bool:
    """Does `user` hold `perm` over every organisation there is (a role at the root of
    the only tree, or a superuser)?"""
    ids = org_ids(user, perm)
    if ids is ALL:
        return True
    return perm in getattr(user, _CACHE_ATTR, {}).get(_WHOLE, ())


_WHOLE = "__whole_tree__"


def _compute(user: Any) -> dict[str, Any]:
    """Every permission's organisation ids, in two queries (cached on the user for the
    request): the user's roles, then the subtrees below them; and which permissions
    cover every organisation there is."""
    from .models import Organization, RoleAssignment

    roles = list(RoleAssignment.objects.filter(user=user).values_list("role", "organization__path"))
    if not roles:
        return {}
    at_a_root = any(path.count("/") == 2 for _role, path in roles)
    if at_a_root:  # the subtree of a root may be everything: read the whole (small) tree
        nodes = list(Organization.objects.values_list("id", "path"))
    else:
        q = models.Q()
        for _role, path in roles:
            q |= models.Q(path__startswith=path)
        nodes = list(Organization.objects.filter(q).values_list("id", "path"))
    result: dict[str, set[int]] = {}
    for role, root in roles:
        below = {pk for pk, path in nodes if path.startswith(root)}
        for perm in ROLE_PERMS.get(role, ()):
            result.setdefault(perm, set()).update(below)
    cache: dict[str, Any] = {perm: frozenset(ids) for perm, ids in result.items()}
    cache[_WHOLE] = frozenset(
        perm for perm, ids in result.items() if at_a_root and len(ids) == len(nodes)
    )
    return cache


def has_perm(user: Any, perm: str, organization_id: int | None) -> bool:
    """Does `user` hold `perm` over the organisation `organization_id`?"""
    ids = org_ids(user, perm)
    if ids is ALL:
        return True
    return organization_id is not None and organization_id in ids


def require(actor: Any, perm: str, organization_id: int | None) -> None:
    """The services' check: `actor` holds `perm` over the organisation, else
    PermissionDenied. `actor=None` is the system itself (demo loader, commands)."""
    if actor is not None and not has_perm(actor, perm, organization_id):
        raise PermissionDenied(_("You may not do this in that organisation."))


def has_any(user: Any, perm: str) -> bool:
    ids = org_ids(user, perm)
    return ids is ALL or bool(ids)


def forget(user: Any) -> None:
    """Drop the cached scope (after a role change within a request or a test)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every scoped model. The model says how its rows reach an
    organisation by defining `scope_condition(org_ids)` (a Q or boolean expression).

    A model whose every row belongs to an organisation through a required foreign key
    says so with `scope_always_owned = True`: for a user covering every organisation
    the filter is then dropped, rather than an IN list of every organisation that
    PostgreSQL would intersect with each search (260 ms at a million members)."""

    def visible_to(self, user: Any, perm: str = Perm.VIEW) -> ScopedQuerySet:
        ids = org_ids(user, perm)
        if ids is ALL:
            return self
        if not ids:
            return self.none()
        if getattr(self.model, "scope_always_owned", False) and covers_every_organization(
            user, perm
        ):
            return self
        return self.filter(self.model.scope_condition(ids))


def may_view_personal(user: Any, obj: Any) -> bool:
    """Whether `user` may see `obj`'s personal data (mobile, ID number) in full: the one
    scope rule with Perm.VIEW_PERSONAL (core.masking masks for everyone else)."""
    if obj is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        type(obj)._default_manager.visible_to(user, Perm.VIEW_PERSONAL).filter(pk=obj.pk).exists()
    )
