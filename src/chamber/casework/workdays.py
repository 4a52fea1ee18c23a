"""Working days: Monday to Friday, less public holidays, plus make-up working days
(调休), as kept per year in HolidayCalendar/CalendarDay (seeded from the
`chinesecalendar` package, which tracks the State Council's yearly notices; the
admin can correct or add a year before the package catches up).

A year with no calendar falls back to a plain Monday-to-Friday week (the package has
no data for years the State Council has not announced yet); pages that compute a
deadline over such a year say so (`missing_years`), and staff with the MANAGE
permission add the year's calendar on Chamber's calendar page (services.calendar).

A time limit of N working days ends on the N-th working day after the start day
(the start day itself is not counted): handed over on Friday 2016-09-30 with 5
working days, due on Wednesday 2016-10-12 (1–7 October is National Day, and
Saturday 8 and Sunday 9 October are worked).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from .choices import DayKind

ONE_DAY = datetime.timedelta(days=1)


class WorkCalendar:
    """Which days are worked, for dates between `start` and `end` (loaded once)."""

    def __init__(self, overrides: dict[datetime.date, str]):
        self.overrides = overrides

    @classmethod
    def load(cls, start: datetime.date, end: datetime.date) -> WorkCalendar:
        from .models import CalendarDay

        rows = CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind")
        return cls(dict(rows))

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self.overrides.get(day)
        if kind == DayKind.HOLIDAY:
            return False
        if kind == DayKind.WORKDAY:
            return True
        return day.weekday() < 5

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The `days`-th working day after `start`."""
        if days < 0:
            raise ValueError("days must not be negative")
        day, left = start, days
        while left:
            day += ONE_DAY
            if self.is_working_day(day):
                left -= 1
        return day

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative if end < start)."""
        if end < start:
            return -self.between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count


def _window(start: datetime.date, days: int) -> datetime.date:
    # Long holidays (Spring Festival, National Day) add at most about ten days.
    return start + datetime.timedelta(days=days * 2 + 30)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start`, by the calendar in the database."""
    cal = WorkCalendar.load(start, _window(start, days))
    end = cal.add(start, days)
    if end > _window(start, days):  # only with a calendar of implausibly many holidays
        cal = WorkCalendar.load(start, end + datetime.timedelta(days=days * 3))
        end = cal.add(start, days)
    return end


def missing_years(start: datetime.date, end: datetime.date) -> list[int]:
    """The years from `start` to `end` that have no holiday calendar: working days in
    them are counted Monday to Friday."""
    from .models import HolidayCalendar

    lo, hi = min(start, end).year, max(start, end).year
    known = set(HolidayCalendar.objects.filter(year__range=(lo, hi)).values_list("year", flat=True))
    return [y for y in range(lo, hi + 1) if y not in known]


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    lo, hi = min(start, end), max(start, end)
    return WorkCalendar.load(lo, hi).between(start, end)


def seed_days(
    calendar_model, day_model, years: Iterable[int] | None = None, *, replace: bool = False
) -> int:
    """Fill the calendar from the `chinesecalendar` package for `years` (default: every
    year it knows). Existing years are left alone unless `replace`. Takes the model
    classes so a data migration can pass its historical models. Returns days written."""
    import chinese_calendar

    names = {h.value: h.chinese for h in chinese_calendar.constants.Holiday}
    by_year: dict[int, list[tuple[datetime.date, str, str]]] = {}
    for day, name in chinese_calendar.holidays.items():
        by_year.setdefault(day.year, []).append((day, DayKind.HOLIDAY, names.get(name, name)))
    for day, name in chinese_calendar.workdays.items():
        # The package's `workdays` holds only the make-up days (weekends worked).
        if day.weekday() >= 5:
            by_year.setdefault(day.year, []).append(
                (day, DayKind.WORKDAY, f"{names.get(name, name)}调休")
            )
    wanted = set(years) if years is not None else set(by_year)
    written = 0
    for year in sorted(wanted & set(by_year)):
        cal, created = calendar_model.objects.get_or_create(
            year=year, defaults={"note": "chinesecalendar"}
        )
        if not created and not replace:
            continue
        day_model.objects.filter(calendar=cal).delete()
        rows = [
            day_model(calendar=cal, date=d, kind=k, name=n) for d, k, n in sorted(by_year[year])
        ]
        day_model.objects.bulk_create(rows)
        written += len(rows)
    return written
