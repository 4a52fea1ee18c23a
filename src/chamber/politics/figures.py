"""Figures of political participation for an organisation's subtree and a period.

Pure functions of the records: no user, no scope (the caller, e.g. the reports app,
decides which organisation a user may report on), no writes. Each person and each
proposal is counted once however many streets of the subtree it touches, so a district
figure is never the sum of its streets' where a member moved between them.

Who belongs to a subtree (`subtree.people_in`): people who were members there, directly,
as an enterprise's representative or through their enterprise, at some time in the
period (on the day, for figures on a day). A proposal belongs to the subtree when its
lead or a co-submitter does.

Proposal figures follow the cohort submitted in the period, as recorded now: a proposal
submitted in December and answered in March counts as replied in its year's figures.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from chamber.orgs.models import Organization

from .choices import AWAITING_REPLY, Body, Grade, Level, ProposalKind, Satisfaction, Status
from .models import PoliticalPost, Proposal, Reply
from .subtree import in_subtree


def _year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def posts_in_force(org: Organization, on: datetime.date) -> dict[str, Any]:
    """Distinct people of the subtree holding a post on `on`: in all, by body, by level,
    and by body and level (a person with a district and a municipal seat counts once
    in `people`, once in each level)."""
    rows = list(
        PoliticalPost.objects.in_force(on)
        .filter(in_subtree(org, on, on))
        .values_list("person_id", "body", "level")
    )
    people = {r[0] for r in rows}
    by_body = {b: len({p for p, body, _ in rows if body == b}) for b in Body.values}
    by_level = {lv: len({p for p, _, level in rows if level == lv}) for lv in Level.values}
    by_body_level = {
        b: {
            lv: len({p for p, body, level in rows if body == b and level == lv})
            for lv in Level.values
        }
        for b in Body.values
    }
    return {
        "people": len(people),
        "posts": len(rows),
        "by_body": by_body,
        "by_level": by_level,
        "by_body_level": by_body_level,
    }


def elected(org: Organization, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Distinct people of the subtree whose post started in [start, end] (newly elected
    or re-elected), by body, and by body and level."""
    rows = list(
        PoliticalPost.objects.filter(start__gte=start, start__lte=end)
        .filter(in_subtree(org, start, end))
        .values_list("person_id", "body", "level")
    )
    out: dict[str, Any] = {b: len({p for p, body, _ in rows if body == b}) for b in Body.values}
    out["total"] = len({r[0] for r in rows})
    out["by_level"] = {
        b: {
            lv: len({p for p, body, level in rows if body == b and level == lv})
            for lv in Level.values
        }
        for b in Body.values
    }
    return out


def proposals_of(org: Organization, start: datetime.date, end: datetime.date) -> QuerySet[Proposal]:
    """Proposals submitted in [start, end] by a lead or co-submitter of the subtree."""
    co = Proposal.co_submitters.through.objects.filter(
        in_subtree(org, start, end), proposal=OuterRef("pk")
    )
    return Proposal.objects.filter(submitted_on__gte=start, submitted_on__lte=end).filter(
        in_subtree(org, start, end, person="lead") | Exists(co)
    )


def proposal_figures(
    org: Organization,
    start: datetime.date,
    end: datetime.date,
    *,
    as_of: datetime.date | None = None,
) -> dict[str, Any]:
    """Submitted, filed, replied (reply rate over filed), grades of the latest replies,
    satisfaction with them (rate: satisfied or basically satisfied, over evaluated),
    overdue on `as_of` (default today), late first replies, proposals handled again after
    an unsatisfied evaluation, and counts by topic."""
    as_of = as_of or timezone.localdate()
    qs = proposals_of(org, start, end)
    rows = list(
        qs.values_list(
            "id",
            "kind",
            "status",
            "filed_on",
            "first_replied_on",
            "grade",
            "satisfaction",
            "reply_due",
        )
    )
    ids = [r[0] for r in rows]
    filed = sum(1 for r in rows if r[3] is not None)
    replied = sum(1 for r in rows if r[4] is not None)
    grades = Counter(r[5] for r in rows if r[5])
    evaluated = Counter(r[6] for r in rows if r[6])
    n_evaluated = sum(evaluated.values())
    content = evaluated[Satisfaction.SATISFIED] + evaluated[Satisfaction.BASIC]
    topics = Counter(
        Proposal.topics.through.objects.filter(proposal_id__in=ids).values_list(
            "topic__name", flat=True
        )
    )
    late = Reply.objects.filter(proposal_id__in=ids, round=1, late=True).count()
    # Handled again after an unsatisfied first evaluation (the latest evaluation, which
    # the satisfaction figures count, is the one after re-handling).
    rehandled = Reply.objects.filter(proposal_id__in=ids, round=2).count()
    return {
        "submitted": len(rows),
        "by_kind": {k: sum(1 for r in rows if r[1] == k) for k in ProposalKind.values},
        "filed": filed,
        "not_filed": sum(1 for r in rows if r[2] == Status.NOT_FILED),
        "merged": sum(1 for r in rows if r[2] == Status.MERGED),
        "replied": replied,
        "reply_rate": _rate(replied, filed),
        "replied_late": late,
        "rehandled": rehandled,
        "overdue": sum(1 for r in rows if r[2] in AWAITING_REPLY and r[7] and r[7] < as_of),
        "closed": sum(1 for r in rows if r[2] == Status.CLOSED),
        "grades": {g: grades[g] for g in Grade.values},
        "evaluated": n_evaluated,
        "satisfaction": {s: evaluated[s] for s in Satisfaction.values},
        "satisfaction_rate": _rate(content, n_evaluated),
        "by_topic": dict(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def annual(org: Organization, year: int) -> dict[str, Any]:
    """The `political` block of the annual report (DESIGN §4): `posts_held` (distinct
    people with a post in force on 31 December), `elected.npc|cppcc` (people whose post
    started in the year), `proposals.submitted` and the rest of the proposal figures."""
    start, end = _year(year)
    held = posts_in_force(org, end)
    return {
        "posts_held": held["people"],
        "posts_held_by_body": held["by_body"],
        "posts_held_by_level": held["by_level"],
        "elected": elected(org, start, end),
        "proposals": proposal_figures(org, start, end),
    }
