"""Casework figures for an organisation's subtree and a period: what the annual work
report says about visits and cases. Pure functions: they take an organisation and a
date range (inclusive) and return plain dicts; the caller checks the user's scope.

Each record is counted once: a visit belongs to the chamber that made it and a case
to the organisation that received it, so a district figure is its subtree's records,
and distinct enterprises are counted as a set, never summed across chambers.

Definitions (all rates are floats 0..1, None when nothing to divide by):
- visits.count: visits in the period (家次); visits.enterprises: distinct enterprises
  visited (家).
- cases.raised: cases received in the period, less those merged into another (the
  same problem, counted there).
- cases.resolved: cases whose (latest) resolution date is in the period.
- resolution_rate: of the cases raised in the period and not rejected, the share
  resolved by the period's end.
- on_time_rate: of the cases resolved in the period that had a due date, the share
  resolved on or before it.
- reopened_rate: of the cases raised in the period that were ever resolved, the share
  reopened after an unsatisfied follow-up.
- satisfaction_rate: of the follow-ups in the period, the share satisfied or basically
  satisfied; satisfaction: their mean score (1–5).
- median_days_to_resolve: calendar days from receipt to resolution, median over the
  cases resolved in the period.
- overdue_now: open cases past their due date on `today` (not limited to the period).
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from chamber.members.models import Membership
from chamber.orgs.models import Organization

from .choices import OPEN_STATUSES, SATISFIED_LEVELS, Status, Step, VisitKind
from .models import Case, CaseEvent, Category, ContactQuota, Department, Visit


def year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _children(org: Organization, start: datetime.date, end: datetime.date) -> list[Organization]:
    """Direct children that existed at some time in the period."""
    return list(
        org.children.filter(
            Q(founded__isnull=True) | Q(founded__lte=end),
            Q(closed__isnull=True) | Q(closed__gt=start),
        ).order_by("sort_order", "code")
    )


def _child_of(path: str, children: list[Organization]) -> Organization | None:
    for child in children:
        if path.startswith(child.path):
            return child
    return None


# --- Visits ------------------------------------------------------------------------------


def _visit_stats(visit_ids: Iterable[int], ents_by_visit: dict[int, set[int]]) -> dict[str, int]:
    ids = list(visit_ids)
    enterprises: set[int] = set()
    for v in ids:
        enterprises |= ents_by_visit.get(v, set())
    return {"count": len(ids), "enterprises": len(enterprises)}


def _visit_rows(org: Organization, start: datetime.date, end: datetime.date):
    rows = list(
        Visit.objects.filter(
            organization__path__startswith=org.path, date__range=(start, end)
        ).values_list("id", "kind", "organization__path")
    )
    through = Visit.enterprises.through.objects.filter(
        visit__organization__path__startswith=org.path, visit__date__range=(start, end)
    ).values_list("visit_id", "enterprise_id")
    ents: dict[int, set[int]] = defaultdict(set)
    for visit_id, ent_id in through:
        ents[visit_id].add(ent_id)
    return rows, ents


def visit_figures(org: Organization, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Visits in `org`'s subtree from `start` to `end`: count (家次), distinct enterprises
    (家), and the same by kind."""
    rows, ents = _visit_rows(org, start, end)
    result: dict[str, Any] = _visit_stats((r[0] for r in rows), ents)
    result["by_kind"] = {
        kind: _visit_stats((r[0] for r in rows if r[1] == kind), ents) for kind in VisitKind.values
    }
    return result


# --- Cases -------------------------------------------------------------------------------

CASE_FIELDS = (
    "id",
    "organization__path",
    "category_id",
    "department_id",
    "status",
    "received_on",
    "due_on",
    "resolved_on",
    "followed_up_on",
    "satisfaction",
    "satisfaction_score",
    "reopen_count",
)


def _case_rows(
    org: Organization, start: datetime.date, end: datetime.date, today: datetime.date
) -> list[dict[str, Any]]:
    """Every case of the subtree that any figure for the period looks at, once."""
    relevant = (
        Q(received_on__range=(start, end))
        | Q(resolved_on__range=(start, end))
        | Q(followed_up_on__range=(start, end))
        | Q(status__in=OPEN_STATUSES, due_on__lt=today)
    )
    return list(
        Case.objects.filter(relevant, organization__path__startswith=org.path).values(*CASE_FIELDS)
    )


