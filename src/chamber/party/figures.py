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

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from chamber.members.models import Enterprise, Membership, active_condition
from chamber.orgs.models import Organization

from .models import PartyOrganization, PartyProfile


def member_enterprises(org: Organization, day: datetime.date) -> QuerySet[Enterprise]:
    members = Membership.objects.filter(
        active_condition(day), organization_id__in=org.subtree_ids, enterprise=OuterRef("pk")
    )
    return Enterprise.objects.filter(Exists(members))


def _organized(day: datetime.date) -> Exists:
    return Exists(PartyOrganization.objects.in_force(day).filter(enterprises=OuterRef("pk")))


def _instructed(day: datetime.date) -> Exists:
    return Exists(
        PartyProfile.objects.filter(enterprise=OuterRef("pk"), instructor__isnull=False).filter(
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


def party_figures(org: Organization, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    flags = (
        member_enterprises(org, end)
        .annotate(organized=_organized(end), instructed=_instructed(end))
        .values_list("organized", "instructed")
    )
    total = organized = worked = 0
    for has_org, has_instructor in flags:
        total += 1
        organized += bool(has_org)
        worked += bool(has_org or has_instructor)
    kept = PartyOrganization.objects.in_force(end).filter(organization_id__in=org.subtree_ids)
    agg = kept.aggregate(members=Sum("members_count"))
    return {
        "member_enterprises": total,
        "with_organization": organized,
        "with_work": worked,
        "organization_coverage": _rate(organized, total),
        "work_coverage": _rate(worked, total),
        "organizations": kept.count(),
        "party_members": agg["members"] or 0,
    }
