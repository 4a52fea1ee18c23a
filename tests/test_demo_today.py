"""The demo federation lives up to the day it is loaded: the seed years as the seed
writes them, the later years to the load date, nothing after it, and the same data for
the same seed and load date."""

import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max, Q

from chamber.activities.models import CheckIn, Donation, Event, Meeting, Registration, Term
from chamber.casework.models import Case, CaseEvent, Visit
from chamber.demo import build
from chamber.demo.timeline import DemoCalendar, numeral, seed_view
from chamber.members.models import Due, Membership, Payment
from chamber.orgs.models import Organization
from chamber.politics.models import PoliticalPost, Proposal, ProposalStep
from chamber.reports.annual import annual_report

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 15)
OPEN = Q(status__in=["received", "assigned", "in_progress", "returned", "reopened"])


def _end_of(day: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def test_the_demo_runs_to_the_load_date_and_no_further():
    call_command("demo", members=1500, seed=5, today=TODAY.isoformat())
    # the register from 2013 to the load date, members joining and leaving every year
    assert Membership.objects.order_by("joined").first().joined.year == 2013
    assert Membership.objects.aggregate(m=Max("joined"))["m"] <= TODAY
    # (the later years' new members are the seed's 2017 joiners without a record: a few
    # at this scale, about 30 a year at the default 5,000)
    assert Membership.objects.filter(joined__year__gte=2018).exists()
    assert Membership.objects.filter(left__year__gte=2018).exists()
    # this year's dues, some paid, some in arrears
    dues = Due.objects.filter(year=TODAY.year)
    assert (
        dues.count()
        == Membership.objects.active(TODAY).count()
        + dues.filter(membership__left__lte=TODAY).count()
        - dues.filter(membership__joined__gt=TODAY).count()
    )
    assert dues.filter(payments__isnull=False).exists()
    assert dues.filter(payments__isnull=True).exists()
    # nothing has happened after the load date
    end = _end_of(TODAY)
    assert not Visit.objects.filter(date__gt=TODAY).exists()
    assert not CaseEvent.objects.filter(at__gt=end).exists()
    assert not ProposalStep.objects.filter(on__gt=TODAY).exists()
    assert not CheckIn.objects.filter(at__gt=end).exists()
    assert not Registration.objects.filter(registered_at__gt=end).exists()
    assert not Payment.objects.filter(paid_on__gt=TODAY).exists()
    assert not Donation.objects.filter(date__gt=TODAY).exists()
    assert not Meeting.objects.filter(date__gt=TODAY).exists()
    # visits this month, open cases, a few of them overdue by days or weeks, not years
    assert Visit.objects.filter(date__year=TODAY.year, date__month=TODAY.month).exists()
    open_cases = Case.objects.filter(OPEN)
    assert open_cases.exists()
    overdue = [(TODAY - c.due_on).days for c in open_cases.filter(due_on__lt=TODAY)]
    assert overdue and max(overdue) < 120
    # resolved cases await their follow-up for days, not years
    stale = Case.objects.filter(
        status="resolved", resolved_on__lt=TODAY - datetime.timedelta(days=60)
    )
    assert not stale.exists()
    # events ahead in the coming weeks are announced, without check-ins; none later
    ahead = Event.objects.filter(starts_at__gt=end)
    assert ahead.exists() and set(ahead.values_list("status", flat=True)) == {"announced"}
    assert not CheckIn.objects.filter(registration__event__in=ahead).exists()
    assert all(e.starts_at <= _end_of(DemoCalendar(TODAY).horizon) for e in ahead)
    assert (
        not Event.objects.filter(starts_at__lt=end, status="announced")
        .exclude(starts_at__date=TODAY)
        .exists()
    )
    # a council term in force, with members and this year's meeting
    root = Organization.objects.get(code="baoan")
    term = Term.objects.get(council__organization=root, starts__lte=TODAY, ends__gte=TODAY)
    assert term.number == 6 and term.members.count() > 30
    assert term.meetings.filter(date__year=TODAY.year).exists()
    # posts of the terms in force, one term per body and place; the previous ones ended
    held = PoliticalPost.objects.filter(Q(end__isnull=True) | Q(end__gt=TODAY), start__lte=TODAY)
    district = held.filter(level="4_district", place="宝安区", body="cppcc")
    assert district.count() == 35 and set(district.values_list("term", flat=True)) == {7}
    for body, level, place in set(held.values_list("body", "level", "place")):
        terms = held.filter(body=body, level=level, place=place).values_list("term", flat=True)
        assert len(set(terms)) == 1, (body, level, place)
    assert Proposal.objects.filter(session_year=TODAY.year).exists()


def _digest(years: tuple[int, ...]) -> str:
    """The records of the given years (a membership's end only if in one of them: a
    member of 2016 may leave in a later year)."""
    rows = [
        [
            (org, joined, left if left and left.year <= max(years) else None, rank)
            for org, joined, left, rank in Membership.objects.filter(joined__year__in=years)
            .order_by("id")
            .values_list("organization__code", "joined", "left", "rank")
        ],
        list(
            Event.objects.filter(starts_at__year__in=years)
            .order_by("starts_at", "title")
            .values_list("title", "starts_at", "status")
        ),
        sorted(Visit.objects.filter(date__year__in=years).values_list("date", "kind", "purpose")),
        sorted(
            Case.objects.filter(received_on__year__in=years).values_list(
                "received_on", "title", "status"
            )
        ),
        sorted(Payment.objects.filter(due__year__in=years).values_list("paid_on", "amount")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _seed_year_report() -> dict:
    report = annual_report(Organization.objects.get(code="baoan"), 2016)
    report["cases"].pop("overdue_now")  # a figure of the day the page is asked for
    report.pop("computed_at")  # when, not what
    for section in ("by_category", "by_department"):
        report["cases"][section] = [
            # ids are the database's (PostgreSQL's sequences do not roll back): compare names
            {k: v for k, v in row.items() if k not in ("overdue_now", "id")}
            for row in report["cases"][section]
            if row.get("raised") or row.get("handed_over")
        ]
    report.pop("children")
    return report


def _build(today: datetime.date) -> tuple[str, str, dict]:
    """(the seed year's records, the later years', the seed year's report)."""
    with transaction.atomic():
        build.build_all(seed=9, members=300, today=today)
        result = _digest((2016,)), _digest((2024, 2025)), _seed_year_report()
        transaction.set_rollback(True)
    return result


def test_same_seed_and_load_date_same_demo_and_the_seed_year_whatever_the_date():
    seed_year, later, report = _build(datetime.date(2025, 6, 30))
    assert _build(datetime.date(2025, 6, 30)) == (seed_year, later, report)
    other = _build(datetime.date(2026, 2, 3))
    assert other[1] != later  # the later years depend on the load date ...
    assert (other[0], other[2]) == (seed_year, report)  # ... the seed year does not


def test_the_load_date_must_follow_the_seed_years(db):
    with pytest.raises(CommandError, match="2017-12-31"):
        call_command("demo", members=300, today="2017-06-01")
    with pytest.raises(ValueError):
        DemoCalendar(datetime.date(2017, 12, 31))
    assert not Organization.objects.exists()


def test_demo_calendar_rules():
    cal = DemoCalendar(datetime.date(2026, 3, 1))
    assert list(cal.later_years) == list(range(2018, 2027)) and cal.years[0] == 2013
    assert cal.last_day(2026) == datetime.date(2026, 3, 1)
    assert cal.last_day(2025) == datetime.date(2025, 12, 31)
    assert cal.elapsed(2025) == 1.0 and 0.16 < cal.elapsed(2026) < 0.17
    # five-year terms up to the one in force
    assert cal.terms(datetime.date(2012, 12, 20)) == [
        (0, datetime.date(2012, 12, 20)),
        (1, datetime.date(2017, 12, 20)),
        (2, datetime.date(2022, 12, 20)),
    ]
    assert cal.term_end(datetime.date(2022, 12, 20)) == datetime.date(2027, 12, 19)
    assert [numeral(n) for n in (1, 10, 11, 14, 20, 23)] == [
        "一",
        "十",
        "十一",
        "十四",
        "二十",
        "二十三",
    ]
    # the seed's members moved to a later year are seen where the seed put them
    assert seed_view(datetime.date(2016, 5, 1), None) == (datetime.date(2016, 5, 1), None)
    assert seed_view(datetime.date(2022, 5, 1), datetime.date(2023, 5, 1)) == (
        datetime.date(2017, 5, 1),
        datetime.date(2018, 5, 1),
    )
