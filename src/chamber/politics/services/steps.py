"""The steps after submission: file, decline, merge, assign, sign, return, extend,
reply, evaluate, rehandle, close (DOMAIN.md's lifecycle)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chamber.core.text import join_list, paren
from chamber.orgs.choices import Perm

from .. import deadlines
from ..choices import FINAL, Grade, Satisfaction, Status, Step
from ..models import HandlingUnit, Proposal, Reply
from .lifecycle import _begin, _latest_reply, _record, _today
from .proposals import submit_proposal


@transaction.atomic
def file_proposal(
    *, actor: Any, proposal: Proposal, on: datetime.date, file_number: str = ""
) -> Proposal:
    """Filed (立案) by the committee's proposal office or the congress's office."""
    p = _begin(actor, proposal, Step.FILE, on)
    before = p.status
    p.status, p.filed_on, p.file_number = Status.FILED, on, (file_number or "").strip()
    p.save(update_fields=["status", "filed_on", "file_number", "updated"])
    _record(
        actor=actor,
        proposal=p,
        step=Step.FILE,
        on=on,
        from_status=before,
        note=p.file_number,
        changes={"file_number": p.file_number},
    )
    return proposal


@transaction.atomic
def decline_proposal(
    *,
    actor: Any,
    proposal: Proposal,
    on: datetime.date,
    reason: str,
    passed_on_as_opinion: bool = False,
) -> Proposal:
    """Not filed, with the reason; optionally passed on to the units as an opinion."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the proposal is not filed.")})
    p = _begin(actor, proposal, Step.DECLINE, on)
    before = p.status
    p.status, p.decided_on = Status.NOT_FILED, on
    p.decline_reason, p.passed_on_as_opinion = reason[:300], bool(passed_on_as_opinion)
    p.save(
        update_fields=["status", "decided_on", "decline_reason", "passed_on_as_opinion", "updated"]
    )
    note = reason
    if passed_on_as_opinion:
        note = f"{reason}{paren(_('passed on as an opinion'))}"
    _record(actor=actor, proposal=p, step=Step.DECLINE, on=on, from_status=before, note=note)
    return proposal


@transaction.atomic
def merge_proposal(
    *, actor: Any, proposal: Proposal, into: Proposal, on: datetime.date, note: str = ""
) -> Proposal:
    """Merged into another proposal on the same subject (并案): the other is handled."""
    if into.pk == proposal.pk:
        raise ValidationError({"into": _("A proposal cannot be merged into itself.")})
    if actor is not None and not (
        Proposal.objects.visible_to(actor, Perm.VIEW).filter(pk=into.pk).exists()
    ):
        raise ValidationError({"into": _("No such proposal.")})
    p = _begin(actor, proposal, Step.MERGE, on)
    if (into.kind, into.level, into.place, into.session_year) != (
        p.kind,
        p.level,
        p.place,
        p.session_year,
    ):
        raise ValidationError(
            {"into": _("Merge only into a proposal of the same kind, body and session year.")}
        )
    if into.status in FINAL or into.status == Status.DRAFTED:
        raise ValidationError(
            {
                "into": _("“%(title)s” is %(status)s: it cannot take another proposal.")
                % {"title": into.title, "status": into.get_status_display()}
            }
        )
    before = p.status
    p.status, p.decided_on, p.merged_into = Status.MERGED, on, into
    p.save(update_fields=["status", "decided_on", "merged_into", "updated"])
    _record(
        actor=actor,
        proposal=p,
        step=Step.MERGE,
        on=on,
        from_status=before,
        note=note or into.title,
        changes={"merged_into": into.pk},
    )
    return proposal


