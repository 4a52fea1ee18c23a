"""Scoped reads of the organisation tree."""

from __future__ import annotations

import datetime
from typing import Any

from .choices import Perm
from .models import Organization


def visible_organizations(user: Any, perm: str = Perm.VIEW):
    return Organization.objects.visible_to(user, perm).order_by("path", "sort_order")


def children_in_force(org: Organization, on: datetime.date):
    return org.children.in_force(on).order_by("sort_order", "code")


def top_organizations(user: Any) -> list[Organization]:
    """The highest organisations a user sees: where their scope starts."""
    orgs = list(visible_organizations(user))
    paths = [o.path for o in orgs]
    return [o for o in orgs if not any(o.path != p and o.path.startswith(p) for p in paths)]
