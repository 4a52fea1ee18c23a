from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("routine round (大走访)")
    EXPERT = "expert", _("expert visit")
    LEADER = "leader", _("leader's visit")
    SURVEY = "survey", _("survey visit")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("photo")
    DOCUMENT = "document", _("document")


class CaseSource(models.TextChoices):
    VISIT = "visit", _("visit")
    MEETING = "meeting", _("meeting")
    HOTLINE = "hotline", _("hotline")
    LETTER = "letter", _("letter")
    PORTAL = "portal", _("member portal")
    OTHER = "other", _("other")


class Priority(models.TextChoices):
    # The value sorts from the most urgent.
    URGENT = "1_urgent", _("urgent")
    HIGH = "2_high", _("high")
    NORMAL = "3_normal", _("normal")
    LOW = "4_low", _("low")


class Status(models.TextChoices):
    RECEIVED = "received", _("received")
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    RETURNED = "returned", _("returned by the department")
    RESOLVED = "resolved", _("resolved")
    FOLLOWED_UP = "followed_up", _("followed up")
    REOPENED = "reopened", _("reopened")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected")
    MERGED = "merged", _("merged")


# Still being worked on: these can be overdue.
OPEN_STATUSES = frozenset(
    {Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED, Status.REOPENED}
)
# Nothing more happens to a case in these.
FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.MERGED})


class Step(models.TextChoices):
    """What happened to a case: one CaseEvent row per step."""

    RAISE = "raise", _("raised")
    ASSIGN = "assign", _("assigned")
    START = "start", _("work started")
    HAND_OVER = "hand_over", _("handed over to a department")
    RETURN = "return", _("returned by the department")
    ESCALATE = "escalate", _("escalated")
    RESOLVE = "resolve", _("resolved")
    FOLLOW_UP = "follow_up", _("followed up")
    REOPEN = "reopen", _("reopened")
    CLOSE = "close", _("closed")
    REJECT = "reject", _("rejected")
    MERGE = "merge", _("merged into another case")
    URGE = "urge", _("urged")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASIC = "basic", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


SATISFIED_LEVELS = frozenset({Satisfaction.SATISFIED, Satisfaction.BASIC})


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("public holiday (no work)")
    WORKDAY = "workday", _("make-up working day")