@transaction.atomic
def assign_proposal(
    *,
    actor: Any,
    proposal: Proposal,
    on: datetime.date,
    lead_unit: HandlingUnit,
    co_handlers: Iterable[HandlingUnit] = (),
) -> Proposal:
    """Assign (交办) to a lead handling unit and optional co-handlers; the reply is due
    `reply_months` later."""
    co = list(co_handlers)
    if lead_unit is None:
        raise ValidationError({"lead_unit": _("Choose the lead handling unit.")})
    if not lead_unit.active or any(not u.active for u in co):
        raise ValidationError({"lead_unit": _("That unit is no longer active.")})
    if lead_unit in co:
        raise ValidationError(
            {"co_handlers": _("%(unit)s is the lead unit already.") % {"unit": lead_unit}}
        )
    p = _begin(actor, proposal, Step.ASSIGN, on)
    if p.status == Status.RETURNED:
        returned = p.steps.filter(step=Step.RETURN).order_by("-on", "-id").first()
        if returned is not None and returned.unit_id == lead_unit.pk:
            raise ValidationError(
                {
                    "lead_unit": _(
                        "%(unit)s returned this proposal as wrongly assigned: choose another "
                        "lead unit."
                    )
                    % {"unit": lead_unit}
                }
            )
    before = p.status
    p.status, p.lead_unit, p.assigned_on = Status.ASSIGNED, lead_unit, on
    p.reply_due, p.due_extended, p.extension_reason = deadlines.reply_due(on), False, ""
    p.save(
        update_fields=[
            "status",
            "lead_unit",
            "assigned_on",
            "reply_due",
            "due_extended",
            "extension_reason",
            "updated",
        ]
    )
    p.co_handlers.set(co)
    names = join_list(str(u) for u in co)
    _record(
        actor=actor,
        proposal=p,
        step=Step.ASSIGN,
        on=on,
        from_status=before,
        unit=lead_unit,
        note=_("co-handlers: %(units)s") % {"units": names} if names else "",
        changes={"lead_unit": str(lead_unit), "reply_due": p.reply_due.isoformat()},
    )
    return proposal


@transaction.atomic
def sign_proposal(*, actor: Any, proposal: Proposal, on: datetime.date) -> Proposal:
    """The lead unit signs for the proposal (签收) and starts handling it."""
    p = _begin(actor, proposal, Step.SIGN, on)
    before = p.status
    p.status, p.signed_on = Status.SIGNED, on
    p.save(update_fields=["status", "signed_on", "updated"])
    _record(actor=actor, proposal=p, step=Step.SIGN, on=on, from_status=before, unit=p.lead_unit)
    return proposal


@transaction.atomic
def return_proposal(*, actor: Any, proposal: Proposal, on: datetime.date, reason: str) -> Proposal:
    """The lead unit returns it as wrongly assigned (退回), within the return window;
    it waits to be assigned again, and the due date goes with the assignment."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the unit returns the proposal.")})
    p = _begin(actor, proposal, Step.RETURN, on)
    before, unit = p.status, p.lead_unit
    p.status, p.lead_unit, p.assigned_on, p.reply_due = Status.RETURNED, None, None, None
    p.due_extended, p.extension_reason = False, ""
    p.save(
        update_fields=[
            "status",
            "lead_unit",
            "assigned_on",
            "reply_due",
            "due_extended",
            "extension_reason",
            "updated",
        ]
    )
    p.co_handlers.clear()
    _record(
        actor=actor, proposal=p, step=Step.RETURN, on=on, from_status=before, unit=unit, note=reason
    )
    return proposal


@transaction.atomic
def extend_due(
    *,
    actor: Any,
    proposal: Proposal,
    due: datetime.date,
    reason: str,
    on: datetime.date | None = None,
) -> Proposal:
    """Push the reply due date back, with an explanation, to at most `max_reply_months`
    after assignment."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Explain why the reply needs more time.")})
    on = on or _today()
    p = _begin(actor, proposal, Step.EXTEND, on)
    latest = deadlines.latest_reply_due(p.assigned_on)
    if due <= p.reply_due:
        raise ValidationError(
            {
                "due": _("The new due date must be after the current one, %(date)s.")
                % {"date": p.reply_due}
            }
        )
    if due > latest:
        raise ValidationError(
            {
                "due": _("A reply is due at most %(months)s months after assignment, by %(date)s.")
                % {"months": deadlines.limits().max_reply_months, "date": latest}
            }
        )
    before, old_due = p.status, p.reply_due
    p.reply_due, p.due_extended, p.extension_reason = due, True, reason[:300]
    p.save(update_fields=["reply_due", "due_extended", "extension_reason", "updated"])
    _record(
        actor=actor,
        proposal=p,
        step=Step.EXTEND,
        on=on,
        from_status=before,
        unit=p.lead_unit,
        note=reason,
        changes={"reply_due": [old_due.isoformat(), due.isoformat()]},
    )
    return proposal


