"""Casework figures for an organisation's subtree and a period: what the annual work
report says about visits and cases. Pure functions: they take an organisation and a
date range (inclusive) and return plain dicts; the caller checks the user's scope.

Each record is counted once: a visit belongs to the chamber that made it and a case
to the organisation that received it, so a district figure is its subtree's records,
and distinct enterprises are counted as a set, never summed across chambers.

Definitions (all rates are floats 0..1 rounded once to 0.1 % by core.rates, None when
nothing to divide by):
- visits.count: (visit, enterprise) pairs in the period (家次: an enterprise counts
  once per visit to it); visits.visits: visit records (次); visits.enterprises:
  distinct enterprises visited (家). Always count ≥ enterprises and count ≥ visits.
- cases.raised: cases received in the period, less those merged into another (the
  same problem, counted there).
- cases.resolved: cases whose (latest) resolution date is in the period.
- resolution_rate = accepted_resolved / accepted: of the cases raised in the period and
  not rejected (accepted, 受理), the share resolved by the period's end. Its cohort is
  the period's intake, so it is not resolved / raised (cases resolved in the period
  include earlier years' intake).
- on_time_rate = resolved_on_time / resolved_with_deadline: of the cases resolved in
  the period that had a due date, the share resolved on or before it (按期办结率).
- reopened_rate: of the cases raised in the period that were ever resolved, the share
  reopened after an unsatisfied follow-up.
- satisfaction_rate = satisfied / followed_up: of the follow-ups in the period, the share
  satisfied or basically satisfied; satisfaction: their mean score (1–5).
- median_days_to_resolve: calendar days from receipt to resolution, median over the
  cases resolved in the period.
- overdue_now: open cases past their due date on `today` (not limited to the period).
- late_entry (补录率, `late_entry_figures`): of the case steps that happened in the
  period, the share entered more than CHAMBER_LATE_ENTRY_AFTER after they happened.

Every date is when a thing happened (a step's `at`, a case's received/resolved day),
never when it was typed in: a year entered after the fact counts in that year.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    DurationField,
    Expression,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.utils import timezone

from chamber.core.dates import day_span
from chamber.core.rates import rate
from chamber.members.models import Membership
from chamber.orgs.grouping import child_of
from chamber.orgs.models import Organization

from .choices import OPEN_STATUSES, SATISFIED_LEVELS, Status, Step, VisitKind
from .models import Case, CaseEvent, Category, ContactQuota, Department, Visit


def year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


_rate = rate  # one rounding for every rate (chamber.core.rates)


def _children(org: Organization, start: datetime.date, end: datetime.date) -> list[Organization]:
    """Direct children that existed at some time in the period."""
    return list(
        org.children.filter(
            Q(founded__isnull=True) | Q(founded__lte=end),
            Q(closed__isnull=True) | Q(closed__gt=start),
        ).order_by("sort_order", "code")
    )


# --- The records behind each figure --------------------------------------------------------
#
# Each figure is defined once, here: as the queryset of the records it counts. The
# aggregates below count the same conditions, the report's drill-down lists and the
# dashboard's charts read these querysets, and tests check that the counts agree.


def visit_records(org: Organization, start: datetime.date, end: datetime.date) -> QuerySet[Visit]:
    """visits.visits (次): the visit records of the subtree in the period."""
    return Visit.objects.filter(_subtree(org), date__range=(start, end)).order_by()


def visit_pairs(org: Organization, start: datetime.date, end: datetime.date) -> QuerySet:
    """visits.count (家次): the (visit, enterprise) links of the period's visits."""
    return Visit.enterprises.through.objects.filter(
        visit__organization_id__in=org.subtree_ids, visit__date__range=(start, end)
    ).order_by()


def visited_enterprises(org: Organization, start: datetime.date, end: datetime.date) -> QuerySet:
    """visits.enterprises (家): the distinct enterprises of the period's visits."""
    from chamber.members.models import Enterprise

    return Enterprise.objects.filter(
        id__in=visit_pairs(org, start, end).values("enterprise_id")
    ).order_by()


def raised_condition(start: datetime.date, end: datetime.date) -> Q:
    """cases.raised: received in the period, less those merged into another case (the
    same problem, counted there)."""
    return Q(received_on__range=(start, end)) & ~Q(status=Status.MERGED)


def resolved_condition(start: datetime.date, end: datetime.date) -> Q:
    """cases.resolved: the (latest) resolution in the period, whenever received."""
    return Q(resolved_on__range=(start, end))


def raised_cases(org: Organization, start: datetime.date, end: datetime.date) -> QuerySet[Case]:
    return Case.objects.filter(_subtree(org)).filter(raised_condition(start, end)).order_by()


