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
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from chamber.core.rates import rate
from chamber.orgs.models import Organization

from .choices import AWAITING_REPLY, Body, Grade, Level, ProposalKind, Satisfaction, Status
from .models import PoliticalPost, Proposal, Reply
from .subtree import in_subtree, memberships_during


def _year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


_rate = rate  # one rounding for every rate (chamber.core.rates)


def posts_in_force(org: Organization, on: datetime.date) -> dict[str, Any]:
    """Distinct people of the subtree holding a post on `on`: in all, by body, by level,
    and by body and level (a person with a district and a municipal seat counts once
    in `people`, once in each level)."""
    rows = list(
        PoliticalPost.objects.in_force(on)
        .filter(in_subtree(org, on, on))
        .values_list("person_id", "body", "level")
    )
    return _posts_shape(rows)


def _posts_shape(rows: list[tuple[int, str, str]]) -> dict[str, Any]:
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
    return _elected_shape(rows)


def _elected_shape(rows: list[tuple[int, str, str]]) -> dict[str, Any]:
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
    rows = list(proposals_of(org, start, end).values_list(*PROPOSAL_FIELDS))
    return _proposal_shape(rows, _proposal_details([r[0] for r in rows]), as_of)


PROPOSAL_FIELDS = (
    "id",
    "kind",
    "status",
    "filed_on",
    "first_replied_on",
    "grade",
    "satisfaction",
    "reply_due",
)


def _proposal_details(ids: list[int]) -> dict[str, Any]:
    """Per proposal: its topics, whether its first reply was late, whether it was
    handled again after an unsatisfied first evaluation (a second round of replies)."""
    topics: dict[int, list[str]] = defaultdict(list)
    for pid, name in Proposal.topics.through.objects.filter(proposal_id__in=ids).values_list(
        "proposal_id", "topic__name"
    ):
        topics[pid].append(name)
    replies = Reply.objects.filter(proposal_id__in=ids).values_list("proposal_id", "round", "late")
    late: Counter[int] = Counter()
    rehandled: Counter[int] = Counter()
    for pid, round_, is_late in replies:
        if round_ == 1 and is_late:
            late[pid] += 1
        if round_ == 2:
            rehandled[pid] += 1
    return {"topics": topics, "late": late, "rehandled": rehandled}


def _proposal_shape(
    rows: list[tuple], details: dict[str, Any], as_of: datetime.date
) -> dict[str, Any]:
    ids = [r[0] for r in rows]
    filed = sum(1 for r in rows if r[3] is not None)
    replied = sum(1 for r in rows if r[4] is not None)
    grades = Counter(r[5] for r in rows if r[5])
    evaluated = Counter(r[6] for r in rows if r[6])
    n_evaluated = sum(evaluated.values())
    content = evaluated[Satisfaction.SATISFIED] + evaluated[Satisfaction.BASIC]
    topics = Counter(name for pid in ids for name in details["topics"].get(pid, ()))
    late = sum(details["late"][pid] for pid in ids)
    # Handled again after an unsatisfied first evaluation (the latest evaluation, which
    # the satisfaction figures count, is the one after re-handling).
    rehandled = sum(details["rehandled"][pid] for pid in ids)
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


# --- the children of an organisation, grouped ----------------------------------------------


def _children_of_people(
    org: Organization,
    children: list[Organization],
    people: dict[int, int | None],
    start: datetime.date,
    end: datetime.date,
) -> dict[int, set[int]]:
    """For each person (id → enterprise id), the children of `org` they belong to during
    [start, end], by the rule of `subtree.in_subtree`, from one query over the
    memberships of those people and enterprises (instead of one EXISTS per child)."""
    if not people or not children:
        return {}
    owner = {org_id: child.pk for child in children for org_id in child.subtree_ids}
    ids, ents = set(people), {e for e in people.values() if e is not None}
    rows = (
        memberships_during(org, start, end)
        .filter(Q(person_id__in=ids) | Q(representative_id__in=ids) | Q(enterprise_id__in=ents))
        .values_list("organization_id", "person_id", "representative_id", "enterprise_id")
    )
    by_person: dict[int, set[int]] = defaultdict(set)
    by_enterprise: dict[int, set[int]] = defaultdict(set)
    for org_id, person_id, rep_id, ent_id in rows:
        child = owner.get(org_id)
        if child is None:
            continue
        for p in (person_id, rep_id):
            if p is not None:
                by_person[p].add(child)
        if ent_id is not None:
            by_enterprise[ent_id].add(child)
    return {
        p: by_person.get(p, set()) | (by_enterprise.get(e, set()) if e is not None else set())
        for p, e in people.items()
    }


def political_with_children(
    org: Organization,
    children: list[Organization],
    start: datetime.date,
    end: datetime.date,
    *,
    as_of: datetime.date | None = None,
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """`posts_in_force` on `end`, `elected` and `proposal_figures` in [start, end] for
    `org` and for each child, from the org's rows: each child's are the rows whose
    people belong to it (the same rule, worked out once for all children)."""
    as_of = as_of or timezone.localdate()
    held = list(
        PoliticalPost.objects.in_force(end)
        .filter(in_subtree(org, end, end))
        .values_list("person_id", "body", "level", "person__enterprise_id")
    )
    new = list(
        PoliticalPost.objects.filter(start__gte=start, start__lte=end)
        .filter(in_subtree(org, start, end))
        .values_list("person_id", "body", "level", "person__enterprise_id")
    )
    proposals = list(proposals_of(org, start, end).values_list(*PROPOSAL_FIELDS))
    ids = [r[0] for r in proposals]
    details = _proposal_details(ids)
    authors: dict[int, set[tuple[int, int | None]]] = defaultdict(set)
    for pid, person, ent in Proposal.objects.filter(id__in=ids).values_list(
        "id", "lead_id", "lead__enterprise_id"
    ):
        authors[pid].add((person, ent))
    for pid, person, ent in Proposal.co_submitters.through.objects.filter(
        proposal_id__in=ids
    ).values_list("proposal_id", "person_id", "person__enterprise_id"):
        authors[pid].add((person, ent))
    at_end = _children_of_people(org, children, {r[0]: r[3] for r in held}, end, end)
    during = _children_of_people(
        org,
        children,
        {r[0]: r[3] for r in new} | {p: e for a in authors.values() for p, e in a},
        start,
        end,
    )

    def shape(held_rows: list, new_rows: list, proposal_rows: list) -> dict[str, Any]:
        posts = _posts_shape([r[:3] for r in held_rows])
        return {
            "posts_held": posts["people"],
            "posts_held_by_body": posts["by_body"],
            "posts_held_by_level": posts["by_level"],
            "elected": _elected_shape([r[:3] for r in new_rows]),
            "proposals": _proposal_shape(proposal_rows, details, as_of),
        }

    theirs = {}
    for child in children:
        c = child.pk
        theirs[c] = shape(
            [r for r in held if c in at_end.get(r[0], ())],
            [r for r in new if c in during.get(r[0], ())],
            [r for r in proposals if any(c in during.get(p, ()) for p, _e in authors[r[0]])],
        )
    return shape(held, new, proposals), theirs
