"""Writes to casework. Every function checks the actor's rights and the record's
state, validates, writes in one transaction and records an audit entry; pages, the
API, commands and the demo's tests call these."""

from .calendar import save_year
from .cases import (
    STEP_ACTIONS,
    assign_case,
    close_case,
    follow_up_case,
    hand_over_case,
    legal_steps,
    merge_case,
    next_steps,
    raise_case,
    reject_case,
    reopen_case,
    resolve_case,
    return_case,
    start_case,
    urge_case,
)
from .visits import add_attachment, delete_attachment, log_visit, update_visit

__all__ = [
    "STEP_ACTIONS",
    "add_attachment",
    "assign_case",
    "close_case",
    "delete_attachment",
    "follow_up_case",
    "hand_over_case",
    "legal_steps",
    "log_visit",
    "merge_case",
    "next_steps",
    "raise_case",
    "reject_case",
    "reopen_case",
    "save_year",
    "resolve_case",
    "return_case",
    "start_case",
    "update_visit",
    "urge_case",
]
