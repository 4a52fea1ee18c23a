"""Data for the dashboard's charts, as plain series the page hands to ECharts.

Every series is one of the report's figures spread over chambers, kinds or months, and
counts the same records by the same definition (the owning app's queryset or the
report's own numbers), so a chart's totals are the figures on the cards (tested).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chamber.casework import figures as casework
from chamber.core.rates import percent_number
from chamber.core.text import local_name
from chamber.members.models import Membership, active_condition
from chamber.orgs.grouping import child_of
from chamber.orgs.models import Organization

from .annual import children_during
from .members_figures import MEMBER_KEY
from .period import Period

FIRST_YEAR = 2013


def _days(period: Period) -> list[tuple[str, datetime.date]]:
    """Each year-end from FIRST_YEAR up to the period's, the last being the period's
    end (a quarter's chart ends on the quarter's last day, as its figure)."""
    days = [(str(y), datetime.date(y, 12, 31)) for y in range(FIRST_YEAR, period.end.year)]
    label = (
        str(period.end.year)
        if period.end.month == 12 and period.end.day == 31
        else (period.end.isoformat())
    )
    return [*days, (label, period.end)]


def member_growth(org: Organization, period: Period) -> dict[str, Any]:
    """Members (each member once, however many memberships) at each year-end, per child
    in force during the period (or of `org` itself when it has none), from one grouped
    query: the last point of each series is that chamber's `members.total`."""
    children = list(children_during(org, period))
    days = _days(period)
    counts = {
        f"d{i}": Count(MEMBER_KEY, distinct=True, filter=active_condition(day))
        for i, (_label, day) in enumerate(days)
    }
    memberships = Membership.objects.filter(organization_id__in=org.subtree_ids).order_by()
    if children:
        rows = {
            row["child"]: row
            for row in memberships.annotate(child=child_of(children))
            .filter(child__isnull=False)
            .values("child")
            .annotate(**counts)
        }
        series = [
            {"name": c.display_name, "data": [rows.get(c.pk, {}).get(k, 0) for k in counts]}
            for c in children
        ]
    else:
        row = memberships.aggregate(**counts)
        series = [{"name": org.display_name, "data": [row[k] for k in counts]}]
    return {
        "id": "member-growth",
        "title": _("Members at year end, by chamber"),
        "type": "bar",
        "stack": True,
        "categories": [label for label, _day in days],
        "series": [s for s in series if any(s["data"])],
    }


def children_comparison(report: dict) -> dict[str, Any]:
    return {
        "id": "children-growth",
        "title": _("Member growth rate in the period, by chamber (%)"),
        "type": "bar",
        "categories": [local_name(c["org"]) for c in report["children"]],
        "series": [
            {
                "name": _("growth rate"),
                "data": [percent_number(c["members"]["growth_rate"]) for c in report["children"]],
            }
        ],
    }


def _months(period: Period) -> list[tuple[int, int]]:
    months, (y, m) = [], (period.start.year, period.start.month)
    while (y, m) <= (period.end.year, period.end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def visits_and_cases_by_month(org: Organization, period: Period) -> dict[str, Any]:
    """Enterprise visits (家次), cases raised and cases resolved in each month of the
    period, counted from the same querysets as `visits.count`, `cases.raised` and
    `cases.resolved`."""
    months = _months(period)
    index = {ym: i for i, ym in enumerate(months)}

    def per_month(qs, field: str) -> list[int]:
        counts = [0] * len(months)
        rows = (
            qs.annotate(y=ExtractYear(field), m=ExtractMonth(field))
            .values_list("y", "m")
            .annotate(n=Count("pk"))
        )
        for y, m, n in rows:
            counts[index[(y, m)]] += n
        return counts

    start, end = period.start, period.end
    one_year = len({y for y, _m in months}) == 1
    return {
        "id": "visits-cases-month",
        "title": _("Enterprise visits and cases by month"),
        "type": "line",
        "categories": [str(m) if one_year else f"{y}-{m:02d}" for y, m in months],
        "series": [
            {
                "name": _("enterprise visits (家次)"),
                "data": per_month(casework.visit_pairs(org, start, end), "visit__date"),
            },
            {
                "name": _("cases raised"),
                "data": per_month(casework.raised_cases(org, start, end), "received_on"),
            },
            {
                "name": _("cases resolved"),
                "data": per_month(casework.resolved_cases(org, start, end), "resolved_on"),
            },
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
    """Events (场) and attendance (人次) by kind, each on its own axis: person-times run
    to thousands and would flatten the counts on a shared one."""
    from chamber.activities.choices import EventKind

    labels = dict(EventKind.choices)
    by_kind = report["events"]["by_kind"]
    kinds = [k for k, v in by_kind.items() if v["count"]]
    return {
        "id": "attendance-kind",
        "title": _("Events and attendance by kind"),
        "type": "bar",
        "categories": [str(labels.get(k, k)) for k in kinds],
        "axes": [pgettext("count", "events"), _("person-times")],
        "series": [
            {
                "name": pgettext("count", "events"),
                "data": [by_kind[k]["count"] for k in kinds],
                "axis": 0,
            },
            {
                "name": _("attendance (person-times)"),
                "data": [by_kind[k]["attendance"] for k in kinds],
                "axis": 1,
                "type": "line",
            },
        ],
    }


def donations_by_child(report: dict) -> dict[str, Any]:
    """Each chamber's `charity.amount` in yuan (the chart's axis shows 万)."""
    return {
        "id": "donations-child",
        "title": _("Donations in the period by chamber (CNY)"),
        "type": "bar",
        "categories": [local_name(c["org"]) for c in report["children"]],
        "series": [
            {
                "name": _("donations"),
                "data": [float(c["charity"]["amount"]) for c in report["children"]],
            }
        ],
    }


def dashboard_charts(org: Organization, period: Period, report: dict) -> list[dict[str, Any]]:
    charts = [member_growth(org, period)]
    if report["children"]:
        charts.append(children_comparison(report))
    if "visits" in report:
        charts.append(visits_and_cases_by_month(org, period))
    if "cases" in report:
        charts.append(case_categories(report))
    if "events" in report:
        charts.append(attendance_by_kind(report))
    if "charity" in report and report["children"]:
        charts.append(donations_by_child(report))
    return charts
