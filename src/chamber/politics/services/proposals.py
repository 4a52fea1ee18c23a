"""The proposal lifecycle (DOMAIN.md): drafted → submitted → filed, not filed or merged
→ assigned → signed for, or returned → replied → evaluated → handled again → closed.

Each step is one function: it checks the actor may change the proposal's records, locks
the row, checks the step is legal from the current status (and its own condition: a
return within the window, a close after the evaluation ...), validates, writes, and
records a timeline row and an audit entry."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.members.models import Person
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from .. import deadlines
from ..choices import (
    BODY_OF_KIND,
    FINAL,
    NEXT_STEPS,
    Body,
    Grade,
    Level,
    ProposalKind,
    Satisfaction,
    Status,
    Step,
)
from ..models import HandlingUnit, PoliticalPost, Proposal, ProposalStep, Reply, Topic
from .common import may_on_person, require, subject_of

PROPOSAL_FIELDS = [
    "organization",
    "kind",
    "level",
    "place",
    "session_year",
    "session_term",
    "session_sitting",
    "number",
    "title",
    "lead",
]
DRAFT_EDITABLE = set(PROPOSAL_FIELDS) - {"organization"} | {"text", "co_submitters", "topics"}


# --- submitters --------------------------------------------------------------------------


def _submitter_errors(
    *,
    kind: str,
    level: str,
    place: str,
    term: int,
    on: datetime.date,
    lead: Person,
    co_submitters: list[Person],
) -> dict[str, list[str]]:
    """Every submitter must hold a post of the matching body (CPPCC for a proposal, the
    congress for a motion or suggestion), level, place and term, in force on `on`."""
    body = BODY_OF_KIND[kind]
    people = [lead, *co_submitters]
    holders = set(
        PoliticalPost.objects.in_force(on)
        .filter(person__in=people, body=body, level=level, place=place, term=term)
        .values_list("person_id", flat=True)
    )
    label = f"{place}{Body(body).label}"

    def problem(p: Person) -> str:
        return _(
            "%(name)s holds no post in the %(body)s (%(level)s, term %(term)s) on %(on)s, "
            "so cannot submit a %(kind)s there."
        ) % {
            "name": p.name,
            "body": label,
            "level": Level(level).label,
            "term": term,
            "on": on.isoformat(),
            "kind": ProposalKind(kind).label,
        }

    errors: dict[str, list[str]] = {}
    if lead.pk not in holders:
        errors["lead"] = [problem(lead)]
    missing = [problem(p) for p in co_submitters if p.pk not in holders]
    if missing:
        errors["co_submitters"] = missing
    return errors


def _check_people(actor: Any, lead: Person | None, co_submitters: list[Person]) -> None:
    errors: dict[str, list[str]] = {}
    if lead is None:
        errors["lead"] = [_("Name the lead submitter.")]
    elif lead in co_submitters:
        errors["co_submitters"] = [
            _("%(name)s is the lead submitter, not a co-submitter.") % {"name": lead.name}
        ]
    if len({p.pk for p in co_submitters}) != len(co_submitters):
        errors.setdefault("co_submitters", []).append(_("A co-submitter is named twice."))
    if errors:
        raise ValidationError(errors)
    for p in [lead, *co_submitters]:
        if not may_on_person(actor, Perm.VIEW, p):
            raise PermissionDenied(_("You may not name %(name)s as a submitter.") % {"name": p})


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    for key in ("title", "place", "number", "text"):
        if key in data:
            data[key] = (data[key] or "").strip()
    if "title" in data and not data["title"]:
        errors["title"] = _("The title is required.")
    if "kind" in data and data["kind"] not in ProposalKind.values:
        errors["kind"] = _("Choose a proposal, a motion or a suggestion.")
    if "level" in data:
        if data["level"] not in Level.values:
            errors["level"] = _("Choose national, provincial, municipal or district.")
        elif data["level"] == Level.NATIONAL:
            data["place"] = ""
        elif not data.get("place"):
            errors["place"] = _("Say where the body sits, e.g. 宝安区 or 深圳市.")
    if errors:
        raise ValidationError(errors)
    return data


def _set_topics(proposal: Proposal, topics: Iterable[str | Topic]) -> None:
    objs = [
        t if isinstance(t, Topic) else Topic.objects.get_or_create(name=t.strip()[:50])[0]
        for t in topics
        if isinstance(t, Topic) or t.strip()
    ]
    proposal.topics.set(objs)


# --- the timeline ------------------------------------------------------------------------


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
        note=f"{Step(step).label}: {note}" if note else str(Step(step).label),
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
        allowed = ", ".join(str(Step(s).label) for s in NEXT_STEPS[status])
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


# --- drafting ----------------------------------------------------------------------------


@transaction.atomic
def create_proposal(
    *,
    actor: Any,
    organization: Organization,
    kind: str,
    level: str,
    session_year: int,
    session_term: int,
    session_sitting: int,
    title: str,
    lead: Person,
    place: str = "",
    text: str = "",
    number: str = "",
    co_submitters: Iterable[Person] = (),
    topics: Iterable[str | Topic] = (),
    submit_on: datetime.date | None = None,
) -> Proposal:
    """Draft a proposal recorded by `organization`; with `submit_on`, submit it too."""
    require(actor, Perm.CHANGE, organization.pk)
    co = list(co_submitters)
    _check_people(actor, lead, co)
    data = _clean_fields(
        {
            "kind": kind,
            "level": level,
            "place": place,
            "title": title,
            "text": text,
            "number": number,
        }
    )
    proposal = Proposal(
        organization=organization,
        session_year=session_year,
        session_term=session_term,
        session_sitting=session_sitting,
        lead=lead,
        **data,
    )
    proposal.full_clean()
    proposal.save()
    proposal.co_submitters.set(co)
    _set_topics(proposal, topics)
    _record(
        actor=actor,
        proposal=proposal,
        step=Step.DRAFT,
        on=min(submit_on or _today(), _today()),
        from_status="",
        changes={
            **audit.snapshot(proposal, PROPOSAL_FIELDS),
            "co_submitters": [p.name for p in co],
        },
    )
    if submit_on is not None:
        submit_proposal(actor=actor, proposal=proposal, on=submit_on)
    return proposal


@transaction.atomic
def update_proposal(*, actor: Any, proposal: Proposal, **fields: Any) -> Proposal:
    """Change a draft. Once submitted, a proposal's content is what was submitted."""
    require(actor, Perm.CHANGE, proposal.organization_id)
    if proposal.status != Status.DRAFTED:
        raise ValidationError(
            _("Only a draft can be edited; this proposal is “%(status)s”.")
            % {"status": proposal.get_status_display()}
        )
    unknown = set(fields) - DRAFT_EDITABLE
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    co = list(fields.pop("co_submitters", proposal.co_submitters.all()))
    topics = fields.pop("topics", None)
    _check_people(actor, fields.get("lead", proposal.lead), co)
    if "level" in fields and "place" not in fields:
        fields["place"] = proposal.place
    data = _clean_fields(fields)
    before = audit.snapshot(proposal, PROPOSAL_FIELDS)
    for key, value in data.items():
        setattr(proposal, key, value)
    proposal.full_clean()
    proposal.save()
    proposal.co_submitters.set(co)
    if topics is not None:
        _set_topics(proposal, topics)
    changes = audit.diff(before, audit.snapshot(proposal, PROPOSAL_FIELDS))
    _record(
        actor=actor,
        proposal=proposal,
        step=Step.EDIT,
        on=_today(),
        from_status=proposal.status,
        changes=changes,
    )
    return proposal


# --- steps -------------------------------------------------------------------------------


@transaction.atomic
def submit_proposal(*, actor: Any, proposal: Proposal, on: datetime.date) -> Proposal:
    """Submit to the session. Refused unless every submitter holds a matching post on
    `on`; the error names each one who does not."""
    p = _begin(actor, proposal, Step.SUBMIT, on)
    errors = _submitter_errors(
        kind=p.kind,
        level=p.level,
        place=p.place,
        term=p.session_term,
        on=on,
        lead=p.lead,
        co_submitters=list(p.co_submitters.all()),
    )
    if errors:
        raise ValidationError(errors)
    before = p.status
    p.status, p.submitted_on = Status.SUBMITTED, on
    p.save(update_fields=["status", "submitted_on", "updated"])
    _record(actor=actor, proposal=p, step=Step.SUBMIT, on=on, from_status=before)
    return proposal


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
        note = f"{reason} ({_('passed on as an opinion')})"
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
    names = ", ".join(str(u) for u in co)
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
