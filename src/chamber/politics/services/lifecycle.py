"""The machinery every proposal step shares: which steps are legal from a status and
under which conditions (`step_problem`, the one source of refusal messages), the
row lock and date checks that open a step, and the timeline row and audit entry that
close it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.core.text import join_list, labelled
from chamber.orgs.choices import Perm

from .. import deadlines
from ..choices import NEXT_STEPS, Satisfaction, Status, Step
from ..models import HandlingUnit, Proposal, ProposalStep, Reply
from .common import require, subject_of


def _today() -> datetime.date:
    return timezone.localdate()


def _last_step_on(proposal: Proposal) -> datetime.date | None:
    """The date of the last lifecycle step; drafting and editing don't count, so a
    proposal submitted years ago can be recorded (drafted) today."""
    steps = proposal.steps.exclude(step__in=[Step.DRAFT, Step.EDIT])
    return steps.aggregate(last=Max("on"))["last"]


def _check_date(proposal: Proposal, on: datetime.date, field: str = "on") -> None:
    if on > _today():
        raise ValidationError({field: _("The date cannot be in the future.")})
    last = _last_step_on(proposal)
    if last is not None and on < last:
        raise ValidationError(
            {field: _("The date cannot be before the last step, on %(date)s.") % {"date": last}}
        )


def _record(
    *,
    actor: Any,
    proposal: Proposal,
    step: str,
    on: datetime.date,
    from_status: str,
    note: str = "",
    unit: HandlingUnit | None = None,
    changes: dict[str, Any] | None = None,
) -> ProposalStep:
    row = ProposalStep.objects.create(
        proposal=proposal,
        step=step,
        on=on,
        from_status=from_status,
        to_status=proposal.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        unit=unit,
        note=note,
    )
    audit.record(
        actor=actor,
        action=audit.AuditAction.STEP if step != Step.DRAFT else audit.AuditAction.CREATE,
        obj=proposal,
        subject=subject_of(proposal.lead),
        organization_id=proposal.organization_id,
        changes={"status": [from_status or None, proposal.status], **(changes or {})},
        note=labelled(Step(step).label, note) if note else str(Step(step).label),
    )
    return row


# --- conditions on steps -----------------------------------------------------------------


def _latest_reply(proposal: Proposal) -> Reply | None:
    return proposal.replies.order_by("-round").first()


def step_problem(proposal: Proposal, step: str, on: datetime.date | None = None) -> str | None:
    """Why `step` cannot be taken on `on`, or None when it can. The one place that says
    which steps are legal: services refuse with this message, pages offer the rest.

    Without `on`, the conditions that depend on the step's date (the return window, the
    evaluation window) are left for the service to check with the date given: staff
    often record a step days after it happened."""
    status = Status(proposal.status)
    if step not in NEXT_STEPS[status]:
        allowed = join_list(str(Step(s).label) for s in NEXT_STEPS[status])
        return _("This proposal is “%(status)s”: it cannot %(step)s now. %(next)s") % {
            "status": status.label,
            "step": Step(step).label,
            "next": _("Possible next steps: %(steps)s.") % {"steps": allowed}
            if allowed
            else _("Its lifecycle has ended."),
        }
    if step == Step.RETURN and on is not None:
        last_day = deadlines.last_return_day(proposal.assigned_on)
        if on > last_day:
            return _(
                "A wrongly assigned proposal is returned within %(days)s days of assignment; "
                "that was until %(date)s. The unit must handle it."
            ) % {"days": deadlines.limits().return_days, "date": last_day}
    if step in (Step.REHANDLE, Step.CLOSE):
        reply = _latest_reply(proposal)
        if step == Step.REHANDLE and proposal.satisfaction != Satisfaction.UNSATISFIED:
            return _("Only a reply the submitter found unsatisfactory is handled again.")
        if step == Step.CLOSE and reply is not None:
            if status == Status.REPLIED and on is not None:
                due = deadlines.evaluation_due(reply.replied_on)
                if on <= due:
                    return _(
                        "The submitter has until %(date)s to evaluate the reply; record the "
                        "evaluation, or close it after that day."
                    ) % {"date": due}
            elif proposal.satisfaction == Satisfaction.UNSATISFIED and reply.round == 1:
                return _(
                    "The submitter was unsatisfied with the reply: have it handled again "
                    "before closing."
                )
    return None


def legal_steps(proposal: Proposal, on: datetime.date | None = None) -> list[str]:
    """The steps that can be taken (on `on`, when given), in lifecycle order."""
    return [s for s in NEXT_STEPS[proposal.status] if step_problem(proposal, s, on) is None]


def _begin(actor: Any, proposal: Proposal, step: str, on: datetime.date) -> Proposal:
    """Rights; then lock the row and reload the caller's instance, so two clerks taking
    steps at once are serialised; then the step's legality and its date."""
    require(actor, Perm.CHANGE, proposal.organization_id)
    list(Proposal.objects.select_for_update().filter(pk=proposal.pk).values_list("pk"))
    proposal.refresh_from_db()
    problem = step_problem(proposal, step, on)
    if problem:
        raise ValidationError(problem)
    _check_date(proposal, on)
    return proposal
