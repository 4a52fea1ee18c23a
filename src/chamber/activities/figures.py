"""Figures per organisation subtree and period: pure functions (no user, no writes) for
the reports app and the pages' summaries.

Counting rules:
- An event counts for the subtree of its organiser and of each co-organiser, once: the
  events are selected with one EXISTS over the co-organiser links (never a join that
  repeats a row, never a sum of per-chamber figures). Draft and cancelled events do
  not count; an event belongs to the period in which it starts.
- Attendance is person-times (人次): the people checked in, summed over check-ins.
  Enterprises are the distinct enterprises with a check-in (for exhibitions and trade
  events, the participating enterprises).
- Donations belong to the organisation that recorded them; voided ones do not count.
  Money sums are exact on SQLite and PostgreSQL (summed in whole fen, see money.py).
- Honours count for the organisation they were recorded under.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from chamber.core.dates import day_span
from chamber.orgs.models import Organization

from .choices import COUNTED_STATUSES, DonationKind, EventKind, level_rank
from .models import CheckIn, Donation, Event, EventCoOrganizer, Honor, Meeting
from .money import from_cents, sum_cents


def year_span(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def events_in(org: Organization, start: datetime.date, end: datetime.date) -> QuerySet[Event]:
    """Events that count for `org`'s subtree and start in [start, end], each once."""
    begin, stop = day_span(start, end)
    return (
        Event.objects.touching(org)
        .filter(status__in=COUNTED_STATUSES, starts_at__gte=begin, starts_at__lt=stop)
        .order_by()
    )


def event_figures(
    org: Organization, start: datetime.date, end: datetime.date
) -> dict[str, dict[str, int]]:
    """{kind: {count, attendance, enterprises}} for every kind, plus "total"."""
    return event_figures_with_children(org, [], start, end)[0]


def event_figures_with_children(
    org: Organization, children: list[Organization], start: datetime.date, end: datetime.date
) -> tuple[dict[str, dict[str, int]], dict[int, dict[str, dict[str, int]]]]:
    """`event_figures` of `org` and of every child, from three queries over `org`'s events.

    An event counts for each child whose subtree organises or co-organises it, so the
    children's events overlap and cannot be grouped in SQL by one key; events are few
    (thousands a year), so their children are worked out here, and the check-ins come
    per event (attendance) and as distinct (event, enterprise) pairs."""
    events = events_in(org, start, end)
    rows = list(events.values_list("id", "kind", "organization_id"))
    owner = {org_id: child.pk for child in children for org_id in child.subtree_ids}
    holders: dict[int, set[int]] = {
        event_id: {owner[o]} if o in owner else set() for event_id, _k, o in rows
    }
    co = EventCoOrganizer.objects.filter(event__in=events.values("pk")).values_list(
        "event_id", "organization_id"
    )
    for event_id, org_id in co:
        if org_id in owner:
            holders[event_id].add(owner[org_id])
    checks = CheckIn.objects.filter(registration__event__in=events.values("pk")).order_by()
    attendance = dict(checks.values_list("registration__event_id").annotate(n=Sum("headcount")))
    pairs = (
        checks.filter(registration__enterprise__isnull=False)
        .values_list("registration__event_id", "registration__enterprise_id")
        .distinct()
    )
    enterprises: dict[int, set[int]] = {}
    for event_id, ent_id in pairs:
        enterprises.setdefault(event_id, set()).add(ent_id)

    def shape(selected: list[tuple[int, str, int]]) -> dict[str, dict[str, int]]:
        result: dict[str, dict[str, int]] = {}
        for kind in EventKind.values:
            of_kind = [e for e, k, _o in selected if k == kind]
            ents = set().union(*(enterprises.get(e, set()) for e in of_kind))
            result[kind] = {
                "count": len(of_kind),
                "attendance": sum(attendance.get(e) or 0 for e in of_kind),
                "enterprises": len(ents),
            }
        every = set().union(*(enterprises.get(e, set()) for e, _k, _o in selected))
        result["total"] = {
            "count": len(selected),
            "attendance": sum(attendance.get(e) or 0 for e, _k, _o in selected),
            "enterprises": len(every),
        }
        return result

    return shape(rows), {c.pk: shape([r for r in rows if c.pk in holders[r[0]]]) for c in children}


def donations_of(org: Organization) -> QuerySet[Donation]:
    """Valid donations recorded anywhere in `org`'s subtree."""
    return Donation.objects.valid().filter(organization_id__in=org.subtree_ids).order_by()


