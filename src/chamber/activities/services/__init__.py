"""Writes for activities. Every function is keyword-only, checks the actor's rights,
validates (ValidationError keyed by field), writes in one transaction and records an
audit entry. Pages, the API, the demo and commands call these."""

from ._event_base import require_event
from .council import (
    add_resolution,
    add_term_member,
    attach_minutes,
    create_council,
    create_meeting,
    create_term,
    end_term_member,
    set_attendance,
)
from .donations import (
    create_fund,
    fund_balance,
    record_donation,
    record_spending,
    void_donation,
)
from .events import (
    add_attachment,
    announce_event,
    cancel_event,
    close_registration,
    create_event,
    update_event,
)
from .honors import award_honor, withdraw_honor
from .registrations import (
    cancel_registration,
    check_in,
    check_in_by_code,
    normalize_code,
    register,
    seats_taken,
    set_party_size,
    undo_check_in,
)

__all__ = [
    "add_attachment",
    "add_resolution",
    "add_term_member",
    "announce_event",
    "attach_minutes",
    "award_honor",
    "cancel_event",
    "cancel_registration",
    "check_in",
    "check_in_by_code",
    "close_registration",
    "create_council",
    "create_event",
    "create_fund",
    "create_meeting",
    "create_term",
    "end_term_member",
    "fund_balance",
    "normalize_code",
    "record_donation",
    "record_spending",
    "register",
    "require_event",
    "seats_taken",
    "set_attendance",
    "set_party_size",
    "undo_check_in",
    "update_event",
    "void_donation",
    "withdraw_honor",
]
