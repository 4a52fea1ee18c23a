"""Writes to posts and proposals. Each function is keyword-only, checks the actor's
rights and the record's state, validates, writes in one transaction, and records an
audit entry (and, for a proposal, a timeline row). Pages, the API and commands call
these; nothing else saves these models."""

from .lifecycle import legal_steps, step_problem
from .posts import POST_FIELDS, clean_post, end_post, record_post, update_post
from .proposals import create_proposal, submit_proposal, update_proposal
from .steps import (
    STEP_FUNCTIONS,
    assign_proposal,
    close_proposal,
    decline_proposal,
    evaluate_proposal,
    extend_due,
    file_proposal,
    merge_proposal,
    rehandle_proposal,
    reply_proposal,
    return_proposal,
    sign_proposal,
)

__all__ = [
    "POST_FIELDS",
    "STEP_FUNCTIONS",
    "assign_proposal",
    "clean_post",
    "close_proposal",
    "create_proposal",
    "decline_proposal",
    "end_post",
    "evaluate_proposal",
    "extend_due",
    "file_proposal",
    "legal_steps",
    "merge_proposal",
    "record_post",
    "rehandle_proposal",
    "reply_proposal",
    "return_proposal",
    "sign_proposal",
    "step_problem",
    "submit_proposal",
    "update_post",
    "update_proposal",
]
