"""The machinery every proposal step shares: the proposal workflow's table for the one
step engine (`chamber.core.steps`), which steps are legal from a status and under
which conditions (`step_problem`, the one source of refusal messages), and the
timeline row and audit entry that close a step. Proposal steps are dated by day."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.core import steps as engine
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
    """Close a step opened by `_begin` through the engine (timeline row and audit
    entry); drafting and editing, which are not steps, are recorded here directly."""
    ctx = getattr(proposal, "_step_ctx", None)
    if ctx is not None and ctx.step == step:
        del proposal._step_ctx
        ctx.comment = labelled(Step(step).label, note) if note else str(Step(step).label)
        ctx.changes = dict(changes or {})
        ctx.data = {"unit": unit, "note": note}
        return WORKFLOW.finish(ctx)
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


class ProposalWorkflow(engine.Workflow):
    """The proposal table is `choices.NEXT_STEPS`; its refusal messages and conditions
    are `step_problem`'s."""

    def problem(self, record: Any, step: str) -> str | None:
        return step_problem(record, step)

    def legal_steps(self, record: Any) -> list[str]:
        return legal_steps(record)


def _timeline(ctx: engine.Ctx) -> ProposalStep:
    return ProposalStep.objects.create(
        proposal=ctx.record,
        step=ctx.step,
        on=ctx.on,
        from_status=ctx.before,
        to_status=ctx.record.status,
        actor=ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None,
        unit=ctx.data.get("unit"),
        note=ctx.data.get("note", ""),
        entered_late=ctx.late,
    )


def _authorize(actor: Any, proposal: Proposal, perm: str) -> None:
    require(actor, perm, proposal.organization_id)


def _sources() -> dict[str, set[str]]:
    sources: dict[str, set[str]] = {}
    for status, steps in NEXT_STEPS.items():
        for s in steps:
            sources.setdefault(s, set()).add(status)
    return sources


# Each step's target status is set by its service (a reply leads to "replied" from
# three statuses, extending keeps the status).
WORKFLOW = ProposalWorkflow(
    name="proposal",
    model=Proposal,
    steps={
        s: engine.Step(
            name=s, sources=frozenset(src), to=None, label=Step(s).label, perm=Perm.CHANGE
        )
        for s, src in _sources().items()
    },
    authorize=_authorize,
    state_label=lambda state: str(Status(state).label),
    floor=_last_step_on,
    organization_id=lambda p: p.organization_id,
    timeline=_timeline,
    subject=lambda p: subject_of(p.lead),
    field_name="on",
)


def _begin(actor: Any, proposal: Proposal, step: str, on: Any) -> Proposal:
    """The engine locks the row and checks the right, the status and the date (not in
    the future, not before the last step); then the conditions that depend on the
    step's day. The caller's instance is reloaded under the lock and carries the step
    to `_record`, which closes it."""
    ctx = WORKFLOW.begin(step, proposal, actor=actor, occurred_at=on)
    proposal.refresh_from_db()
    ctx.record = proposal
    problem = step_problem(proposal, step, ctx.on)
    if problem:
        raise engine.StepRefused(
            problem, state=proposal.status, allowed_steps=legal_steps(proposal, ctx.on)
        )
    proposal._step_ctx = ctx
    return proposal
