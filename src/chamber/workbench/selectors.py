"""The start page's reads (工作台): each user's work to do today, from each part of the
domain's own scoped selectors. This app sits above reports (it shows leaders the
report's figures) and below demo; nothing imports it."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from chamber.activities import selectors as activities
from chamber.activities.choices import EventStatus, RegistrationStatus
from chamber.casework import selectors as casework
from chamber.casework.choices import OPEN_STATUSES
from chamber.casework.choices import Status as CaseStatus
from chamber.members import selectors as members
from chamber.members.models import ImportJob
from chamber.orgs import scope
from chamber.orgs.choices import Perm, Role
from chamber.orgs.models import Organization, RoleAssignment
from chamber.orgs.selectors import top_organizations
from chamber.politics import selectors as politics
from chamber.politics.choices import AWAITING_REPLY
from chamber.politics.choices import Status as ProposalStatus
from chamber.reports.annual import SECTIONS
from chamber.reports.period import Period

LIST_SIZE = 5

# A proposal in one of these waits for the chamber's staff to take the next step.
PROPOSAL_STEPS_DUE = [
    ProposalStatus.DRAFTED,  # submit
    ProposalStatus.SUBMITTED,  # file or not
    ProposalStatus.RETURNED,  # assign again
    ProposalStatus.REPLIED,  # evaluate
]


def week_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday to Sunday of `today`'s week."""
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def my_cases(user: Any, today: datetime.date) -> dict[str, Any]:
    """Cases assigned to the user by urgency: overdue, due by Sunday, awaiting the
    follow-up (回访) after resolution."""
    _monday, sunday = week_bounds(today)
    mine = casework.cases(user).filter(assignee=user)
    is_open = Q(status__in=OPEN_STATUSES)
    conditions = {
        "overdue": is_open & Q(due_on__lt=today),
        "due_this_week": is_open & Q(due_on__gte=today, due_on__lte=sunday),
        "follow_up": Q(status=CaseStatus.RESOLVED),
    }
    counts = mine.aggregate(**{k: Count("pk", filter=c) for k, c in conditions.items()})
    related = mine.select_related("enterprise", "organization")
    return {
        key: {
            "count": counts[key],
            "rows": list(
                related.filter(cond).order_by("due_on" if key != "follow_up" else "resolved_on")[
                    :LIST_SIZE
                ]
            )
            if counts[key]
            else [],
        }
        for key, cond in conditions.items()
    }


def my_visits(user: Any, today: datetime.date) -> dict[str, Any]:
    qs = casework.visits(user).filter(created_by=user, date__gte=today.replace(day=1))
    qs = qs.filter(date__lte=today)
    return {
        "count": qs.count(),
        "rows": list(qs.select_related("organization").order_by("-date", "-id")[:LIST_SIZE]),
    }


def events_ahead(user: Any, today: datetime.date) -> dict[str, list]:
    """Events today and in the rest of the week (not cancelled), in the user's scope."""
    tz = timezone.get_current_timezone()
    _monday, sunday = week_bounds(today)
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        sunday + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    rows = list(
        activities.events(user)
        .filter(starts_at__lt=end, ends_at__gte=start)
        .exclude(status=EventStatus.CANCELLED)
        .select_related("organization")
        .order_by("starts_at", "id")[:20]
    )
    tomorrow = start + datetime.timedelta(days=1)
    return {
        "today": [e for e in rows if e.starts_at < tomorrow],
        "week": [e for e in rows if e.starts_at >= tomorrow],
    }


def proposals_waiting(user: Any, today: datetime.date) -> dict[str, Any]:
    """Proposals waiting for a step, by status, and those whose reply is overdue, in one
    query (the proposals' scope condition is the costly part: read it once)."""
    conditions = {str(s): Q(status=s) for s in PROPOSAL_STEPS_DUE}
    conditions["overdue"] = Q(status__in=AWAITING_REPLY, reply_due__lt=today)
    counts = politics.proposals(user, Perm.CHANGE).aggregate(
        **{key: Count("pk", filter=c) for key, c in conditions.items()}
    )
    rows = [
        {"status": s, "label": ProposalStatus(s).label, "count": counts[str(s)]}
        for s in PROPOSAL_STEPS_DUE
        if counts[str(s)]
    ]
    return {"rows": rows, "total": sum(r["count"] for r in rows), "overdue": counts["overdue"]}