def donation_figures(org: Organization, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Money, goods (valued) and their total in [start, end]; the cumulative total of
    all donations up to `end`; how many donations and distinct donors in the period."""
    all_up_to_end = donations_of(org).filter(date__lte=end)
    sums = all_up_to_end.aggregate(
        money=sum_cents(filter=Q(date__gte=start, kind=DonationKind.MONEY)),
        goods=sum_cents(filter=Q(date__gte=start, kind=DonationKind.IN_KIND)),
        cumulative=sum_cents(),
        count=Count("id", filter=Q(date__gte=start)),
        enterprises=Count("enterprise", distinct=True, filter=Q(date__gte=start)),
        people=Count("person", distinct=True, filter=Q(date__gte=start)),
    )
    money, goods = from_cents(sums["money"]), from_cents(sums["goods"])
    return {
        "money": money,
        "goods": goods,
        "total": money + goods,
        "cumulative": from_cents(sums["cumulative"]),
        "count": sums["count"],
        "donors": sums["enterprises"] + sums["people"],
    }


def donation_figures_with_children(
    org: Organization, children: list[Organization], start: datetime.date, end: datetime.date
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """`donation_figures` of `org` and of each child: the sums grouped by recording
    organisation (a donation belongs to one), the distinct donors as sets."""
    owner = {org_id: child.pk for child in children for org_id in child.subtree_ids}
    mine = donation_figures(org, start, end)
    sums: dict[int, dict[str, int]] = {c.pk: defaultdict(int) for c in children}
    rows = (
        donations_of(org)
        .filter(date__lte=end)
        .values("organization_id")
        .annotate(
            money=sum_cents(filter=Q(date__gte=start, kind=DonationKind.MONEY)),
            goods=sum_cents(filter=Q(date__gte=start, kind=DonationKind.IN_KIND)),
            cumulative=sum_cents(),
            count=Count("id", filter=Q(date__gte=start)),
        )
    )
    for row in rows:
        if (child := owner.get(row["organization_id"])) is not None:
            for key in ("money", "goods", "cumulative", "count"):
                sums[child][key] += row[key]
    donors: dict[int, set[tuple[str, int]]] = {c.pk: set() for c in children}
    for org_id, ent, person in (
        donations_of(org)
        .filter(date__range=(start, end))
        .values_list("organization_id", "enterprise_id", "person_id")
        .distinct()
    ):
        if (child := owner.get(org_id)) is not None:
            donors[child].add(("e", ent) if ent is not None else ("p", person))
    theirs = {}
    for c in children:
        s = sums[c.pk]
        money, goods = from_cents(s["money"]), from_cents(s["goods"])
        theirs[c.pk] = {
            "money": money,
            "goods": goods,
            "total": money + goods,
            "cumulative": from_cents(s["cumulative"]),
            "count": s["count"],
            "donors": len({d for d in donors[c.pk] if d[1] is not None}),
        }
    return mine, theirs


def meeting_figures_with_children(
    org: Organization, children: list[Organization], start: datetime.date, end: datetime.date
) -> tuple[dict[str, int], dict[int, dict[str, int]]]:
    owner = {org_id: child.pk for child in children for org_id in child.subtree_ids}
    held: dict[int, int] = defaultdict(int)
    total = 0
    for org_id, count in (
        meetings_in(org, start, end)
        .values_list("term__council__organization_id")
        .annotate(n=Count("id"))
    ):
        total += count
        if (child := owner.get(org_id)) is not None:
            held[child] += count
    return {"held": total}, {c.pk: {"held": held[c.pk]} for c in children}


def honor_figures_with_children(
    org: Organization, children: list[Organization], start: datetime.date, end: datetime.date
) -> tuple[list[dict], dict[int, list[dict]]]:
    """`honor_figures` of `org` and of each child, from the org's one list."""
    owner = {org_id: child.pk for child in children for org_id in child.subtree_ids}
    rows = _honor_rows(org, start, end)
    mine = [h for _o, h in rows]
    return mine, {c.pk: [h for o, h in rows if owner.get(o) == c.pk] for c in children}


def cumulative_donations(org: Organization, up_to: datetime.date) -> Decimal:
    """Everything donated (money and valued goods) up to and including `up_to`."""
    return from_cents(donations_of(org).filter(date__lte=up_to).aggregate(c=sum_cents())["c"])


def meetings_in(org: Organization, start: datetime.date, end: datetime.date) -> QuerySet[Meeting]:
    """Council meetings (执委会, 理事会, 常委会) of the subtree's organisations held in
    [start, end]."""
    return Meeting.objects.filter(
        term__council__organization_id__in=org.subtree_ids, date__range=(start, end)
    ).order_by()


def meeting_figures(org: Organization, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """`held`: the count of `meetings_in`."""
    return {"held": meetings_in(org, start, end).count()}


def honor_figures(org: Organization, start: datetime.date, end: datetime.date) -> list[dict]:
    """Honours recorded in `org`'s subtree for the years [start.year, end.year]."""
    return [h for _org_id, h in _honor_rows(org, start, end)]


def _honor_rows(
    org: Organization, start: datetime.date, end: datetime.date
) -> list[tuple[int, dict]]:
    rows = (
        Honor.objects.filter(
            organization_id__in=org.subtree_ids, year__gte=start.year, year__lte=end.year
        )
        .select_related("organization", "enterprise", "person")
        .order_by("year", level_rank(), "organization__path", "title", "id")
    )
    return [
        (
            h.organization_id,
            {
                "title": h.title,
                "level": h.level,
                "awarding_body": h.awarding_body,
                "year": h.year,
                "recipient": h.enterprise.name
                if h.enterprise
                else h.person.name
                if h.person
                else h.organization.display_name,
                "recipient_kind": "enterprise"
                if h.enterprise_id
                else "person"
                if h.person_id
                else "organization",
                "organization": h.organization.code,
            },
        )
        for h in rows
    ]


def annual_figures(org: Organization, year: int) -> dict[str, Any]:
    """The activities part of the annual report (DESIGN §4), over `org`'s subtree and
    the calendar year: events.by_kind, charity.amount and amount_cumulative (Decimals;
    the report writes them as strings), honors."""
    start, end = year_span(year)
    by_kind = event_figures(org, start, end)
    total = by_kind.pop("total")
    charity = donation_figures(org, start, end)
    return {
        "events": {"by_kind": by_kind, "total": total},
        "charity": {
            "amount": charity["total"],
            "amount_cumulative": charity["cumulative"],
            "money": charity["money"],
            "goods": charity["goods"],
            "donations": charity["count"],
            "donors": charity["donors"],
        },
        "honors": honor_figures(org, start, end),
    }