def resolved_cases(org: Organization, start: datetime.date, end: datetime.date) -> QuerySet[Case]:
    return Case.objects.filter(_subtree(org)).filter(resolved_condition(start, end)).order_by()


# --- Visits ------------------------------------------------------------------------------
#
# Every figure is an aggregate in the database (COUNT, COUNT DISTINCT, conditional
# counts): at district scale a year holds hundreds of thousands of visits and cases, and
# the rows never travel to Python.


def _subtree(org: Organization) -> Q:
    return Q(organization_id__in=org.subtree_ids)


def _visit_figures(
    org: Organization, children: list[Organization], start: datetime.date, end: datetime.date
) -> dict[Any, dict[str, Any]]:
    """Visit figures of `org`'s subtree (key TOTAL), of each child (its pk) and, with
    children, of the records no child holds (key None), from two queries.

    Visit records (次) are counted by the database per organisation and kind (additive);
    the (visit, enterprise) pairs (家次) and the distinct enterprises (家) of each group
    and kind come from one list of the distinct (organisation, kind, enterprise) triples
    of the period with the number of their pairs, worked into sums and sets here: one
    pass over the links instead of a COUNT(DISTINCT) per group and kind."""
    owner = {org_id: child.pk for child in children for org_id in child.subtree_ids}
    counts = (
        visit_records(org, start, end)
        .values_list("organization_id", "kind")
        .annotate(n=Count("id"))
    )
    triples = (
        visit_pairs(org, start, end)
        .values_list("visit__organization_id", "visit__kind", "enterprise_id")
        .annotate(n=Count("id"))
    )
    keys: list[Any] = [TOTAL] + ([None] + [c.pk for c in children] if children else [])
    records = {key: defaultdict(int) for key in keys}
    pairs = {key: defaultdict(int) for key in keys}
    ents: dict[Any, dict[str | None, set[int]]] = {key: defaultdict(set) for key in keys}
    for org_id, kind, count in counts:
        for key in (TOTAL, owner.get(org_id)) if children else (TOTAL,):
            records[key][kind] += count
    for org_id, kind, ent_id, count in triples:
        for key in (TOTAL, owner.get(org_id)) if children else (TOTAL,):
            pairs[key][kind] += count
            ents[key][kind].add(ent_id)
            ents[key][None].add(ent_id)
    return {
        key: {
            "count": sum(pairs[key].values()),
            "visits": sum(records[key].values()),
            "enterprises": len(ents[key][None]),
            "by_kind": {
                kind: {
                    "count": pairs[key][kind],
                    "visits": records[key][kind],
                    "enterprises": len(ents[key][kind]),
                }
                for kind in VisitKind.values
            },
        }
        for key in keys
    }


