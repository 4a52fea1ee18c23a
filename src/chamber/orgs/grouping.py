"""Figures for all the children of an organisation in one pass.

A district report holds the district's figures and the same for each street. Asking
each street separately reads the district's rows twice over (once for the district,
once more spread over the streets, each with its own plan); grouping the district's
rows by the child they belong to reads them once. `child_of` is that grouping key: the
child whose subtree holds the row's organisation (NULL for the parent's own rows and
for children not in force in the period).
"""

from __future__ import annotations

from typing import Any

from django.db.models import BigIntegerField, Case, Value, When
from django.db.models.lookups import In

from chamber.orgs.models import Organization


def with_subtrees(org: Organization, children: list[Organization]) -> list[Organization]:
    """`children` of `org` with their `subtree_ids` filled from one query over `org`'s
    subtree (instead of one query per child)."""
    rows = list(
        Organization.objects.filter(path__startswith=org.path)
        .order_by("id")
        .values_list("id", "path")
    )
    org.__dict__.setdefault("subtree_ids", [pk for pk, _path in rows])
    for child in children:
        child.__dict__["subtree_ids"] = [pk for pk, path in rows if path.startswith(child.path)]
    return children


def child_of(children: list[Organization], field: Any = "organization_id") -> Case:
    """The pk of the child whose subtree holds `field` (a field name, or an OuterRef)."""
    whens = []
    for child in children:
        if isinstance(field, str):
            whens.append(When(**{f"{field}__in": child.subtree_ids}, then=Value(child.pk)))
        else:
            whens.append(When(In(field, child.subtree_ids), then=Value(child.pk)))
    return Case(*whens, default=Value(None), output_field=BigIntegerField())
