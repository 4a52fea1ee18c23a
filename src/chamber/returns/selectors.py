"""Scoped reads of returns."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from .choices import Status
from .models import Return


def returns_for(user: Any) -> QuerySet[Return]:
    """Returns the user may see: their federation's and its children's (every version)."""
    return Return.objects.visible_to(user, Perm.VIEW).select_related("organization")


def get_return(user: Any, pk: int) -> Return:
    ret = returns_for(user).filter(pk=pk).first()
    if ret is None:
        raise Http404
    return ret


def current(org: Organization, year: int) -> Return | None:
    """The version in force: the newest submitted, else the one in preparation."""
    versions = list(Return.objects.filter(organization=org, year=year).order_by("-version"))
    submitted = [r for r in versions if r.status == Status.SUBMITTED]
    return submitted[0] if submitted else (versions[0] if versions else None)


def children_status(org: Organization, year: int) -> list[dict[str, Any]]:
    """Each child of `org` in force that year and its return, submitted or not."""
    from chamber.reports.annual import children_during
    from chamber.reports.period import Period

    children = list(children_during(org, Period.year(year)))
    by_org: dict[int, list[Return]] = {}
    for r in Return.objects.filter(organization__in=children, year=year).order_by("-version"):
        by_org.setdefault(r.organization_id, []).append(r)
    rows = []
    for child in children:
        versions = by_org.get(child.pk, [])
        submitted = next((r for r in versions if r.status == Status.SUBMITTED), None)
        rows.append(
            {"org": child, "latest": versions[0] if versions else None, "submitted": submitted}
        )
    return rows
