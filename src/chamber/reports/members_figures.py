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
from django.db.models.lookups import Exact

from chamber.core.rates import growth
from chamber.members.models import Membership, active_condition
from chamber.orgs.grouping import child_of
from chamber.orgs.models import Organization

from .period import Period


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


def _in(ids: list[int]) -> QuerySet[Membership]:
    return Membership.objects.filter(organization_id__in=ids)


def _joined_q(ids: list[int], period: Period) -> Q:
    # EXISTS rather than a join: only the period's joins look their predecessor up.
    moved_within = Exists(
        Membership.objects.filter(pk=OuterRef("moved_from_id"), organization_id__in=ids)
    )
    return Q(joined__range=(period.start, period.end)) & ~Q(moved_within)


def _left_q(ids: list[int], period: Period) -> Q:
    moved_on = Membership.objects.filter(moved_from=OuterRef("pk"), organization_id__in=ids)
    return Q(left__range=(period.start, period.end)) & ~Q(Exists(moved_on))


def _active_on(ids: list[int], day: datetime.date) -> QuerySet[Membership]:
    return _in(ids).filter(active_condition(day))


def _joined(ids: list[int], period: Period) -> QuerySet[Membership]:
    return _in(ids).filter(_joined_q(ids, period))


def _left(ids: list[int], period: Period) -> QuerySet[Membership]:
    return _in(ids).filter(_left_q(ids, period))


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


# Members at the period's end by kind (enterprises 家, people 名, organisations 个): each
# member has exactly one of the three, so they add up to `total`.
BY_KIND = {"enterprise": "enterprise_id", "person": "person_id", "organization": "member_org_id"}


def _by_kind(day: datetime.date) -> dict[str, Count]:
    return {
        f"total_{kind}": Count(field, distinct=True, filter=active_condition(day))
        for kind, field in BY_KIND.items()
    }


def _shape(counts: dict) -> dict:
    total, previous = counts["total"], counts["previous"]
    return {
        "total": total,
        "total_by_kind": {kind: counts[f"total_{kind}"] for kind in BY_KIND},
        "joined": counts["joined"],
        "left": counts["left"],
        "previous_total": previous,
        "growth_rate": growth(total, previous),
    }


def member_figures_of_children(
    org: Organization, children: list[Organization], period: Period
) -> dict[int, dict]:
    """`member_figures` of every child, from one grouped pass over `org`'s memberships.

    A move counts as a join or a departure of a child unless it stays inside that same
    child's subtree, which is what `member_figures(child)` says too."""
    if not children:
        return {}
    before = period.start - datetime.timedelta(days=1)
    child = child_of(children)
    came_from_same_child = Exists(
        Membership.objects.filter(pk=OuterRef("moved_from_id")).filter(
            Exact(child_of(children), child_of(children, OuterRef("organization_id")))
        )
    )
    moved_on_within = Exists(
        Membership.objects.filter(moved_from=OuterRef("pk")).filter(
            Exact(child_of(children), child_of(children, OuterRef("organization_id")))
        )
    )
    joined = Q(joined__range=(period.start, period.end)) & ~Q(came_from_same_child)
    left = Q(left__range=(period.start, period.end)) & ~Q(moved_on_within)
    rows = (
        _in(org.subtree_ids)
        .order_by()
        .annotate(child=child)
        .filter(child__isnull=False)
        .values("child")
        .annotate(
            # First: a later alias named `left` would shadow the field in their filters.
            **_by_kind(period.end),
            total=Count(MEMBER_KEY, distinct=True, filter=active_condition(period.end)),
            previous=Count(MEMBER_KEY, distinct=True, filter=active_condition(before)),
            joined=Count(MEMBER_KEY, distinct=True, filter=joined),
            left=Count(MEMBER_KEY, distinct=True, filter=left),
        )
    )
    zero = {"total": 0, "previous": 0, "joined": 0, "left": 0} | {
        f"total_{kind}": 0 for kind in BY_KIND
    }
    found = {row["child"]: row for row in rows}
    return {c.pk: _shape(found.get(c.pk, zero)) for c in children}


def member_figures(org: Organization, period: Period) -> dict:
    ids = org.subtree_ids
    before = period.start - datetime.timedelta(days=1)
    # One pass over the subtree's memberships: four filtered COUNT(DISTINCT member)s,
    # each the count of the drill-down list (QUERYSETS) of the same name.
    counts = (
        _in(ids)
        .order_by()
        .aggregate(
            # First: a later alias named `left` would shadow the field in their filters.
            **_by_kind(period.end),
            total=Count(MEMBER_KEY, distinct=True, filter=active_condition(period.end)),
            previous=Count(MEMBER_KEY, distinct=True, filter=active_condition(before)),
            joined=Count(MEMBER_KEY, distinct=True, filter=_joined_q(ids, period)),
            left=Count(MEMBER_KEY, distinct=True, filter=_left_q(ids, period)),
        )
    )
    return _shape(counts)


def member_figures_with_children(
    org: Organization, children: list[Organization], period: Period
) -> tuple[dict, dict[int, dict]]:
    return member_figures(org, period), member_figures_of_children(org, children, period)
