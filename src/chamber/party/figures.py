"""Party-building figures (非公党建) for an organisation's subtree and a period
(docs/reports.md "party"):

- party.member_enterprises: enterprises that are members of the subtree at the period's end.
- party.with_organization: those covered then by a party organisation in force (their
  own or a joint one).
- party.with_work: those with an organisation or an instructor assigned by then.
- party.organization_coverage (党的组织覆盖率) = with_organization / member_enterprises;
  party.work_coverage (党的工作覆盖率) = with_work / member_enterprises; 4 decimal
  places, null when there are no member enterprises.
- party.organizations: party organisations kept by the subtree in force at the end;
  party.party_members: their members.

Each count figure is the count of the queryset of the same name in QUERYSETS, so the
drill-down list behind it has exactly as many rows.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from chamber.members.models import Enterprise, Membership, active_condition
from chamber.orgs.grouping import child_of
from chamber.orgs.models import Organization

from .models import PartyOrganization, PartyProfile


def member_enterprises(org: Organization, day: datetime.date) -> QuerySet[Enterprise]:
    members = Membership.objects.filter(
        active_condition(day), organization_id__in=org.subtree_ids, enterprise=OuterRef("pk")
    )
    return Enterprise.objects.filter(Exists(members))


def _organized(day: datetime.date, ref: str = "pk") -> Exists:
    return Exists(PartyOrganization.objects.in_force(day).filter(enterprises=OuterRef(ref)))


def _instructed(day: datetime.date, ref: str = "pk") -> Exists:
    return Exists(
        PartyProfile.objects.filter(enterprise=OuterRef(ref), instructor__isnull=False).filter(
            Q(instructor_since__isnull=True) | Q(instructor_since__lte=day)
        )
    )


def with_organization(org: Organization, day: datetime.date) -> QuerySet[Enterprise]:
    return member_enterprises(org, day).filter(_organized(day))


def with_work(org: Organization, day: datetime.date) -> QuerySet[Enterprise]:
    return member_enterprises(org, day).filter(Q(_organized(day)) | Q(_instructed(day)))


QUERYSETS = {
    "member_enterprises": member_enterprises,
    "with_organization": with_organization,
    "with_work": with_work,
}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# distinct enterprises, so one active in two chambers of the subtree counts once for it
COUNTS = {
    "total": Count("enterprise_id", distinct=True),
    "n_organized": Count("enterprise_id", distinct=True, filter=Q(organized=True)),
    "n_worked": Count(
        "enterprise_id", distinct=True, filter=Q(organized=True) | Q(instructed=True)
    ),
}


def _shape(counts: dict[str, Any], kept: dict[str, Any]) -> dict[str, Any]:
    total, organized, worked = counts["total"], counts["n_organized"], counts["n_worked"]
    return {
        "member_enterprises": total,
        "with_organization": organized,
        "with_work": worked,
        "organization_coverage": _rate(organized, total),
        "work_coverage": _rate(worked, total),
        "organizations": kept["n"],
        "party_members": kept["members"] or 0,
    }


def party_figures_with_children(
    org: Organization, children: list[Organization], start: datetime.date, end: datetime.date
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """`party_figures` of `org` and of each child in four queries however many children."""
    members = Membership.objects.filter(
        active_condition(end), organization_id__in=org.subtree_ids, enterprise__isnull=False
    ).annotate(
        organized=_organized(end, "enterprise_id"), instructed=_instructed(end, "enterprise_id")
    )
    kept = PartyOrganization.objects.in_force(end).filter(organization_id__in=org.subtree_ids)
    kept_counts = {"n": Count("id"), "members": Sum("members_count")}
    empty = {"total": 0, "n_organized": 0, "n_worked": 0}
    by_child: dict[int, dict[str, Any]] = {}
    kept_by_child: dict[int, dict[str, Any]] = {}
    if children:
        for row in (
            members.annotate(child=child_of(children)).order_by().values("child").annotate(**COUNTS)
        ):
            by_child[row["child"]] = row
        for row in (
            kept.annotate(child=child_of(children))
            .order_by()
            .values("child")
            .annotate(**kept_counts)
        ):
            kept_by_child[row["child"]] = row
    own = _shape(members.order_by().aggregate(**COUNTS), kept.aggregate(**kept_counts))
    return own, {
        c.pk: _shape(by_child.get(c.pk, empty), kept_by_child.get(c.pk, {"n": 0, "members": 0}))
        for c in children
    }


def party_figures(org: Organization, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    return party_figures_with_children(org, [], start, end)[0]