@transaction.atomic
def reply_proposal(
    *,
    actor: Any,
    proposal: Proposal,
    on: datetime.date,
    text: str,
    grade: str,
    attachment: File | None = None,
    unit: HandlingUnit | None = None,
) -> Reply:
    """The handling unit's written reply, graded A (solved) to D (for reference). A
    reply after the due date is kept, and marked late."""
    errors: dict[str, str] = {}
    if not (text or "").strip():
        errors["text"] = _("Record what the unit replied.")
    if grade not in Grade.values:
        errors["grade"] = _("Grade the reply A, B, C or D.")
    if errors:
        raise ValidationError(errors)
    p = _begin(actor, proposal, Step.REPLY, on)
    unit = unit or p.lead_unit
    if unit.pk != p.lead_unit_id and not p.co_handlers.filter(pk=unit.pk).exists():
        raise ValidationError(
            {"unit": _("%(unit)s does not handle this proposal.") % {"unit": unit}}
        )
    round_no = (p.replies.aggregate(last=Max("round"))["last"] or 0) + 1
    reply = Reply(
        proposal=p,
        round=round_no,
        unit=unit,
        replied_on=on,
        text=text.strip(),
        grade=grade,
        due=p.reply_due,
        late=p.reply_due is not None and on > p.reply_due,
    )
    if attachment is not None:
        reply.attachment.save(attachment.name, attachment, save=False)
    reply.full_clean()
    reply.save()
    before = p.status
    p.status, p.grade, p.satisfaction = Status.REPLIED, grade, ""
    p.first_replied_on = p.first_replied_on or on
    p.save(update_fields=["status", "grade", "satisfaction", "first_replied_on", "updated"])
    _record(
        actor=actor,
        proposal=p,
        step=Step.REPLY,
        on=on,
        from_status=before,
        unit=unit,
        note=_("grade %(grade)s") % {"grade": grade} + (" · " + _("late") if reply.late else ""),
        changes={"grade": grade, "round": round_no, "late": reply.late},
    )
    return reply


@transaction.atomic
def evaluate_proposal(
    *,
    actor: Any,
    proposal: Proposal,
    on: datetime.date,
    satisfaction: str,
    note: str = "",
) -> Reply:
    """The submitter's evaluation of the latest reply (recorded by staff for them)."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError(
            {"satisfaction": _("Choose satisfied, basically satisfied or unsatisfied.")}
        )
    p = _begin(actor, proposal, Step.EVALUATE, on)
    reply = _latest_reply(p)
    reply.satisfaction, reply.evaluated_on = satisfaction, on
    reply.evaluation_note = (note or "").strip()[:500]
    reply.save(update_fields=["satisfaction", "evaluated_on", "evaluation_note"])
    before = p.status
    p.status, p.satisfaction = Status.EVALUATED, satisfaction
    p.save(update_fields=["status", "satisfaction", "updated"])
    _record(
        actor=actor,
        proposal=p,
        step=Step.EVALUATE,
        on=on,
        from_status=before,
        note=" · ".join(
            x for x in [str(Satisfaction(satisfaction).label), reply.evaluation_note] if x
        ),
        changes={"satisfaction": satisfaction, "round": reply.round},
    )
    return reply


@transaction.atomic
def rehandle_proposal(
    *, actor: Any, proposal: Proposal, on: datetime.date, note: str = ""
) -> Proposal:
    """Back to the lead unit after an unsatisfied evaluation; a new reply is due
    `rereply_months` later."""
    p = _begin(actor, proposal, Step.REHANDLE, on)
    before = p.status
    p.status, p.reply_due = Status.REHANDLING, deadlines.rereply_due(on)
    p.save(update_fields=["status", "reply_due", "updated"])
    _record(
        actor=actor,
        proposal=p,
        step=Step.REHANDLE,
        on=on,
        from_status=before,
        unit=p.lead_unit,
        note=note.strip(),
        changes={"reply_due": p.reply_due.isoformat()},
    )
    return proposal


@transaction.atomic
def close_proposal(
    *, actor: Any, proposal: Proposal, on: datetime.date, note: str = ""
) -> Proposal:
    """Close (办结): after the evaluation, or once the evaluation window has passed."""
    p = _begin(actor, proposal, Step.CLOSE, on)
    before = p.status
    p.status, p.closed_on = Status.CLOSED, on
    p.save(update_fields=["status", "closed_on", "updated"])
    _record(actor=actor, proposal=p, step=Step.CLOSE, on=on, from_status=before, note=note.strip())
    return proposal


# Step name → service, for the pages and the API (each takes actor, proposal, and the
# step's own keyword arguments).
STEP_FUNCTIONS = {
    Step.SUBMIT: submit_proposal,
    Step.FILE: file_proposal,
    Step.DECLINE: decline_proposal,
    Step.MERGE: merge_proposal,
    Step.ASSIGN: assign_proposal,
    Step.SIGN: sign_proposal,
    Step.RETURN: return_proposal,
    Step.EXTEND: extend_due,
    Step.REPLY: reply_proposal,
    Step.EVALUATE: evaluate_proposal,
    Step.REHANDLE: rehandle_proposal,
    Step.CLOSE: close_proposal,
}
