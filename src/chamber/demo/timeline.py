"""The demo's calendar: which years the demo federation lives through, up to the day
it is loaded.

The seed generators write 2013–2017 exactly as the seed year's account has them
(2016) with the 2017 re-division. The later years, up to the load date, are written
afterwards (each domain's `build_*_later`, in build.py's order) from random generators
of their own, so the seed years' draws, and with them every 2016 figure, stay what
they are whatever the load date. What happens after the load date has not happened:
steps of cases and proposals stop there, events ahead are announced, not held.
Every rule about the demo's years and dates lives here, in one place.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

FIRST_YEAR = 2013
SEED_YEAR = 2016
SEED_LAST_DAY = datetime.date(2017, 12, 31)  # the seed generators' years end here
FIRST_LATER_YEAR = SEED_LAST_DAY.year + 1
UPCOMING_DAYS = 42  # events announced ahead of the load date: the next six weeks
TERM_YEARS = 5  # councils' and congresses' terms
DIGITS = "零一二三四五六七八九"


def default_today() -> datetime.date:
    """The load date: today in the project's time zone (Asia/Shanghai)."""
    return timezone.localdate()


@dataclass(frozen=True)
class DemoCalendar:
    today: datetime.date

    def __post_init__(self) -> None:
        if self.today <= SEED_LAST_DAY:
            raise ValueError(
                f"The demo's load date must be after {SEED_LAST_DAY.isoformat()} "
                "(the seed years run to the end of 2017)."
            )

    @property
    def years(self) -> range:
        """Every year of the demo: 2013 up to the load date's year."""
        return range(FIRST_YEAR, self.today.year + 1)

    @property
    def later_years(self) -> range:
        """The years after the seed years: 2018 up to the current year (to date)."""
        return range(FIRST_LATER_YEAR, self.today.year + 1)

    @property
    def horizon(self) -> datetime.date:
        """The last day with records: events announced for the coming weeks."""
        return self.today + datetime.timedelta(days=UPCOMING_DAYS)

    def last_day(self, year: int) -> datetime.date:
        """The last day of `year` that has happened by the load date."""
        return min(datetime.date(year, 12, 31), self.today)

    def elapsed(self, year: int) -> float:
        """The share of `year` that has happened by the load date (1 for past years)."""
        start = datetime.date(year, 1, 1)
        days = (datetime.date(year + 1, 1, 1) - start).days
        return min(1.0, max(0.0, ((self.today - start).days + 1) / days))

    def rng(self, seed: int, part: str) -> random.Random:
        """A generator of its own for one domain's later years: the same seed and load
        date give the same data; the seed years' generators are not touched."""
        return random.Random(f"chamber-demo:{seed}:{part}:{self.today.isoformat()}")

    def terms(self, first_start: datetime.date) -> list[tuple[int, datetime.date]]:
        """(offset, start) of the five-year terms from `first_start` up to the one in
        force on the load date; offset 0 is the term starting on `first_start`."""
        out, n = [], 0
        while True:
            start = add_years(first_start, TERM_YEARS * n)
            if start > self.today:
                return out
            out.append((n, start))
            n += 1

    def term_end(self, starts: datetime.date) -> datetime.date:
        """The last day of a five-year term starting on `starts`."""
        return add_years(starts, TERM_YEARS) - datetime.timedelta(days=1)

    def day_in(self, rng: random.Random, year: int, last: datetime.date | None = None):
        """A random day of `year` up to `last` (default: the load date or 31 December)."""
        start = datetime.date(year, 1, 1)
        end = min(last or datetime.date(year, 12, 31), datetime.date(year, 12, 31))
        return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def seed_view(
    joined: datetime.date, left: datetime.date | None
) -> tuple[datetime.date, datetime.date | None]:
    """A membership as the seed generators wrote it. The later years' new members are
    members the seed had join in 2017 without any record, moved to the same day of a
    later year (members.build_members_later); the seed years' builders see them where
    the seed put them, so a seed gives the same seed years whatever moved."""
    if joined <= SEED_LAST_DAY:
        return joined, left
    seed_joined = joined.replace(year=SEED_LAST_DAY.year)
    return seed_joined, None if left is None else seed_joined + (left - joined)


def calendar_for(demo: DemoCalendar | None) -> DemoCalendar:
    """The given calendar, or one for today (a builder called on its own)."""
    return demo or DemoCalendar(default_today())


def numeral(n: int) -> str:
    """1..99 in Chinese numerals, as in 第十一届."""
    tens, ones = divmod(n, 10)
    if not tens:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