def _case_stats(
    rows: list[dict[str, Any]], start: datetime.date, end: datetime.date, today: datetime.date
) -> dict[str, Any]:
    def within(day: datetime.date | None) -> bool:
        return day is not None and start <= day <= end

    raised = [r for r in rows if within(r["received_on"]) and r["status"] != Status.MERGED]
    decidable = [r for r in raised if r["status"] != Status.REJECTED]
    resolved = [r for r in rows if within(r["resolved_on"])]
    timed = [r for r in resolved if r["due_on"] is not None]
    ever_resolved = [
        r
        for r in decidable
        if (r["resolved_on"] is not None and r["resolved_on"] <= end) or r["reopen_count"]
    ]
    followed = [r for r in rows if within(r["followed_up_on"]) and r["satisfaction"]]
    scores = [r["satisfaction_score"] for r in followed if r["satisfaction_score"]]
    days = sorted((r["resolved_on"] - r["received_on"]).days for r in resolved)
    return {
        "raised": len(raised),
        "resolved": len(resolved),
        "rejected": sum(r["status"] == Status.REJECTED for r in raised),
        "resolution_rate": _rate(
            sum(r["resolved_on"] is not None and r["resolved_on"] <= end for r in decidable),
            len(decidable),
        ),
        "on_time_rate": _rate(sum(r["resolved_on"] <= r["due_on"] for r in timed), len(timed)),
        "reopened_rate": _rate(
            sum(bool(r["reopen_count"]) for r in ever_resolved), len(ever_resolved)
        ),
        "followed_up": len(followed),
        "satisfaction_rate": _rate(
            sum(r["satisfaction"] in SATISFIED_LEVELS for r in followed), len(followed)
        ),
        "satisfaction": round(statistics.fmean(scores), 2) if scores else None,
        "median_days_to_resolve": statistics.median(days) if days else None,
        "overdue_now": sum(
            r["status"] in OPEN_STATUSES and r["due_on"] is not None and r["due_on"] < today
            for r in rows
        ),
    }


def _department_stats(
    org: Organization,
    start: datetime.date,
    end: datetime.date,
    rows: list[dict[str, Any]],
    today: datetime.date,
) -> list[dict[str, Any]]:
    """Per department: hand-overs and returns in the period (from the timeline), and the
    cases resolved in the period while with it."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    handed: dict[int, int] = defaultdict(int)
    returned: dict[int, int] = defaultdict(int)
    events = CaseEvent.objects.filter(
        case__organization__path__startswith=org.path,
        step__in=[Step.HAND_OVER, Step.RETURN],
        at__gte=since,
        at__lt=until,
    ).values_list("step", "data")
    for step, data in events:
        dept = (data or {}).get("department_id")
        if dept is None:
            continue
        (handed if step == Step.HAND_OVER else returned)[dept] += 1
    by_dept: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["department_id"] is not None:
            by_dept[r["department_id"]].append(r)
    ids = set(handed) | set(returned) | set(by_dept)
    names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    result = []
    for dept_id in sorted(ids, key=lambda i: names.get(i, "")):
        stats = _case_stats(by_dept.get(dept_id, []), start, end, today)
        result.append(
            {
                "id": dept_id,
                "name": names.get(dept_id, ""),
                "handed_over": handed.get(dept_id, 0),
                "returned": returned.get(dept_id, 0),
                "resolved": stats["resolved"],
                "on_time_rate": stats["on_time_rate"],
                "overdue_now": stats["overdue_now"],
            }
        )
    return result


def case_figures(
    org: Organization,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """Cases in `org`'s subtree for the period, with breakdowns by category and by
    department (see the module docstring for the definitions)."""
    today = today or timezone.localdate()
    return _case_figures(org, start, end, today, _case_rows(org, start, end, today))


def _case_figures(
    org: Organization,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
    rows: list[dict[str, Any]],
) -> dict[str, Any]:
    result = _case_stats(rows, start, end, today)
    by_cat: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_cat[r["category_id"]].append(r)
    result["by_category"] = [
        {
            "code": cat.code,
            "name": cat.name,
            **{
                k: v
                for k, v in _case_stats(by_cat.get(cat.pk, []), start, end, today).items()
                if k in ("raised", "resolved", "resolution_rate", "on_time_rate", "overdue_now")
            },
        }
        for cat in Category.objects.order_by("sort_order", "code")
        if cat.active or cat.pk in by_cat
    ]
    result["by_department"] = _department_stats(org, start, end, rows, today)
    return result


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
    visit_rows, ents = _visit_rows(org, start, end)
    case_rows = _case_rows(org, start, end, today)
    visits = _visit_stats((r[0] for r in visit_rows), ents)
    visits["by_kind"] = {
        kind: _visit_stats((r[0] for r in visit_rows if r[1] == kind), ents)
        for kind in VisitKind.values
    }
    cases = _case_figures(org, start, end, today, case_rows)
    children = _children(org, start, end)
    groups_v: dict[int | None, list[int]] = defaultdict(list)
    for visit_id, _kind, path in visit_rows:
        child = _child_of(path, children)
        groups_v[child.pk if child else None].append(visit_id)
    groups_c: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for r in case_rows:
        child = _child_of(r["organization__path"], children)
        groups_c[child.pk if child else None].append(r)

    def part(key: int | None) -> dict[str, Any]:
        return {
            "visits": _visit_stats(groups_v.get(key, []), ents),
            "cases": _case_stats(groups_c.get(key, []), start, end, today),
        }

    return {
        "organization": org.code,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "visits": visits,
        "cases": cases,
        "children": [
            {"code": child.code, "name": child.name, **part(child.pk)} for child in children
        ],
        "own": part(None),
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
                "organization_name": m.organization.name,
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