def visit_figures(org: Organization, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Visits in `org`'s subtree from `start` to `end`: count (家次), visits (次),
    distinct enterprises (家), and the same by kind."""
    return _visit_figures(org, [], start, end)[TOTAL]


def visit_figures_with_children(
    org: Organization, children: list[Organization], start: datetime.date, end: datetime.date
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """`visit_figures` of `org` and of every child, from the same two queries."""
    found = _visit_figures(org, children, start, end)
    return found[TOTAL], {c.pk: found[c.pk] for c in children}


# --- Cases -------------------------------------------------------------------------------


def _case_aggregates(start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    """The counts behind every case figure, as conditional aggregates."""
    raised = raised_condition(start, end)
    decidable = raised & ~Q(status=Status.REJECTED)
    resolved = resolved_condition(start, end)
    timed = resolved & Q(due_on__isnull=False)
    resolved_by_end = Q(resolved_on__isnull=False, resolved_on__lte=end)
    ever_resolved = decidable & (resolved_by_end | Q(reopen_count__gt=0))
    followed = Q(followed_up_on__range=(start, end)) & ~Q(satisfaction="")
    scored = followed & Q(satisfaction_score__isnull=False)
    return {
        "raised": Count("id", filter=raised),
        "decidable": Count("id", filter=decidable),
        "resolved": Count("id", filter=resolved),
        "rejected": Count("id", filter=raised & Q(status=Status.REJECTED)),
        "decided": Count("id", filter=decidable & resolved_by_end),
        "timed": Count("id", filter=timed),
        "on_time": Count("id", filter=timed & Q(resolved_on__lte=F("due_on"))),
        "ever_resolved": Count("id", filter=ever_resolved),
        "reopened": Count("id", filter=ever_resolved & Q(reopen_count__gt=0)),
        "followed_up": Count("id", filter=followed),
        "satisfied": Count("id", filter=followed & Q(satisfaction__in=SATISFIED_LEVELS)),
        "scores": Count("id", filter=scored),
        "score_sum": Sum("satisfaction_score", filter=scored),
        "overdue_now": Count("id", filter=_overdue(today)),
    }


COUNTS = (
    "raised",
    "decidable",
    "resolved",
    "rejected",
    "decided",
    "timed",
    "on_time",
    "ever_resolved",
    "reopened",
    "followed_up",
    "satisfied",
    "scores",
    "score_sum",
    "overdue_now",
)


def _overdue(today: datetime.date) -> Q:
    return Q(status__in=OPEN_STATUSES, due_on__isnull=False, due_on__lt=today)


def _relevant(start: datetime.date, end: datetime.date, today: datetime.date) -> Q:
    """Cases that any figure for the period looks at."""
    return (
        Q(received_on__range=(start, end))
        | Q(resolved_on__range=(start, end))
        | Q(followed_up_on__range=(start, end))
        | _overdue(today)
    )


def _shape(a: dict[str, Any]) -> dict[str, Any]:
    return {
        "raised": a["raised"],
        "resolved": a["resolved"],
        "rejected": a["rejected"],
        # Each rate with its numerator and denominator, so a sentence can name its cohort.
        "accepted": a["decidable"],
        "accepted_resolved": a["decided"],
        "resolution_rate": _rate(a["decided"], a["decidable"]),
        "resolved_with_deadline": a["timed"],
        "resolved_on_time": a["on_time"],
        "on_time_rate": _rate(a["on_time"], a["timed"]),
        "reopened_rate": _rate(a["reopened"], a["ever_resolved"]),
        "followed_up": a["followed_up"],
        "satisfied": a["satisfied"],
        "satisfaction_rate": _rate(a["satisfied"], a["followed_up"]),
        "satisfaction": round(a["score_sum"] / a["scores"], 2) if a["scores"] else None,
    }


def _grouped(qs: QuerySet, group: Expression | None, *fields: str) -> QuerySet:
    """`qs` with the grouping key `g` (None when not grouped) ahead of `fields`."""
    if group is None:
        return qs.annotate(g=Value(None, output_field=BigIntegerField())).values("g", *fields)
    return qs.annotate(g=group).values("g", *fields)


def _median(histogram: list[tuple[int, int]]) -> float | int | None:
    """The median of values given as (value, how many) pairs, as statistics.median."""
    histogram = sorted(histogram)
    total = sum(n for _d, n in histogram)
    if not total:
        return None
    wanted = sorted({(total - 1) // 2, total // 2})  # the middle one or two, 0-based
    values, seen = [], 0
    for d, n in histogram:
        while wanted and wanted[0] < seen + n:
            values.append(d)
            wanted.pop(0)
        seen += n
    return statistics.median(values)


TOTAL = "total"  # the key of the whole subtree among the children's pks


def _add(into: dict[str, int], row: dict[str, Any]) -> None:
    for key in COUNTS:
        into[key] = into.get(key, 0) + (row[key] or 0)


def _case_figures(
    where: Q,
    children: list[Organization],
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
) -> dict[Any, dict[str, Any]]:
    """The case figures of the cases matching `where` under the key TOTAL and, given
    children, per child (its pk) and for the rows no child holds (key None): five
    grouped queries whatever the number of children.

    Every case figure is made of counts (a median of a histogram of counts), so the
    figures of the whole are the sums of the parts: the rows are grouped by the child
    holding them (None for the parent's own), and the total adds all the groups up."""
    group = child_of(children) if children else None
    keys: list[Any] = [TOTAL] + ([None] + [c.pk for c in children] if children else [])
    cases = Case.objects.filter(where).order_by()
    relevant = cases.filter(_relevant(start, end, today))
    aggregates = _case_aggregates(start, end, today)

    def into(row: dict[str, Any]) -> list[Any]:
        return [TOTAL, row["g"]] if children else [TOTAL]

    raw: dict[Any, dict[str, int]] = defaultdict(dict)
    for row in _grouped(relevant, group).annotate(**aggregates):
        for key in into(row):
            _add(raw[key], row)
    # Median days from receipt to resolution, from a histogram the database counts (a few
    # hundred distinct values, however many cases).
    days = ExpressionWrapper(F("resolved_on") - F("received_on"), output_field=DurationField())
    histograms: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    resolved = cases.filter(resolved_on__range=(start, end)).annotate(d=days)
    for row in _grouped(resolved, group, "d").annotate(n=Count("id")):
        for key in into(row):
            histograms[key].append((row["d"].days, row["n"]))
    raw_cat: dict[Any, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in _grouped(relevant, group, "category").annotate(**aggregates):
        for key in into(row):
            _add(raw_cat[key][row["category"]], row)
    # By department: cases resolved in the period while with it, and hand-overs and
    # returns in the period, from the timeline.
    raw_dept: dict[Any, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    with_dept = relevant.filter(department__isnull=False)
    for row in _grouped(with_dept, group, "department").annotate(**aggregates):
        for key in into(row):
            _add(raw_dept[key][row["department"]], row)
    since, until = day_span(start, end)
    steps = CaseEvent.objects.filter(
        case__in=cases.values("id"),
        step__in=[Step.HAND_OVER, Step.RETURN],
        at__gte=since,
        at__lt=until,
    ).order_by()
    step_group = child_of(children, "case__organization_id") if children else None
    moves: dict[Any, dict[str, dict[int, int]]] = defaultdict(
        lambda: {"handed": defaultdict(int), "returned": defaultdict(int)}
    )
    for row in _grouped(steps, step_group, "step", "data"):
        dept = (row["data"] or {}).get("department_id")
        if dept is not None:
            for key in into(row):
                moves[key]["handed" if row["step"] == Step.HAND_OVER else "returned"][dept] += 1
    dept_ids = {d for per in raw_dept.values() for d in per}
    dept_ids |= {d for m in moves.values() for kind in m.values() for d in kind}
    names = {d.pk: str(d) for d in Department.objects.filter(pk__in=dept_ids)}  # language
    categories = list(Category.objects.order_by("sort_order", "code"))
    keep = ("raised", "resolved", "resolution_rate", "on_time_rate", "overdue_now")
    out = {}
    for key in keys:
        figures = _figures_of(raw[key])
        figures["median_days_to_resolve"] = _median(histograms[key])
        figures["by_category"] = [
            {
                "code": cat.code,
                "name": cat.display_name,
                **{k: v for k, v in _figures_of(raw_cat[key][cat.pk]).items() if k in keep},
            }
            for cat in categories
            if cat.active or cat.pk in raw_cat[key]
        ]
        handed, returned = moves[key]["handed"], moves[key]["returned"]
        ids = set(handed) | set(returned) | set(raw_dept[key])
        by_dept = {d: _figures_of(raw_dept[key][d]) for d in ids}
        figures["by_department"] = [
            {
                "id": dept_id,
                "name": names.get(dept_id, ""),
                "handed_over": handed.get(dept_id, 0),
                "returned": returned.get(dept_id, 0),
                "resolved": by_dept[dept_id]["resolved"],
                "on_time_rate": by_dept[dept_id]["on_time_rate"],
                "overdue_now": by_dept[dept_id]["overdue_now"],
            }
            for dept_id in sorted(ids, key=lambda i: names.get(i, ""))
        ]
        out[key] = figures
    return out


def _figures_of(counts: dict[str, int]) -> dict[str, Any]:
    counts = {key: counts.get(key, 0) for key in COUNTS}
    return _shape(counts) | {"overdue_now": counts["overdue_now"]}


def case_figures(
    org: Organization,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """Cases in `org`'s subtree for the period, with breakdowns by category and by
    department (see the module docstring for the definitions)."""
    today = today or timezone.localdate()
    return _case_figures(_subtree(org), [], start, end, today)[TOTAL]


def case_figures_with_children(
    org: Organization,
    children: list[Organization],
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """`case_figures` of `org` and of every child, from one set of grouped queries."""
    today = today or timezone.localdate()
    found = _case_figures(_subtree(org), children, start, end, today)
    return found[TOTAL], {c.pk: found[c.pk] for c in children}


# --- Both, with the children ---------------------------------------------------------------


def figures(
    org: Organization,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """All casework figures for `org`'s subtree and the period, and the same main figures
    for each direct child (and for records kept on `org` itself, as `own`)."""
    today = today or timezone.localdate()
    children = _children(org, start, end)
    # Key None: records of the subtree that no child in force holds (the org's own, and
    # those of children closed before the period).
    visits = _visit_figures(org, children, start, end)
    cases = _case_figures(_subtree(org), children, start, end, today)

    def part(key: int | None) -> dict[str, Any]:
        main = {k: v for k, v in cases[key].items() if k not in ("by_category", "by_department")}
        return {
            "visits": {k: visits[key][k] for k in ("count", "visits", "enterprises")},
            "cases": main,
        }

    return {
        "organization": org.code,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "visits": visits[TOTAL],
        "cases": cases[TOTAL],
        "children": [{"code": c.code, "name": c.display_name, **part(c.pk)} for c in children],
        "own": part(None if children else TOTAL),
        "late_entry": late_entry_figures(org, start, end),
    }


# --- Leaders' contact quotas ---------------------------------------------------------------


def leader_progress(org: Organization, year: int) -> list[dict[str, Any]]:
    """Each leader (the representative of a membership whose rank has a quota) of a
    chamber in `org`'s subtree during `year`: their quota, and how many distinct member
    enterprises they visited that year (as a leader on a visit)."""
    start, end = year_range(year)
    ancestors = [int(p) for p in org.path.strip("/").split("/") if p]
    subtree = Organization.objects.filter(path__startswith=org.path)
    quotas = list(
        ContactQuota.objects.filter(
            Q(organization_id__in=ancestors) | Q(organization__in=subtree)
        ).select_related("organization")
    )
    if not quotas:
        return []
    ranks = {q.rank for q in quotas}
    leaders = list(
        Membership.objects.filter(
            Q(left__isnull=True) | Q(left__gt=start),
            organization__path__startswith=org.path,
            rank__in=ranks,
            representative__isnull=False,
            joined__lte=end,
        )
        .select_related("organization", "representative")
        .order_by("organization__path", "rank", "name")
    )

    def quota_for(m: Membership) -> int | None:
        # The nearest organisation at or above the member's chamber that sets one.
        best: tuple[int, int] | None = None
        for q in quotas:
            if q.rank == m.rank and m.organization.path.startswith(q.organization.path):
                depth = len(q.organization.path)
                if best is None or depth > best[0]:
                    best = (depth, q.contacts_per_year)
        return best[1] if best else None

    person_ids = {m.representative_id for m in leaders}
    contacts: dict[int, set[int]] = defaultdict(set)
    visit_count: dict[int, set[int]] = defaultdict(set)
    led = Visit.leaders.through.objects.filter(
        person_id__in=person_ids, visit__date__range=(start, end)
    ).values_list("person_id", "visit_id")
    visit_ids = {v for _p, v in led}
    ents: dict[int, set[int]] = defaultdict(set)
    for visit_id, ent_id in Visit.enterprises.through.objects.filter(
        visit_id__in=visit_ids
    ).values_list("visit_id", "enterprise_id"):
        ents[visit_id].add(ent_id)
    for person_id, visit_id in led:
        visit_count[person_id].add(visit_id)
        contacts[person_id] |= ents[visit_id]
    result = []
    seen: set[tuple[int, int]] = set()
    for m in leaders:
        quota = quota_for(m)
        key = (m.organization_id, m.representative_id)
        if quota is None or key in seen:
            continue
        seen.add(key)
        # The leader's own enterprise is not a member they "contact".
        done = len(contacts[m.representative_id] - {m.enterprise_id})
        result.append(
            {
                "person_id": m.representative_id,
                "name": m.representative.name,
                "enterprise": m.name,
                "organization": m.organization.code,
                "organization_name": m.organization.display_name,
                "rank": m.rank,
                "rank_label": m.get_rank_display(),
                "quota": quota,
                "contacts": done,
                "visits": len(visit_count[m.representative_id]),
                "met": done >= quota,
                "progress": min(done / quota, 1.0),
            }
        )
    return result


# --- Entered late (补录率) --------------------------------------------------------------------


def late_entry_figures(
    org: Organization, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    """补录率: of the case steps (raising included) that happened in the period, the share
    typed in more than CHAMBER_LATE_ENTRY_AFTER after they happened, for the subtree
    and per direct child (each chamber). Counted by when a step happened, like every
    figure. One grouped query.

    {"steps", "late", "rate", "children": [{"code", "name", "steps", "late", "rate"}]}"""
    children = _children(org, start, end)
    since, until = day_span(start, end)
    steps = CaseEvent.objects.filter(
        case__organization_id__in=org.subtree_ids, at__gte=since, at__lt=until
    ).order_by()
    group = (
        child_of(children, "case__organization_id")
        if children
        else Value(None, output_field=BigIntegerField())
    )
    counts: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for row in (
        steps.annotate(g=group)
        .values("g")
        .annotate(n=Count("id"), late=Count("id", filter=Q(entered_late=True)))
    ):
        for key in (TOTAL, row["g"]):
            counts[key][0] += row["n"]
            counts[key][1] += row["late"]

    def shape(key: Any) -> dict[str, Any]:
        n, late = counts[key]
        return {"steps": n, "late": late, "rate": _rate(late, n)}

    return {
        **shape(TOTAL),
        "children": [{"code": c.code, "name": c.name, **shape(c.pk)} for c in children],
    }
