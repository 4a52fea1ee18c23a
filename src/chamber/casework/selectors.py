"""Scoped reads of casework, shared by pages, the API and the member page section."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chamber.members.models import Enterprise
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from .choices import OPEN_STATUSES, Status
from .models import Case, CaseEvent, Visit, VisitAttachment
from .workdays import WorkCalendar

DUE_SOON_WORKING_DAYS = 3

QUEUES = ["mine", "overdue", "due_soon", "follow_up", "escalated", "open", "all"]


def cases(user: Any, perm: str = Perm.VIEW) -> QuerySet[Case]:
    return Case.objects.visible_to(user, perm)


def visits(user: Any, perm: str = Perm.VIEW) -> QuerySet[Visit]:
    return Visit.objects.visible_to(user, perm)


def get_case(user: Any, pk: int, perm: str = Perm.VIEW) -> Case:
    """The case if `user` may see it, else 404 (another chamber's case is not found)."""
    return get_object_or_404(cases(user, perm), pk=pk)


def get_visit(user: Any, pk: int, perm: str = Perm.VIEW) -> Visit:
    return get_object_or_404(visits(user, perm), pk=pk)


def get_attachment(user: Any, pk: int, perm: str = Perm.VIEW) -> VisitAttachment:
    return get_object_or_404(
        VisitAttachment.objects.visible_to(user, perm).select_related("visit"), pk=pk
    )


def due_soon_limit(today: datetime.date) -> datetime.date:
    """Cases due on or before this day (and not yet overdue) are "due soon"."""
    return WorkCalendar.load(today, today + datetime.timedelta(days=30)).add(
        today, DUE_SOON_WORKING_DAYS
    )


def queue(
    user: Any,
    which: str = "mine",
    *,
    org: Organization | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Case]:
    """A work queue: `mine` (assigned to the user, not yet finished), `overdue`, `due_soon`
    (within three working days), `follow_up` (resolved, awaiting the follow-up),
    `escalated`, `open`, `all`; within `org`'s subtree if given."""
    today = today or timezone.localdate()
    qs = cases(user)
    if org is not None:
        qs = qs.filter(organization__path__startswith=org.path)
    if which == "mine":
        qs = qs.filter(
            assignee=user, status__in=[*OPEN_STATUSES, Status.RESOLVED, Status.FOLLOWED_UP]
        )
    elif which == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    elif which == "due_soon":
        qs = qs.filter(
            status__in=OPEN_STATUSES, due_on__gte=today, due_on__lte=due_soon_limit(today)
        )
    elif which == "follow_up":
        qs = qs.filter(status=Status.RESOLVED)
    elif which == "escalated":
        qs = qs.filter(escalated=True, status__in=OPEN_STATUSES)
    elif which == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    return qs.select_related("organization", "enterprise", "category", "assignee", "department")


def queue_counts(
    user: Any, *, org: Organization | None = None, today: datetime.date | None = None
) -> dict[str, int]:
    """How many cases each queue holds, in one query."""
    today = today or timezone.localdate()
    qs = cases(user)
    if org is not None:
        qs = qs.filter(organization__path__startswith=org.path)
    is_open = Q(status__in=OPEN_STATUSES)
    return qs.aggregate(
        mine=Count(
            "pk",
            filter=Q(
                assignee=user, status__in=[*OPEN_STATUSES, Status.RESOLVED, Status.FOLLOWED_UP]
            )
            if getattr(user, "pk", None)
            else Q(pk__in=[]),
        ),
        overdue=Count("pk", filter=is_open & Q(due_on__lt=today)),
        due_soon=Count(
            "pk", filter=is_open & Q(due_on__gte=today, due_on__lte=due_soon_limit(today))
        ),
        follow_up=Count("pk", filter=Q(status=Status.RESOLVED)),
        escalated=Count("pk", filter=is_open & Q(escalated=True)),
        open=Count("pk", filter=is_open),
        all=Count("pk"),
    )


def case_detail(user: Any, pk: int) -> Case:
    """A case with everything its page shows, in a fixed number of queries."""
    return get_object_or_404(
        cases(user)
        .select_related(
            "organization",
            "enterprise",
            "category",
            "assignee",
            "department",
            "visit",
            "merged_into",
            "created_by",
        )
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
            "merged_cases",
        ),
        pk=pk,
    )


def visit_list(user: Any, *, org: Organization | None = None) -> QuerySet[Visit]:
    qs = visits(user)
    if org is not None:
        qs = qs.filter(organization__path__startswith=org.path)
    return (
        qs.select_related("organization")
        .prefetch_related("enterprises", "experts", "leaders", "staff")
        .annotate(case_count=Count("cases", distinct=True))
    )


def visit_detail(user: Any, pk: int) -> Visit:
    return get_object_or_404(
        visits(user)
        .select_related("organization", "created_by")
        .prefetch_related(
            "enterprises",
            "staff",
            "leaders",
            "experts",
            "attachments",
            Prefetch("cases", queryset=Case.objects.select_related("category", "enterprise")),
        ),
        pk=pk,
    )


def enterprise_casework(user: Any, enterprise: Enterprise, limit: int = 20) -> dict[str, Any]:
    """The visits to and cases of an enterprise that `user` may see, for its member page."""
    visit_qs = (
        visits(user)
        .filter(enterprises=enterprise)
        .select_related("organization")
        .prefetch_related("experts")
        .order_by("-date", "-id")
    )
    case_qs = (
        cases(user)
        .filter(enterprise=enterprise)
        .select_related("organization", "category", "department")
        .order_by("-received_on", "-id")
    )
    return {
        "visits": list(visit_qs[:limit]),
        "visit_count": visit_qs.count(),
        "cases": list(case_qs[:limit]),
        "case_count": case_qs.count(),
        "open_count": case_qs.filter(status__in=OPEN_STATUSES).count(),
    }


def calendar_years() -> list[dict]:
    """Each year of the working calendar with its counts of holidays and make-up days."""
    from django.db.models import Count, Q

    from .choices import DayKind
    from .models import HolidayCalendar

    return list(
        HolidayCalendar.objects.annotate(
            holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
            workdays=Count("days", filter=Q(days__kind=DayKind.WORKDAY)),
        )
        .order_by("-year")
        .values("year", "note", "holidays", "workdays")
    )


def case_timeline(case: Case) -> list[CaseEvent]:
    """The case's events (prefetched by case_detail), each assignment carrying the
    assignee's 姓名 as `assignee_name` (the event data keeps the user name), in one query
    for all of them."""
    from django.contrib.auth import get_user_model

    from chamber.core.names import user_name

    events = list(case.events.all())
    usernames = {e.data.get("assignee") for e in events if e.data and e.data.get("assignee")}
    users = get_user_model().objects.filter(username__in=usernames) if usernames else []
    names = {u.get_username(): user_name(u) for u in users}
    for e in events:
        assignee = (e.data or {}).get("assignee")
        e.assignee_name = names.get(assignee, assignee) if assignee else ""
    return events
