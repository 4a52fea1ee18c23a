"""Reporting periods in Asia/Shanghai: a year, a quarter or custom dates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    start: datetime.date  # first day, inclusive
    end: datetime.date  # last day, inclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        start = datetime.date(year, 3 * q - 2, 1)
        nxt = datetime.date(year + (q == 4), (3 * q) % 12 + 1, 1)
        return cls(start, nxt - datetime.timedelta(days=1))

    def previous_year(self) -> Period:
        return Period(
            self.start.replace(year=self.start.year - 1), self.end.replace(year=self.end.year - 1)
        )

    @property
    def start_dt(self) -> datetime.datetime:
        """Midnight of the first day, Shanghai time (aware)."""
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_dt(self) -> datetime.datetime:
        """Midnight after the last day, Shanghai time (aware, exclusive)."""
        return timezone.make_aware(
            datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        )

    def label(self) -> str:
        if (
            self.start.month == 1
            and self.start.day == 1
            and self.end == self.start.replace(month=12, day=31)
        ):
            return str(self.start.year)
        return f"{self.start.isoformat()} – {self.end.isoformat()}"
