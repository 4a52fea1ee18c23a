"""Scoped reads of activities, shared by pages, the API and exports. Every read starts
from `Model.objects.visible_to(user, perm)`; a record outside the scope is a 404."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chamber.core.dates import day_span
from chamber.members.models import Enterprise
from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from .choices import RegistrationStatus
from .models import (
    CheckIn,
    Council,
    Donation,
    Event,
    EventAttachment,
    Fund,
    FundSpending,
    Honor,
    Meeting,
    Registration,
    Term,
    TermMember,
)
from .money import exact_sum, from_cents, subquery_cents

# --- Events ------------------------------------------------------------------------------


def events(user: Any, perm: str = Perm.VIEW) -> QuerySet[Event]:
    return Event.objects.visible_to(user, perm)


def with_attendance(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Each event with its confirmed places, waiting list and person-times, from
    correlated subqueries (no join fan-out, a fixed number of queries)."""
    regs = Registration.objects.filter(event=OuterRef("pk")).order_by().values("event")
    checks = CheckIn.objects.filter(registration__event=OuterRef("pk")).order_by()
    return qs.annotate(
        seats=Coalesce(
            Subquery(
                regs.filter(status=RegistrationStatus.CONFIRMED)
                .annotate(n=Sum("party_size"))
                .values("n")
            ),
            0,
        ),
        waiting=Coalesce(
            Subquery(
                regs.filter(status=RegistrationStatus.WAITLISTED)
                .annotate(n=Count("id"))
                .values("n")
            ),
            0,
        ),
        attendance=Coalesce(
            Subquery(checks.values("registration__event").annotate(n=Sum("headcount")).values("n")),
            0,
        ),
    )


@dataclass
class EventFilters:
    q: str = ""
    org: Organization | None = None
    kind: str = ""
    year: int | None = None
    status: str = ""


def event_list(user: Any, filters: EventFilters) -> QuerySet[Event]:
    qs = events(user)
    if filters.org is not None:
        qs = qs.touching(filters.org)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        tz = timezone.get_default_timezone()
        qs = qs.filter(
            starts_at__gte=datetime.datetime(filters.year, 1, 1, tzinfo=tz),
            starts_at__lt=datetime.datetime(filters.year + 1, 1, 1, tzinfo=tz),
        )
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(place__icontains=filters.q))
    return with_attendance(qs.select_related("organization")).order_by("-starts_at", "-id")


def get_event(user: Any, pk: int, perm: str = Perm.VIEW) -> Event:
    return get_object_or_404(events(user, perm).select_related("organization"), pk=pk)


def attendance(event: Event) -> dict[str, int]:
    """The live figures of one event: places, waiting list, sign-ups checked in,
    person-times, distinct enterprises."""
    regs = event.registrations.order_by()
    by_status = dict(
        regs.values("status")
        .annotate(n=Count("id"), people=Sum("party_size"))
        .values_list("status", "people")
    )
    counts = dict(regs.values("status").annotate(n=Count("id")).values_list("status", "n"))
    checks = CheckIn.objects.filter(registration__event=event).aggregate(
        n=Count("id"),
        people=Sum("headcount"),
        enterprises=Count("registration__enterprise", distinct=True),
        walk_ins=Count("id", filter=Q(registration__walk_in=True)),
    )
    seats = by_status.get(RegistrationStatus.CONFIRMED) or 0
    return {
        "capacity": event.capacity,
        "seats": seats,
        "free": None if event.capacity is None else max(event.capacity - seats, 0),
        "confirmed": counts.get(RegistrationStatus.CONFIRMED, 0),
        "waiting": counts.get(RegistrationStatus.WAITLISTED, 0),
        "cancelled": counts.get(RegistrationStatus.CANCELLED, 0),
        "checked_in": checks["n"],
        "attendance": checks["people"] or 0,
        "enterprises": checks["enterprises"],
        "walk_ins": checks["walk_ins"],
    }


