"""A year's working calendar (public holidays and make-up working days), added or
corrected by staff with the MANAGE permission when the `chinesecalendar` package has no
data for the year yet (it follows the State Council's notices, published each
November or December)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.core.models import AuditAction
from chamber.orgs import scope
from chamber.orgs.choices import Perm

from ..choices import DayKind
from ..models import CalendarDay, HolidayCalendar

Day = tuple[datetime.date, str]  # (date, name)


def may_edit(actor: Any) -> bool:
    """The calendar is reference data for everyone: whoever manages reference data."""
    return actor is None or scope.has_any(actor, Perm.MANAGE)


def save_year(
    *, actor: Any, year: int, holidays: list[Day], workdays: list[Day], note: str = ""
) -> HolidayCalendar:
    """Set `year`'s holidays and make-up working days (replacing what the year had)."""
    if not may_edit(actor):
        raise PermissionDenied(_("You may not edit the working calendar."))
    errors: dict[str, list[str]] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Enter a year between 2000 and 2100.")]
    for field, days in (("holidays", holidays), ("workdays", workdays)):
        for day, _name in days:
            if day.year != year:
                errors.setdefault(field, []).append(
                    _("%(date)s is not in %(year)s.") % {"date": day.isoformat(), "year": year}
                )
    for day, _name in workdays:
        if day.weekday() < 5:
            errors.setdefault("workdays", []).append(
                _("%(date)s is a weekday: a make-up working day falls on a weekend.")
                % {"date": day.isoformat()}
            )
    both = sorted({d for d, _n in holidays} & {d for d, _n in workdays})
    if both:
        errors.setdefault("workdays", []).append(
            _("Listed both as holiday and as working day: %(dates)s.")
            % {"dates": "、".join(d.isoformat() for d in both)}
        )
    for field, days in (("holidays", holidays), ("workdays", workdays)):
        seen = [d for d, _n in days]
        if len(seen) != len(set(seen)):
            errors.setdefault(field, []).append(_("A date is listed twice."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cal, created = HolidayCalendar.objects.select_for_update().get_or_create(year=year)
        before = {
            "holidays": cal.days.filter(kind=DayKind.HOLIDAY).count(),
            "workdays": cal.days.filter(kind=DayKind.WORKDAY).count(),
            "note": cal.note,
        }
        cal.note = note
        cal.save(update_fields=["note"])
        cal.days.all().delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(calendar=cal, date=d, kind=DayKind.HOLIDAY, name=n) for d, n in holidays]
            + [CalendarDay(calendar=cal, date=d, kind=DayKind.WORKDAY, name=n) for d, n in workdays]
        )
        after = {"holidays": len(holidays), "workdays": len(workdays), "note": note}
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=cal,
            changes=audit.diff({} if created else before, after),
        )
    return cal
