"""The figures an indicator may be computed from: named paths into the annual report
JSON (reports.annual), each with its label and, where one exists, the drill-down list
of the records behind it. A scheme's indicator names a path; anything else is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Figure:
    label: Any
    drill: tuple[str, str] | None = None  # (section, figure) of reports.drilldown
    rate: bool = False  # a fraction shown as a percentage


FIGURES: dict[str, Figure] = {
    "members.total": Figure(_("Members at the end of the period"), ("members", "total")),
    "members.joined": Figure(_("Joined in the period"), ("members", "joined")),
    "members.growth_rate": Figure(_("Member growth rate"), ("members", "joined"), rate=True),
    "visits.enterprises": Figure(_("Enterprises visited (家)"), ("visits", "enterprises")),
    "cases.resolved": Figure(_("Problems resolved"), ("cases", "resolved")),
    "cases.resolution_rate": Figure(_("Resolution rate"), ("cases", "resolved"), rate=True),
    "events.total.count": Figure(_("Events held"), ("events", "total.count")),
    "events.by_kind.training.count": Figure(_("Trainings"), ("events", "by_kind.training.count")),
    "events.by_kind.meeting.count": Figure(_("Meetings held"), ("events", "by_kind.meeting.count")),
    "meetings.held": Figure(_("Council meetings held in the period"), ("meetings", "held")),
    "political.proposals.submitted": Figure(
        _("Proposals and motions submitted"), ("political", "proposals_submitted")
    ),
    "dues.collection_rate": Figure(_("Dues collection rate"), rate=True),
    "party.organization_coverage": Figure(
        _("Party organisation coverage"), ("party", "with_organization"), rate=True
    ),
    "party.work_coverage": Figure(_("Party work coverage"), ("party", "with_work"), rate=True),
}


def resolve(report: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of the report, None where a part is missing."""
    value: Any = report
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value
