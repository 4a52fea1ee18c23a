"""The records behind each figure: for every (section, figure) a function giving the
queryset whose row count is the figure, so a figure on a page links to exactly its rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from chamber.orgs.models import Organization
from chamber.party import figures as party_figures

from . import members_figures, sections
from .period import Period


@dataclass(frozen=True)
class Drill:
    label: object  # lazy translated label
    rows: Callable[[Organization, Period], QuerySet]
    template: str  # renders one row (the record and a link to it)


def _members(fn):
    def rows(org: Organization, period: Period) -> QuerySet:
        ids = org.subtree_ids
        return fn(ids, period).select_related("organization", "enterprise", "person")

    return rows


DRILLS: dict[tuple[str, str], Drill] = {
    ("members", "total"): Drill(
        _("Members at the end of the period"),
        _members(members_figures.QUERYSETS["total"]),
        "reports/rows/membership.html",
    ),
    ("members", "joined"): Drill(
        _("Members who joined in the period"),
        _members(members_figures.joined),
        "reports/rows/membership.html",
    ),
    ("members", "left"): Drill(
        _("Members who left in the period"),
        _members(members_figures.left),
        "reports/rows/membership.html",
    ),
    ("visits", "count"): Drill(
        _("Enterprise visits in the period (家次)"),
        sections.visit_pairs,
        "reports/rows/visit_pair.html",
    ),
    ("visits", "visits"): Drill(
        _("Visits in the period (次)"), sections.visit_records, "reports/rows/visit.html"
    ),
    ("visits", "enterprises"): Drill(
        _("Enterprises visited in the period"),
        sections.visited_enterprises,
        "reports/rows/enterprise.html",
    ),
    ("cases", "raised"): Drill(
        _("Cases raised in the period"), sections.raised_cases, "reports/rows/case.html"
    ),
    ("cases", "resolved"): Drill(
        _("Cases resolved in the period"), sections.resolved_cases, "reports/rows/case.html"
    ),
    ("political", "posts_held"): Drill(
        _("Members holding a post at the end of the period"),
        sections.post_holders,
        "reports/rows/person.html",
    ),
    ("political", "elected_npc"): Drill(
        _("Members elected to a people's congress in the period"),
        sections.elected_to("npc"),
        "reports/rows/person.html",
    ),
    ("political", "elected_cppcc"): Drill(
        _("Members elected to a CPPCC in the period"),
        sections.elected_to("cppcc"),
        "reports/rows/person.html",
    ),
    ("political", "proposals_submitted"): Drill(
        _("Proposals submitted in the period"),
        sections.submitted_proposals,
        "reports/rows/proposal.html",
    ),
    ("meetings", "held"): Drill(
        _("Council meetings held in the period"),
        sections.meetings_held,
        "reports/rows/meeting.html",
    ),
    ("charity", "donations"): Drill(
        _("Donations in the period"), sections.donations_in, "reports/rows/donation.html"
    ),
    ("events", "total.count"): Drill(
        _("Events held in the period"), sections.all_events, "reports/rows/event.html"
    ),
}


def _party(name: str):
    def rows(org: Organization, period: Period) -> QuerySet:
        return party_figures.QUERYSETS[name](org, period.end)

    return rows


DRILLS.update(
    {
        ("party", "member_enterprises"): Drill(
            _("Member enterprises at the end of the period"),
            _party("member_enterprises"),
            "reports/rows/enterprise.html",
        ),
        ("party", "with_organization"): Drill(
            _("Member enterprises covered by a party organisation"),
            _party("with_organization"),
            "reports/rows/enterprise.html",
        ),
        ("party", "with_work"): Drill(
            _("Member enterprises with a party organisation or instructor"),
            _party("with_work"),
            "reports/rows/enterprise.html",
        ),
    }
)
for _kind, _label in sections.VISIT_KINDS.choices:
    for _figure, _what, _template in (
        ("count", _("enterprise visits (家次)"), "reports/rows/visit_pair.html"),
        ("visits", _("visits (次)"), "reports/rows/visit.html"),
        ("enterprises", _("enterprises (家)"), "reports/rows/enterprise.html"),
    ):
        DRILLS[("visits", f"by_kind.{_kind}.{_figure}")] = Drill(
            format_lazy("{} · {}", _label, _what),
            sections.visits_of_kind(_kind, _figure),
            _template,
        )
for _kind, _label in sections.EventKind.choices:
    DRILLS[("events", f"by_kind.{_kind}.count")] = Drill(
        _label, sections.events_of_kind(_kind), "reports/rows/event.html"
    )


def get(section: str, figure: str) -> Drill | None:
    return DRILLS.get((section, figure))