def waiting(user: Any, today: datetime.date) -> dict[str, Any]:
    """Imports the user checked and has not yet confirmed (or still running), sign-ups on
    the waiting list of coming events, and this year's dues not paid in full."""
    imports = list(
        ImportJob.objects.visible_to(user)
        .filter(user=user, status__in=[ImportJob.Status.CHECKED, *ImportJob.RUNNING])
        .select_related("organization")
        .order_by("-id")[:LIST_SIZE]
    )
    waitlisted = list(
        activities.registrations(user, Perm.CHANGE)
        .filter(status=RegistrationStatus.WAITLISTED, event__starts_at__gte=timezone.now())
        .order_by()
        .values("event_id", "event__title")
        .annotate(n=Count("pk"))
        .order_by("event__starts_at")[:LIST_SIZE]
    )
    arrears = (
        members.dues_list(user, year=today.year, arrears=True).count()
        if scope.has_any(user, Perm.CHANGE)
        else 0
    )
    return {"imports": imports, "waitlisted": waitlisted, "arrears": arrears}


def is_leader(user: Any) -> bool:
    """Leaders, and staff who see the whole federation, get the year's key figures."""
    if user.is_superuser or scope.covers_every_organization(user, Perm.VIEW):
        return True
    return RoleAssignment.objects.filter(user=user, role=Role.LEADER).exists()


# The report's own sections (reports.annual.SECTIONS): figures are never computed a
# second way here. Each row: (section, key inside it, label).
KEY_FIGURES = [
    ("members", "total"),
    ("members", "joined"),
    ("visits", "count"),
    ("cases", "raised"),
    ("cases", "resolution_rate"),
    ("dues", "collection_rate"),
    ("charity", "amount"),
]


def key_figures(org: Organization, today: datetime.date) -> list[dict[str, Any]]:
    """This year to date against the same days of last year, from the report's sections."""
    this = Period(datetime.date(today.year, 1, 1), today)
    try:
        same_day = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        same_day = today.replace(year=today.year - 1, day=28)
    last = Period(datetime.date(today.year - 1, 1, 1), same_day)
    sections = dict(SECTIONS)
    wanted = {s for s, _k in KEY_FIGURES}
    now = {s: sections[s](org, this) for s in wanted}
    before = {s: sections[s](org, last) for s in wanted}
    rows = []
    for section, key in KEY_FIGURES:
        value, previous = now[section].get(key), before[section].get(key)
        is_rate = key.endswith("_rate")
        change = _change(value, previous)
        if is_rate:  # the change of a rate in percentage points
            change = None if change is None else round(change * 100, 1)
        rows.append(
            {
                "section": section,
                "key": key,
                "value": value,
                "change": change,
                "change_text": _signed(change),
                "is_rate": is_rate,
            }
        )
    return rows


def _signed(change: float | None) -> str:
    """+12, -3, +1.5: the change as it is read out, with its sign."""
    if change is None:
        return ""
    text = f"{change:,.2f}".rstrip("0").rstrip(".")
    return text if change < 0 else f"+{text}"


def _change(value: Any, previous: Any) -> float | None:
    """The difference: in points for a rate (0.05 = five points), else a number."""
    from decimal import Decimal, InvalidOperation

    if value is None or previous is None:
        return None
    try:
        return float(Decimal(str(value)) - Decimal(str(previous)))
    except InvalidOperation:
        return None


def start_page(user: Any, today: datetime.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    may_change = scope.has_any(user, Perm.CHANGE)
    tops = top_organizations(user)
    return {
        "today": today,
        "week": week_bounds(today),
        "cases": my_cases(user, today),
        "queue": casework.queue_counts(user, today=today) if may_change else None,
        "visits": my_visits(user, today),
        "events": events_ahead(user, today),
        "proposals": proposals_waiting(user, today) if may_change else None,
        "waiting": waiting(user, today) if may_change else None,
        "leader_org": tops[0] if tops and is_leader(user) else None,
        "may_change": may_change,
    }
