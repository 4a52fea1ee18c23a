"""Time limits of the proposal lifecycle (DOMAIN.md: they vary by place).

The defaults are the common ones: a reply within 3 months of assignment, 6 at the most
with an explanation; a re-reply within 2 months when the submitter is unsatisfied; a
wrongly assigned proposal returned within 10 days; the submitter's evaluation within 15
working days of the reply. A deployment overrides any of them in its settings:

    CHAMBER_PROPOSAL_LIMITS = {"reply_months": 2, "return_days": 7}
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Limits:
    reply_months: int = 3
    max_reply_months: int = 6
    rereply_months: int = 2
    return_days: int = 10
    evaluation_working_days: int = 15


def limits() -> Limits:
    """The limits in force: the defaults, overridden by settings.CHAMBER_PROPOSAL_LIMITS."""
    override = getattr(settings, "CHAMBER_PROPOSAL_LIMITS", None) or {}
    known = {f.name for f in fields(Limits)}
    unknown = set(override) - known
    if unknown:
        raise ValueError(f"Unknown CHAMBER_PROPOSAL_LIMITS keys: {sorted(unknown)}")
    return Limits(**{k: int(v) for k, v in override.items()})


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day where it is shorter
    (30 November + 3 months is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """By the holiday calendar casework keeps (one calendar for every deadline: the
    package's years, and the years staff add; Monday to Friday where none is kept)."""
    from chamber.casework.workdays import add_working_days as add

    return add(day, n)


def reply_due(assigned_on: datetime.date) -> datetime.date:
    return add_months(assigned_on, limits().reply_months)


def latest_reply_due(assigned_on: datetime.date) -> datetime.date:
    """The furthest a due date may be extended (with an explanation)."""
    return add_months(assigned_on, limits().max_reply_months)


def rereply_due(rehandle_on: datetime.date) -> datetime.date:
    return add_months(rehandle_on, limits().rereply_months)


def last_return_day(assigned_on: datetime.date) -> datetime.date:
    return assigned_on + datetime.timedelta(days=limits().return_days)


def evaluation_due(replied_on: datetime.date) -> datetime.date:
    return add_working_days(replied_on, limits().evaluation_working_days)
