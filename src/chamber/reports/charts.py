"""Data for the dashboard's charts, as plain series the page hands to ECharts."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chamber.core.text import local_name
from chamber.members.models import Membership, active_condition
from chamber.orgs.models import Organization

FIRST_YEAR = 2013


def member_growth(org: Organization, year: int) -> dict[str, Any]:
    """Members at each year-end, per child (one grouped query per year)."""
    children = list(org.children.order_by("sort_order", "code"))
    owner: dict[int, int] = {}
    for child in children:
        for pk in child.subtree_ids:
            owner[pk] = child.pk
    ids = org.subtree_ids
    years = list(range(FIRST_YEAR, year + 1))
    per_child: dict[int, list[int]] = {c.pk: [0] * len(years) for c in children}

    # One pass: a filtered count per year-end, grouped by organisation.
    rows = (
        Membership.objects.filter(organization_id__in=ids)
        .order_by()
        .values("organization_id")
        .annotate(
            **{
                f"y{y}": Count("id", filter=active_condition(datetime.date(y, 12, 31)))
                for y in years
            }
        )
    )
    for row in rows:
        child = owner.get(row["organization_id"])
        if child is not None:
            for i, y in enumerate(years):
                per_child[child][i] += row[f"y{y}"]
    series = [
        {"name": c.display_name, "data": per_child[c.pk]} for c in children if any(per_child[c.pk])
    ]
    return {
        "id": "member-growth",
        "title": _("Members at year end, by chamber"),
        "type": "bar",
        "stack": True,
        "categories": [str(y) for y in years],
        "series": series,
    }


def children_comparison(report: dict) -> dict[str, Any]:
    names = [local_name(c["org"]) for c in report["children"]]
    return {
        "id": "children-growth",
        "title": _("Member growth rate in the year, by chamber (%)"),
        "type": "bar",
        "categories": names,
        "series": [
            {
                "name": _("growth rate"),
                "data": [
                    round(c["members"]["growth_rate"] * 100, 1)
                    if c["members"]["growth_rate"] is not None
                    else None
                    for c in report["children"]
                ],
            }
        ],
    }


def visits_and_cases_by_month(org: Organization, year: int) -> dict[str, Any]:
    from chamber.casework.models import Case, Visit

    from .period import Period

    p = Period.year(year)
    ids = org.subtree_ids

    def per_month(qs, field: str) -> list[int]:
        """Counts per month of `field`, counted by the database."""
        counts = [0] * 12
        rows = (
            qs.filter(**{f"{field}__range": (p.start, p.end)})
            .order_by()
            .values_list(ExtractMonth(field))
            .annotate(n=Count("id"))
        )
        for month, n in rows:
            counts[month - 1] += n
        return counts

    visits = per_month(Visit.objects.filter(organization_id__in=ids), "date")
    cases = Case.objects.filter(organization_id__in=ids)
    raised, resolved = per_month(cases, "received_on"), per_month(cases, "resolved_on")
    return {
        "id": "visits-cases-month",
        "title": _("Visits and cases by month"),
        "type": "line",
        "categories": [f"{m}" for m in range(1, 13)],
        "series": [
            {"name": _("visits"), "data": visits},
            {"name": _("cases raised"), "data": raised},
            {"name": _("cases resolved"), "data": resolved},
        ],
    }


def case_categories(report: dict) -> dict[str, Any]:
    return {
        "id": "case-categories",
        "title": _("Problems raised, by category"),
        "type": "pie",
        "series": [
            {
                "name": _("cases"),
                "data": [
                    {"name": c["name"], "value": c["raised"]}
                    for c in report["cases"].get("by_category", [])
                    if c["raised"]
                ],
            }
        ],
    }


def attendance_by_kind(report: dict) -> dict[str, Any]:
    from chamber.activities.choices import EventKind

    labels = dict(EventKind.choices)
    kinds = [k for k, v in report["events"]["by_kind"].items() if v["count"]]
    return {
        "id": "attendance-kind",
        "title": _("Events and attendance by kind"),
        "type": "bar",
        "categories": [str(labels.get(k, k)) for k in kinds],
        "series": [
            {
                "name": pgettext("count", "events"),
                "data": [report["events"]["by_kind"][k]["count"] for k in kinds],
            },
            {
                "name": _("attendance (person-times)"),
                "data": [report["events"]["by_kind"][k]["attendance"] for k in kinds],
            },
        ],
    }


def donations_by_child(report: dict) -> dict[str, Any]:
    return {
        "id": "donations-child",
        "title": _("Donations in the year by chamber (10k CNY)"),
        "type": "bar",
        "categories": [local_name(c["org"]) for c in report["children"]],
        "series": [
            {
                "name": _("donations"),
                "data": [
                    round(float(c["charity"]["amount"]) / 10000, 1) for c in report["children"]
                ],
            }
        ],
    }


def dashboard_charts(org: Organization, year: int, report: dict) -> list[dict[str, Any]]:
    charts = [member_growth(org, year)]
    if report["children"]:
        charts.append(children_comparison(report))
    if "visits" in report:
        charts.append(visits_and_cases_by_month(org, year))
    if "cases" in report:
        charts.append(case_categories(report))
    if "events" in report:
        charts.append(attendance_by_kind(report))
    if "charity" in report and report["children"]:
        charts.append(donations_by_child(report))
    return charts
