"""Casework: enterprise visits (走访) and the problems they raise (诉求)."""

from .cases import Case, CaseEvent, CaseEventQuerySet, CaseQuerySet
from .reference import CalendarDay, Category, ContactQuota, Department, Expert, HolidayCalendar
from .visits import Visit, VisitAttachment, VisitQuerySet

__all__ = [
    "CalendarDay",
    "Case",
    "CaseEvent",
    "CaseEventQuerySet",
    "CaseQuerySet",
    "Category",
    "ContactQuota",
    "Department",
    "Expert",
    "HolidayCalendar",
    "Visit",
    "VisitAttachment",
    "VisitQuerySet",
]
