from django.db import models
from django.utils.translation import gettext_lazy as _


class Body(models.TextChoices):
    NPC = "npc", _("people's congress")
    CPPCC = "cppcc", _("CPPCC")


class Level(models.TextChoices):
    # Ordered from the top; the value sorts the same way.
    NATIONAL = "1_national", _("national")
    PROVINCIAL = "2_provincial", _("provincial")
    MUNICIPAL = "3_municipal", _("municipal")
    DISTRICT = "4_district", _("district")


class PostRole(models.TextChoices):
    DEPUTY = "deputy", _("deputy")
    MEMBER = "member", _("member")
    STANDING_MEMBER = "standing_member", _("standing committee member")
    VICE_CHAIR = "vice_chair", _("vice-chair")
    CHAIR = "chair", _("chair")


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
    DRAFTED = "drafted", _("drafted")
    SUBMITTED = "submitted", _("submitted")
    FILED = "filed", _("filed")
    NOT_FILED = "not_filed", _("not filed")
    MERGED = "merged", _("merged")
    ASSIGNED = "assigned", _("assigned")
    RETURNED = "returned", _("returned for re-assignment")
    SIGNED = "signed", _("signed for, being handled")
    REPLIED = "replied", _("replied")
    EVALUATED = "evaluated", _("evaluated")
    REHANDLING = "rehandling", _("being handled again")
    CLOSED = "closed", _("closed")


class Step(models.TextChoices):
    DRAFT = "draft", _("drafted")
    EDIT = "edit", _("edited")
    SUBMIT = "submit", _("submit")
    FILE = "file", _("file")
    DECLINE = "decline", _("not file")
    MERGE = "merge", _("merge")
    ASSIGN = "assign", _("assign")
    SIGN = "sign", _("sign for")
    RETURN = "return", _("return as wrongly assigned")
    EXTEND = "extend", _("extend the reply due date")
    REPLY = "reply", _("reply")
    EVALUATE = "evaluate", _("evaluate")
    REHANDLE = "rehandle", _("handle again")
    CLOSE = "close", _("close")


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
    SATISFIED = "satisfied", _("satisfied")
    BASIC = "basic", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")
