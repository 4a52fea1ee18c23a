"""Membership figures for an organisation's subtree and a period.

Each figure is the count of a queryset with one row per member (the member's first
matching membership), so the drill-down list behind a figure has exactly as many rows
as the figure says. Moves inside the subtree (the 2017 split) are neither joins nor
departures of the subtree; they are for the chambers the member moved between.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from chamber.members.models import Membership
from chamber.orgs.models import Organization

from .period import Period


def subtree_ids(org: Organization) -> list[int]:
    """Every organisation below `org`, closed ones included (history counts)."""
    return org.subtree_ids


def one_per_member(qs: QuerySet[Membership]) -> QuerySet[Membership]:
    firsts = (
        qs.order_by()
        .values("enterprise_id", "person_id", "member_org_id")
        .annotate(first=Min("id"))
        .values("first")
    )
    return Membership.objects.filter(id__in=firsts)


# One number per member whichever kind it is (exactly one of the three is set).
MEMBER_KEY = Coalesce(F("enterprise_id") * 3, F("person_id") * 3 + 1, F("member_org_id") * 3 + 2)


def count_members(qs: QuerySet[Membership]) -> int:
    """How many members `qs` holds: what `one_per_member(qs).count()` says, counted
    with one COUNT(DISTINCT) instead of a grouping joined back to the table."""
    return qs.order_by().aggregate(n=Count(MEMBER_KEY, distinct=True))["n"]


def _in(ids: list[int]) -> QuerySet[Membership]:
    return Membership.objects.filter(organization_id__in=ids)


def _active_on(ids: list[int], day: datetime.date) -> QuerySet[Membership]:
    return _in(ids).active(day)


def _joined(ids: list[int], period: Period) -> QuerySet[Membership]:
    moved_within = Q(moved_from__isnull=False, moved_from__organization_id__in=ids)
    return _in(ids).filter(joined__range=(period.start, period.end)).exclude(moved_within)


def _left(ids: list[int], period: Period) -> QuerySet[Membership]:
    moved_on = Membership.objects.filter(moved_from=OuterRef("pk"), organization_id__in=ids)
    return _in(ids).filter(left__range=(period.start, period.end)).exclude(Exists(moved_on))


def active_on(ids: list[int], day: datetime.date) -> QuerySet[Membership]:
    return one_per_member(_active_on(ids, day))


def joined(ids: list[int], period: Period) -> QuerySet[Membership]:
    return one_per_member(_joined(ids, period))


def left(ids: list[int], period: Period) -> QuerySet[Membership]:
    return one_per_member(_left(ids, period))


QUERYSETS = {
    "total": lambda ids, p: active_on(ids, p.end),
    "joined": joined,
    "left": left,
}


def member_figures(org: Organization, period: Period) -> dict:
    ids = subtree_ids(org)
    total = count_members(_active_on(ids, period.end))
    previous = count_members(_active_on(ids, period.start - datetime.timedelta(days=1)))
    return {
        "total": total,
        "joined": count_members(_joined(ids, period)),
        "left": count_members(_left(ids, period)),
        "previous_total": previous,
        "growth_rate": round(total / previous - 1, 4) if previous else None,
    }
