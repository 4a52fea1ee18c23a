from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Short labels that other apps also use (member, active, closed, file ...) carry a
# context, so each app's catalogue can translate them its own way.


class Body(models.TextChoices):
    NPC = "npc", _("people's congress")
    CPPCC = "cppcc", _("CPPCC")


class Level(models.TextChoices):
    # Ordered from the top; the value sorts the same way.
    NATIONAL = "1_national", pgettext_lazy("political level", "national")
    PROVINCIAL = "2_provincial", pgettext_lazy("political level", "provincial")
    MUNICIPAL = "3_municipal", pgettext_lazy("political level", "municipal")
    DISTRICT = "4_district", pgettext_lazy("political level", "district")


class PostRole(models.TextChoices):
    DEPUTY = "deputy", pgettext_lazy("political post role", "deputy")
    MEMBER = "member", pgettext_lazy("political post role", "member")
    STANDING_MEMBER = (
        "standing_member",
        pgettext_lazy("political post role", "standing committee member"),
    )
    VICE_CHAIR = "vice_chair", pgettext_lazy("political post role", "vice-chair")
    CHAIR = "chair", pgettext_lazy("political post role", "chair")


# Which roles each body has: a congress has deputies, a CPPCC committee members.
ROLES_BY_BODY: dict[str, frozenset[str]] = {
    Body.NPC: frozenset(
        {PostRole.DEPUTY, PostRole.STANDING_MEMBER, PostRole.VICE_CHAIR, PostRole.CHAIR}
    ),
    Body.CPPCC: frozenset(
        {PostRole.MEMBER, PostRole.STANDING_MEMBER, PostRole.VICE_CHAIR, PostRole.CHAIR}
    ),
}

# Sector groups offered on the form; the field takes any text (groups vary by place).
SECTOR_SUGGESTIONS = ["工商联界", "经济界", "工商界", "科技界", "特邀界", "中共界", "无党派界"]


class ProposalKind(models.TextChoices):
    PROPOSAL = "proposal", _("proposal (CPPCC)")
    MOTION = "motion", _("motion (congress)")
    SUGGESTION = "suggestion", _("suggestion (congress deputy)")


# The body whose post a submitter must hold for each kind.
BODY_OF_KIND: dict[str, str] = {
    ProposalKind.PROPOSAL: Body.CPPCC,
    ProposalKind.MOTION: Body.NPC,
    ProposalKind.SUGGESTION: Body.NPC,
}


class Status(models.TextChoices):
    DRAFTED = "drafted", pgettext_lazy("proposal status", "drafted")
    SUBMITTED = "submitted", pgettext_lazy("proposal status", "submitted")
    FILED = "filed", pgettext_lazy("proposal status", "filed")
    NOT_FILED = "not_filed", pgettext_lazy("proposal status", "not filed")
    MERGED = "merged", pgettext_lazy("proposal status", "merged")
    ASSIGNED = "assigned", pgettext_lazy("proposal status", "assigned")
    RETURNED = "returned", pgettext_lazy("proposal status", "returned for re-assignment")
    SIGNED = "signed", pgettext_lazy("proposal status", "signed for, being handled")
    REPLIED = "replied", pgettext_lazy("proposal status", "replied")
    EVALUATED = "evaluated", pgettext_lazy("proposal status", "evaluated")
    REHANDLING = "rehandling", pgettext_lazy("proposal status", "being handled again")
    CLOSED = "closed", pgettext_lazy("proposal status", "closed")


class Step(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("proposal step", "drafted")
    EDIT = "edit", pgettext_lazy("proposal step", "edited")
    SUBMIT = "submit", pgettext_lazy("proposal step", "submit")
    FILE = "file", pgettext_lazy("proposal step", "file")
    DECLINE = "decline", pgettext_lazy("proposal step", "not file")
    MERGE = "merge", pgettext_lazy("proposal step", "merge")
    ASSIGN = "assign", pgettext_lazy("proposal step", "assign")
    SIGN = "sign", pgettext_lazy("proposal step", "sign for")
    RETURN = "return", pgettext_lazy("proposal step", "return as wrongly assigned")
    EXTEND = "extend", pgettext_lazy("proposal step", "extend the reply due date")
    REPLY = "reply", pgettext_lazy("proposal step", "reply")
    EVALUATE = "evaluate", pgettext_lazy("proposal step", "evaluate")
    REHANDLE = "rehandle", pgettext_lazy("proposal step", "handle again")
    CLOSE = "close", pgettext_lazy("proposal step", "close")


# The steps that may be taken from each status (the lifecycle in DOMAIN.md). Some are
# further conditioned (a return only within the return window, a close only after an
# evaluation or once the evaluation window has passed): services check those.
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    Status.DRAFTED: (Step.SUBMIT,),
    Status.SUBMITTED: (Step.FILE, Step.DECLINE, Step.MERGE),
    Status.FILED: (Step.ASSIGN,),
    Status.RETURNED: (Step.ASSIGN,),
    Status.ASSIGNED: (Step.SIGN, Step.RETURN, Step.EXTEND),
    Status.SIGNED: (Step.REPLY, Step.EXTEND),
    Status.REHANDLING: (Step.REPLY,),
    Status.REPLIED: (Step.EVALUATE, Step.CLOSE),
    Status.EVALUATED: (Step.REHANDLE, Step.CLOSE),
    Status.NOT_FILED: (),
    Status.MERGED: (),
    Status.CLOSED: (),
}

# Statuses in which a handling unit owes a reply (the overdue flag applies).
AWAITING_REPLY = (Status.ASSIGNED, Status.SIGNED, Status.REHANDLING)
# Statuses that end a proposal's life.
FINAL = (Status.NOT_FILED, Status.MERGED, Status.CLOSED)


class Grade(models.TextChoices):
    A = "A", _("A: solved or adopted")
    B = "B", _("B: being solved")
    C = "C", _("C: planned for later")
    D = "D", _("D: kept for reference")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", pgettext_lazy("proposal evaluation", "satisfied")
    BASIC = "basic", pgettext_lazy("proposal evaluation", "basically satisfied")
    UNSATISFIED = "unsatisfied", pgettext_lazy("proposal evaluation", "unsatisfied")
