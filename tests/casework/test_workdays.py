"""Due dates in working days, with the real 2016/2017 Chinese holidays and make-up
working days (seeded from chinesecalendar by the migration)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from chamber.casework import services
from chamber.casework.choices import DayKind
from chamber.casework.models import CalendarDay, HolidayCalendar
from chamber.casework.workdays import WorkCalendar, add_working_days, working_days_between

pytestmark = pytest.mark.django_db
D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("start", "days", "due", "why"),
    [
        (D(2017, 3, 3), 1, D(2017, 3, 6), "Friday + 1 skips the weekend"),
        (D(2017, 3, 6), 5, D(2017, 3, 13), "a plain week"),
        (D(2016, 9, 29), 1, D(2016, 9, 30), "the day before National Day"),
        (D(2016, 9, 29), 2, D(2016, 10, 8), "1-7 Oct off; Saturday 8 Oct is worked"),
        (D(2016, 9, 30), 5, D(2016, 10, 12), "Sat 8 and Sun 9 Oct worked, then Mon-Wed"),
        (D(2017, 9, 29), 1, D(2017, 9, 30), "Saturday 30 Sep 2017 is a make-up day"),
        (D(2017, 9, 29), 2, D(2017, 10, 9), "1-8 Oct 2017 off (National Day and Mid-autumn)"),
        (D(2017, 1, 20), 1, D(2017, 1, 22), "Sunday 22 Jan 2017 is worked before Spring Festival"),
        (D(2017, 1, 26), 1, D(2017, 2, 3), "27 Jan - 2 Feb 2017 off"),
        (D(2017, 1, 26), 2, D(2017, 2, 4), "Saturday 4 Feb 2017 is worked"),
        (D(2016, 12, 30), 1, D(2017, 1, 3), "New Year's Day holiday 31 Dec - 2 Jan"),
        (D(2016, 5, 27), 10, D(2016, 6, 13), "Dragon Boat 9-11 Jun; Sunday 12 Jun worked"),
    ],
)
def test_due_dates_across_weekends_holidays_and_make_up_days(start, days, due, why):
    assert add_working_days(start, days) == due, why


def test_zero_days_is_the_start_and_negative_is_refused():
    assert add_working_days(D(2016, 10, 3), 0) == D(2016, 10, 3)
    with pytest.raises(ValueError):
        WorkCalendar({}).add(D(2016, 10, 3), -1)


def test_working_days_between_counts_make_up_days():
    assert working_days_between(D(2016, 9, 30), D(2016, 10, 12)) == 5
    assert working_days_between(D(2016, 10, 12), D(2016, 9, 30)) == -5
    assert working_days_between(D(2016, 10, 1), D(2016, 10, 7)) == 0


def test_a_year_without_calendar_is_monday_to_friday():
    HolidayCalendar.objects.filter(year=2016).delete()
    assert add_working_days(D(2016, 9, 30), 5) == D(2016, 10, 7)


def test_calendar_edits_take_effect():
    """A day the admin adds (e.g. a local holiday, or a year the package lacks)."""
    cal = HolidayCalendar.objects.get(year=2017)
    CalendarDay.objects.create(calendar=cal, date=D(2017, 3, 6), kind=DayKind.HOLIDAY, name="测试")
    assert add_working_days(D(2017, 3, 3), 1) == D(2017, 3, 7)
    CalendarDay.objects.create(calendar=cal, date=D(2017, 3, 4), kind=DayKind.WORKDAY, name="调休")
    assert add_working_days(D(2017, 3, 3), 1) == D(2017, 3, 4)


def test_the_seeded_calendar_has_2016_national_day():
    days = dict(
        CalendarDay.objects.filter(date__range=(D(2016, 10, 1), D(2016, 10, 9))).values_list(
            "date", "kind"
        )
    )
    assert all(days[D(2016, 10, d)] == DayKind.HOLIDAY for d in range(1, 8))
    assert days[D(2016, 10, 8)] == days[D(2016, 10, 9)] == DayKind.WORKDAY
    assert CalendarDay.objects.get(date=D(2016, 10, 3)).name == "国庆节"


def test_hand_over_sets_the_due_date_from_the_category_limit(world, cw):
    cw.policy.time_limit_days = 5
    cw.policy.save()
    with time_machine.travel(datetime.datetime(2016, 9, 30, 10, tzinfo=SHANGHAI), tick=False):
        case = cw.raise_case(category=cw.policy, received_on=D(2016, 9, 28))
        assert case.due_on == D(2016, 10, 10)  # 29, 30 Sep, 8, 9, 10 Oct
        services.assign_case(actor=world.secretary, case=case, assignee=world.secretary)
        services.hand_over_case(actor=world.secretary, case=case, department=cw.dept)
    case.refresh_from_db()
    assert case.handed_over_on == D(2016, 9, 30)
    assert case.due_on == D(2016, 10, 12)
    event = case.events.get(step="hand_over")
    assert event.data["due_on"] == "2016-10-12" and event.data["working_days"] == 5


def test_overdue_flag_follows_the_due_date(world, cw):
    with time_machine.travel(datetime.datetime(2016, 9, 30, 10, tzinfo=SHANGHAI), tick=False):
        case = cw.raise_case(category=cw.policy)  # due 2016-10-12 with 5 days
    assert case.is_overdue(D(2016, 10, 12)) is False
    assert case.is_overdue(D(2016, 10, 13)) is True
