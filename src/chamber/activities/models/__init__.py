"""Activities: events with sign-up and check-in, donations and funds, the council and
its meetings, honours. One module per part; everything is importable from here."""

from .council import Council, Meeting, MeetingAttendance, Resolution, Term, TermMember
from .donations import Donation, Fund, FundSpending
from .events import (
    CheckIn,
    Event,
    EventAttachment,
    EventCoOrganizer,
    EventSpeaker,
    Registration,
)
from .honors import Honor

__all__ = [
    "CheckIn",
    "Council",
    "Donation",
    "Event",
    "EventAttachment",
    "EventCoOrganizer",
    "EventSpeaker",
    "Fund",
    "FundSpending",
    "Honor",
    "Meeting",
    "MeetingAttendance",
    "Registration",
    "Resolution",
    "Term",
    "TermMember",
]