def event_page(user: Any, pk: int) -> dict[str, Any]:
    """Everything the event page shows, in a fixed number of queries."""
    event = get_object_or_404(
        events(user)
        .select_related("organization", "created_by")
        .prefetch_related(
            "co_organizers",
            "open_to",
            "speakers",
            Prefetch("attachments", queryset=EventAttachment.objects.order_by("uploaded")),
        ),
        pk=pk,
    )
    registrations = list(
        event.registrations.select_related("enterprise", "person", "check_in").order_by(
            "status", "registered_at", "id"
        )
    )
    may_change = scope.has_perm(user, Perm.CHANGE, event.organization_id) or any(
        scope.has_perm(user, Perm.CHANGE, o.pk) for o in event.co_organizers.all()
    )
    return {
        "event": event,
        "registrations": registrations,
        "figures": attendance(event),
        "may_handle": may_change,
        "may_edit": scope.has_perm(user, Perm.CHANGE, event.organization_id),
    }


def month_calendar(user: Any, year: int, month: int) -> list[list[dict[str, Any]]]:
    """Weeks (Monday first) of days with the visible events starting that day."""
    cal = calendar.Calendar(firstweekday=0)
    weeks = cal.monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    begin, stop = day_span(first, last)
    rows = (
        events(user)
        .filter(starts_at__gte=begin, starts_at__lt=stop)
        .select_related("organization")
        .order_by("starts_at", "id")
    )
    by_day: dict[datetime.date, list[Event]] = {}
    for e in rows:
        by_day.setdefault(timezone.localtime(e.starts_at).date(), []).append(e)
    today = timezone.localdate()
    return [
        [
            {
                "date": day,
                "in_month": day.month == month,
                "today": day == today,
                "events": by_day.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]


# --- Registrations -------------------------------------------------------------------------


def registrations(user: Any, perm: str = Perm.VIEW) -> QuerySet[Registration]:
    return Registration.objects.visible_to(user, perm)


def get_registration(user: Any, pk: int, perm: str = Perm.VIEW) -> Registration:
    return get_object_or_404(
        registrations(user, perm).select_related(
            "event__organization", "enterprise", "person", "check_in"
        ),
        pk=pk,
    )


def get_registration_to_handle(user: Any, pk: int) -> Registration:
    """A registration whose event the user may handle (organiser or co-organiser)."""
    return get_object_or_404(
        Registration.objects.filter(event__in=events(user, Perm.CHANGE)).select_related(
            "event__organization", "enterprise", "person", "check_in"
        ),
        pk=pk,
    )


# --- Donations and funds -----------------------------------------------------------------


def donations(user: Any, perm: str = Perm.VIEW) -> QuerySet[Donation]:
    return Donation.objects.visible_to(user, perm)


@dataclass
class DonationFilters:
    org: Organization | None = None
    year: int | None = None
    kind: str = ""
    purpose: str = ""
    fund: Fund | None = None
    q: str = ""
    voided: bool = False


def donation_list(user: Any, filters: DonationFilters) -> QuerySet[Donation]:
    qs = donations(user)
    if filters.org is not None:
        qs = qs.filter(organization__path__startswith=filters.org.path)
    if filters.year:
        qs = qs.filter(date__year=filters.year)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.purpose:
        qs = qs.filter(purpose=filters.purpose)
    if filters.fund is not None:
        qs = qs.filter(fund=filters.fund)
    if not filters.voided:
        qs = qs.valid()
    if filters.q:
        qs = qs.filter(
            Q(enterprise__name__icontains=filters.q)
            | Q(person__name__icontains=filters.q)
            | Q(receipt_no__icontains=filters.q)
            | Q(campaign__icontains=filters.q)
        )
    return qs.select_related("organization", "enterprise", "person", "fund", "event").order_by(
        "-date", "-id"
    )


def get_donation(user: Any, pk: int, perm: str = Perm.VIEW) -> Donation:
    return get_object_or_404(
        donations(user, perm).select_related(
            "organization", "enterprise", "person", "fund", "event", "created_by"
        ),
        pk=pk,
    )


def funds(user: Any, perm: str = Perm.VIEW) -> QuerySet[Fund]:
    """Funds with income, spending (in fen, exact) for the template to show."""
    return (
        Fund.objects.visible_to(user, perm)
        .select_related("organization")
        .annotate(
            income_cents=subquery_cents(Donation.objects.valid(), "fund"),
            spending_cents=subquery_cents(FundSpending.objects.all(), "fund"),
        )
    )


def fund_totals(fund: Fund) -> dict[str, Any]:
    income, spending = from_cents(fund.income_cents), from_cents(fund.spending_cents)
    return {"income": income, "spending": spending, "balance": income - spending}


def get_fund(user: Any, pk: int, perm: str = Perm.VIEW) -> Fund:
    return get_object_or_404(funds(user, perm), pk=pk)


# --- Council -----------------------------------------------------------------------------


def councils(user: Any, perm: str = Perm.VIEW) -> QuerySet[Council]:
    return Council.objects.visible_to(user, perm).select_related("organization")


def council_overview(user: Any, council: Council | None = None) -> list[dict[str, Any]]:
    """Each visible council with its terms (newest first), seats and meetings."""
    qs = councils(user).prefetch_related(
        Prefetch(
            "terms",
            queryset=Term.objects.order_by("-number").prefetch_related(
                Prefetch(
                    "members",
                    queryset=TermMember.objects.select_related("person", "enterprise").order_by(
                        "role", "person__name", "id"
                    ),
                ),
                Prefetch(
                    "meetings",
                    queryset=Meeting.objects.annotate(
                        present=Count("attendance", distinct=True),
                        resolution_count=Count("resolutions", distinct=True),
                    ).order_by("-number"),
                ),
            ),
        )
    )
    if council is not None:
        qs = qs.filter(pk=council.pk)
    return [{"council": c, "terms": list(c.terms.all())} for c in qs]


def meetings(user: Any, perm: str = Perm.VIEW) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user, perm).select_related("term__council__organization")


def get_meeting(user: Any, pk: int, perm: str = Perm.VIEW) -> Meeting:
    return get_object_or_404(
        meetings(user, perm).prefetch_related("resolutions", "attendance__member__person"), pk=pk
    )


def get_term(user: Any, pk: int, perm: str = Perm.VIEW) -> Term:
    return get_object_or_404(
        Term.objects.visible_to(user, perm).select_related("council__organization"), pk=pk
    )


def quorum(meeting: Meeting) -> dict[str, Any]:
    """Seats on the meeting's day, how many must attend, how many did."""
    seats = [m for m in meeting.term.members.all() if m.serves_on(meeting.date)]
    required = meeting.term.council.quorum_for(len(seats))
    present = meeting.attendance.count()
    return {
        "seats": len(seats),
        "required": required,
        "present": present,
        "met": present >= required and len(seats) > 0,
    }


# --- Honours -----------------------------------------------------------------------------


def honors(user: Any, perm: str = Perm.VIEW) -> QuerySet[Honor]:
    return Honor.objects.visible_to(user, perm).select_related(
        "organization", "enterprise", "person"
    )


# --- The member page section -------------------------------------------------------------


def member_activities(user: Any, enterprise: Enterprise) -> dict[str, Any]:
    """A member's events, donations and honours, as the user may see them: the
    enterprise's own and those of its people."""
    people = enterprise.people.values("pk")
    regs = list(
        registrations(user)
        .filter(Q(enterprise=enterprise) | Q(person__in=people))
        .select_related("event", "person", "check_in")
        .order_by("-event__starts_at", "-id")[:50]
    )
    given = donations(user).filter(Q(enterprise=enterprise) | Q(person__in=people))
    gifts = list(
        given.select_related("fund", "event", "organization", "person").order_by("-date", "-id")[
            :50
        ]
    )
    total = exact_sum(given.valid())
    return {
        "registrations": regs,
        "donations": gifts,
        "donation_total": total,
        "honors": list(
            honors(user).filter(Q(enterprise=enterprise) | Q(person__in=people)).order_by("-year")
        ),
        # a missing reverse one-to-one raises an AttributeError subclass: hasattr is exact
        "attended": sum(1 for r in regs if hasattr(r, "check_in")),
    }


def orgs_for_choice() -> QuerySet[Organization]:
    """Organisations a form may name as co-organiser or audience: any in the tree (a
    district event may be co-organised by any chamber; names are not confidential)."""
    return Organization.objects.order_by("path", "sort_order")
