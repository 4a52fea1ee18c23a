"""Each part of the domain's figures for the annual report, as `(org, period) -> dict`,
and the querysets behind each figure for the drill-down lists.

The figures themselves live in each app's `figures` module; this module adapts them
to a Period and, for drill-downs, states the records each figure counts. A test
checks that every drill-down's row count equals its figure.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from chamber.activities import figures as activities
from chamber.activities.choices import EventKind
from chamber.casework import figures as casework
from chamber.casework.choices import VisitKind
from chamber.members.models import Enterprise, Person
from chamber.orgs.models import Organization
from chamber.politics import figures as politics
from chamber.politics.models import PoliticalPost
from chamber.politics.subtree import in_subtree

from .period import Period

# --- figures ------------------------------------------------------------------------------


def visits(org: Organization, p: Period) -> dict[str, Any]:
    return casework.visit_figures(org, p.start, p.end)


def cases(org: Organization, p: Period) -> dict[str, Any]:
    return casework.case_figures(org, p.start, p.end)


def visits_with_children(
    org: Organization, children: list[Organization], p: Period
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    return casework.visit_figures_with_children(org, children, p.start, p.end)


def cases_with_children(
    org: Organization, children: list[Organization], p: Period
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    return casework.case_figures_with_children(org, children, p.start, p.end)


def political(org: Organization, p: Period) -> dict[str, Any]:
    held = politics.posts_in_force(org, p.end)
    return {
        "posts_held": held["people"],
        "posts_held_by_body": held["by_body"],
        "posts_held_by_level": held["by_level"],
        "elected": politics.elected(org, p.start, p.end),
        "proposals": politics.proposal_figures(org, p.start, p.end),
    }


def political_with_children(
    org: Organization, children: list[Organization], p: Period
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    return politics.political_with_children(org, children, p.start, p.end)


def events(org: Organization, p: Period) -> dict[str, Any]:
    by_kind = activities.event_figures(org, p.start, p.end)
    total = by_kind.pop("total")
    return {"by_kind": by_kind, "total": total}


def events_with_children(
    org: Organization, children: list[Organization], p: Period
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    def shape(by_kind: dict[str, Any]) -> dict[str, Any]:
        total = by_kind.pop("total")
        return {"by_kind": by_kind, "total": total}

    mine, theirs = activities.event_figures_with_children(org, children, p.start, p.end)
    return shape(mine), {pk: shape(figures) for pk, figures in theirs.items()}


def money(value) -> str:
    """Decimal money as the report's string ("1234.50"): JSON has no exact decimals."""
    return f"{value:.2f}"


def charity(org: Organization, p: Period) -> dict[str, Any]:
    return _charity(activities.donation_figures(org, p.start, p.end))


def _charity(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "amount": money(d["total"]),
        "amount_cumulative": money(d["cumulative"]),
        "money": money(d["money"]),
        "goods": money(d["goods"]),
        "donations": d["count"],
        "donors": d["donors"],
    }


def _with_children(fn, shape=lambda x: x):
    def grouped(org: Organization, children: list[Organization], p: Period):
        mine, theirs = fn(org, children, p.start, p.end)
        return shape(mine), {pk: shape(v) for pk, v in theirs.items()}

    return grouped


def meetings(org: Organization, p: Period) -> dict[str, int]:
    return activities.meeting_figures(org, p.start, p.end)


def meetings_held(org: Organization, p: Period) -> QuerySet:
    return activities.meetings_in(org, p.start, p.end).select_related("term__council__organization")


def honors(org: Organization, p: Period) -> list[dict[str, Any]]:
    return activities.honor_figures(org, p.start, p.end)


# --- the records behind figures -------------------------------------------------------------


def visit_records(org: Organization, p: Period) -> QuerySet:
    return casework.visit_records(org, p.start, p.end).select_related("organization")


def visit_pairs(org: Organization, p: Period) -> QuerySet:
    return casework.visit_pairs(org, p.start, p.end).select_related(
        "visit__organization", "enterprise"
    )


def visited_enterprises(org: Organization, p: Period) -> QuerySet:
    return casework.visited_enterprises(org, p.start, p.end)


def visits_of_kind(kind: str, figure: str):
    def rows(org: Organization, p: Period) -> QuerySet:
        qs = {"count": visit_pairs, "visits": visit_records, "enterprises": None}[figure]
        if qs is None:
            return Enterprise.objects.filter(
                id__in=casework.visit_pairs(org, p.start, p.end)
                .filter(visit__kind=kind)
                .values("enterprise_id")
            )
        field = "visit__kind" if figure == "count" else "kind"
        return qs(org, p).filter(**{field: kind})

    return rows


def raised_cases(org: Organization, p: Period) -> QuerySet:
    return casework.raised_cases(org, p.start, p.end).select_related("organization", "enterprise")


def resolved_cases(org: Organization, p: Period) -> QuerySet:
    return casework.resolved_cases(org, p.start, p.end).select_related("organization", "enterprise")


def post_holders(org: Organization, p: Period) -> QuerySet:
    return Person.objects.filter(
        id__in=PoliticalPost.objects.in_force(p.end)
        .filter(in_subtree(org, p.end, p.end))
        .values("person_id")
    ).select_related("enterprise")


def elected_to(body: str):
    def rows(org: Organization, p: Period) -> QuerySet:
        return Person.objects.filter(
            id__in=PoliticalPost.objects.filter(
                in_subtree(org, p.start, p.end), start__gte=p.start, start__lte=p.end, body=body
            ).values("person_id")
        ).select_related("enterprise")

    return rows


def submitted_proposals(org: Organization, p: Period) -> QuerySet:
    return politics.proposals_of(org, p.start, p.end).select_related("lead")


def all_events(org: Organization, p: Period) -> QuerySet:
    return activities.events_in(org, p.start, p.end).select_related("organization")


def events_of_kind(kind: str):
    def rows(org: Organization, p: Period) -> QuerySet:
        return (
            activities.events_in(org, p.start, p.end)
            .filter(kind=kind)
            .select_related("organization")
        )

    return rows


def donations_in(org: Organization, p: Period) -> QuerySet:
    return (
        activities.donations_of(org)
        .filter(date__range=(p.start, p.end))
        .select_related("organization", "enterprise", "person")
    )


EVENT_KINDS = EventKind.values
VISIT_KINDS = VisitKind


charity_with_children = _with_children(activities.donation_figures_with_children, _charity)
meetings_with_children = _with_children(activities.meeting_figures_with_children)
honors_with_children = _with_children(activities.honor_figures_with_children)
