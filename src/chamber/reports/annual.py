"""The year's account (DESIGN §4): every figure for an organisation's subtree and a
period, computed from records, and the same figures for each child in force then.

Each part of the domain contributes one section through a function
`(org, period) -> dict`; this module only assembles them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from chamber.members.figures import dues_figures, dues_figures_with_children
from chamber.orgs.grouping import with_subtrees
from chamber.orgs.models import Organization
from chamber.party.figures import party_figures, party_figures_with_children
from chamber.portal.figures import portal_figures, portal_figures_with_children

from . import sections
from .members_figures import member_figures, member_figures_with_children
from .period import Period

Section = Callable[[Organization, Period], Any]

SECTIONS: list[tuple[str, Section]] = [
    ("members", member_figures),
    ("visits", sections.visits),
    ("cases", sections.cases),
    ("political", sections.political),
    ("events", sections.events),
    ("charity", sections.charity),
    ("meetings", sections.meetings),
    ("honors", sections.honors),
    ("dues", lambda org, p: dues_figures(org, p.start, p.end)),
    ("party", lambda org, p: party_figures(org, p.start, p.end)),
    ("portal", portal_figures),
]


# Sections that compute the figures of the org and of every child in grouped passes over
# the org's records: (org, children, period) -> (org's figures, {child pk: figures}).
# The others run once for the org and once per child.
Grouped = Callable[[Organization, list[Organization], Period], tuple[Any, dict[int, Any]]]
GROUPED: dict[str, Grouped] = {
    "members": member_figures_with_children,
    "visits": sections.visits_with_children,
    "cases": sections.cases_with_children,
    "events": sections.events_with_children,
    "political": sections.political_with_children,
    "charity": sections.charity_with_children,
    "meetings": sections.meetings_with_children,
    "honors": sections.honors_with_children,
    "dues": lambda org, children, p: dues_figures_with_children(org, children, p.start, p.end),
    "party": lambda org, children, p: party_figures_with_children(org, children, p.start, p.end),
    "portal": portal_figures_with_children,
}


def children_during(org: Organization, period: Period) -> list[Organization]:
    """Direct children that existed at some time in the period (a 2016 report of Bao'an
    has six street chambers, a 2017 one ten), with their subtrees read in one query."""
    children = org.children.filter(
        Q(founded__isnull=True) | Q(founded__lte=period.end),
        Q(closed__isnull=True) | Q(closed__gt=period.start),
    ).order_by("sort_order", "code")
    return with_subtrees(org, list(children))


def org_summary(org: Organization) -> dict[str, str]:
    return {"code": org.code, "name": org.name, "name_en": org.name_en, "kind": org.kind}


def annual_report(org: Organization, period: Period | int) -> dict[str, Any]:
    """The account of `org`'s subtree for a period (a year given as an int, a quarter or
    custom dates), with the same figures for each child in force during it."""
    if isinstance(period, int):
        period = Period.year(period)
    # Taken before any figure is read: the figures are at least as new as this.
    computed_at = timezone.localtime().isoformat(timespec="seconds")
    children = list(children_during(org, period))
    grouped = {key: fn(org, children, period) for key, fn in GROUPED.items()}
    report: dict[str, Any] = {
        "org": org_summary(org),
        "year": period.start.year,
        "period": period.as_json(),
        "computed_at": computed_at,
        **{
            key: grouped[key][0] if key in grouped else section(org, period)
            for key, section in SECTIONS
        },
    }
    report["children"] = [
        {
            "org": org_summary(child),
            **{
                key: grouped[key][1][child.pk] if key in grouped else section(child, period)
                for key, section in SECTIONS
            },
        }
        for child in children
    ]
    return report
