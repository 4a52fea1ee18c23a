"""Reporting periods in Asia/Shanghai: a year, a quarter or custom dates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from chamber.core.dates import day_span


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

    @property
    def kind(self) -> str:
        """ "year", "quarter" or "custom", read off the dates."""
        if self == Period.year(self.start.year):
            return "year"
        if (
            self.start.day == 1
            and self.start.month % 3 == 1
            and self == Period.quarter(self.start.year, self.start.month // 3 + 1)
        ):
            return "quarter"
        return "custom"

    @property
    def quarter_number(self) -> int | None:
        return self.start.month // 3 + 1 if self.kind == "quarter" else None

    def query(self) -> dict[str, str]:
        """The URL parameters that name this period (see forms.PeriodForm)."""
        if self.kind == "year":
            return {"year": str(self.start.year)}
        if self.kind == "quarter":
            return {"year": str(self.start.year), "quarter": str(self.quarter_number)}
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat()}

    def label_zh(self) -> str:
        """The period as a Chinese work report names it: 2016年, 2016年第一季度,
        2016年3月1日至2016年6月30日."""
        if self.kind == "year":
            return f"{self.start.year}年"
        if self.kind == "quarter":
            return f"{self.start.year}年第{'一二三四'[self.quarter_number - 1]}季度"
        return f"{zh_date(self.start)}至{zh_date(self.end)}"

    def previous_year(self) -> Period:
        return Period(
            self.start.replace(year=self.start.year - 1), self.end.replace(year=self.end.year - 1)
        )

    @property
    def start_dt(self) -> datetime.datetime:
        """Midnight of the first day, Shanghai time (aware)."""
        return day_span(self.start, self.end)[0]

    @property
    def end_dt(self) -> datetime.datetime:
        """Midnight after the last day, Shanghai time (aware, exclusive)."""
        return day_span(self.start, self.end)[1]

    def label(self) -> str:
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return f"{self.start.year} Q{self.quarter_number}"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def zh_date(day: datetime.date) -> str:
    """2016年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"
