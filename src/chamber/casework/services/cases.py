"""The case workflow. Each step is one function: it locks the case, checks the
actor's right to change records of the case's organisation and that the step is legal
from the current state, validates its input, writes the case, one CaseEvent row and
one audit entry, all in one transaction. The steps are a table run by the one
step engine (`chamber.core.steps`): an illegal step raises `StepRefused` naming the
state and the steps possible from it; every step takes `occurred_at` (when it
happened; default now), and its dates (resolved on, due on ...) are that day's.

States and steps:

    received ──assign──▶ assigned ──start──▶ in progress ──resolve──▶ resolved
        │                   │  ╲                 │  ▲                     │
        │                   │   hand over ───────┘  │ return (by dept.,   follow up
        │                   │                       │  with reason) ──▶ returned
        ▼                   ▼                                              ▼
    reject / merge  (from any open state)                           followed up
                                                   close ◀──────────┘   │ unsatisfied
                                                                        ▼
                                                                     reopened ──▶ assign /
                                                                     start / hand over / resolve
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chamber.core import audit, notices
from chamber.core import steps as engine
from chamber.core.names import user_name
from chamber.members.models import Enterprise
from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from ..choices import (
    FINAL_STATUSES,
    CaseSource,
    Priority,
    Satisfaction,
    Status,
    Step,
)
from ..models import Case, CaseEvent, Category, Department, Visit
from ..workdays import add_working_days
from .common import require, visible

S = Status
OPEN_FOR_WORK = frozenset({S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS, S.RETURNED, S.REOPENED})

ESCALATE_AFTER_RETURNS = getattr(settings, "CASEWORK_ESCALATE_AFTER_RETURNS", 3)


# --- conditions beyond the state table ---------------------------------------------------


def _hand_over_condition(case: Case) -> str | None:
    if case.status == S.IN_PROGRESS and case.department_id:
        return _("The case is with %(dept)s already; record its return first.") % {
            "dept": case.department
        }
    if case.assignee_id is None:
        return _("Assign the case to a staff member before handing it over.")
    return None


def _return_condition(case: Case) -> str | None:
    if case.department_id is None:
        return _("Only a case handed to a department can be returned by it.")
    return None


def _reopen_condition(case: Case) -> str | None:
    if case.satisfaction != Satisfaction.UNSATISFIED:
        return _("Only a case whose follow-up was unsatisfied can be reopened.")
    return None


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _check_assignee(case: Case, assignee: Any) -> None:
    if assignee is None:
        raise ValidationError({"assignee": _("Choose the staff member who takes the case.")})
    if not assignee.is_active or not scope.has_perm(assignee, Perm.CHANGE, case.organization_id):
        raise ValidationError(
            {
                "assignee": _("%(user)s may not work on cases of %(org)s.")
                % {"user": user_name(assignee), "org": case.organization}
            }
        )


# --- what each step does (the engine has locked the case and checked right and state) ---


def _assign(ctx: engine.Ctx, *, assignee: Any, comment: str = "") -> None:
    case = ctx.record
    _check_assignee(case, assignee)
    if case.assignee_id == assignee.pk:
        raise ValidationError({"assignee": _("The case is assigned to this person already.")})
    previous = case.assignee if case.assignee_id else None
    ctx.set(assignee=assignee)
    # A case in progress stays in progress with its new assignee.
    ctx.to = S.IN_PROGRESS if ctx.before == S.IN_PROGRESS else S.ASSIGNED
    ctx.comment = comment
    # the data names accounts (pages show their 姓名); the trail shows names
    ctx.data = {
        "assignee": assignee.get_username(),
        "previous": previous.get_username() if previous else None,
    }
    ctx.changes = {"assignee": [user_name(previous) or None, user_name(assignee)]}


def _start(ctx: engine.Ctx, *, comment: str = "") -> None:
    if ctx.record.assignee_id is None:
        raise ValidationError({"assignee": _("Assign the case before starting work on it.")})
    ctx.comment = comment


def _hand_over(ctx: engine.Ctx, *, department: Department, comment: str = "") -> None:
    """The due date becomes the category's limit in working days from the day it was
    handed over (the real day, when entered later)."""
    case = ctx.record
    if department is None:
        raise ValidationError({"department": _("Choose the department.")})
    if not department.active:
        raise ValidationError({"department": _("%(d)s is no longer in use.") % {"d": department}})
    old_due = case.due_on
    ctx.set(
        department=department,
        handed_over_on=ctx.on,
        due_on=add_working_days(ctx.on, case.category.time_limit_days),
    )
    ctx.comment = comment
    ctx.data = {
        "department": department.name,
        "department_id": department.pk,
        "due_on": case.due_on.isoformat(),
        "working_days": case.category.time_limit_days,
    }
    ctx.changes = {
        "department": department.name,
        "due_on": [old_due.isoformat() if old_due else None, case.due_on.isoformat()],
    }


def _return(ctx: engine.Ctx, *, reason: str) -> None:
    case = ctx.record
    reason = _required(reason, "reason", _("Say why the department returned the case."))
    department = case.department
    ctx.set(department=None, handed_over_on=None, return_count=case.return_count + 1)
    ctx.comment = reason
    ctx.data = {
        "department": department.name,
        "department_id": department.pk,
        "returns": case.return_count,
    }
    ctx.changes = {"department": [department.name, None], "return_count": case.return_count}


def _resolve(ctx: engine.Ctx, *, resolution: str) -> None:
    case = ctx.record
    resolution = _required(resolution, "resolution", _("Say what was done to solve it."))
    ctx.set(resolution=resolution, resolved_on=ctx.on)
    ctx.comment = resolution
    ctx.data = {
        "on_time": case.due_on is None or ctx.on <= case.due_on,
        "department": case.department.name if case.department_id else None,
    }
    ctx.changes = {"resolved_on": ctx.on.isoformat()}


def _follow_up(ctx: engine.Ctx, *, satisfaction: str, score: int | None, comment: str = "") -> None:
    errors: dict[str, str] = {}
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = _("Choose satisfied, basically satisfied or unsatisfied.")
    if score is None or not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = _("Give a score from 1 to 5.")
    comment = (comment or "").strip()
    if satisfaction == Satisfaction.UNSATISFIED and not comment:
        errors["comment"] = _("Say what the enterprise is unsatisfied with.")
    if errors:
        raise ValidationError(errors)
    ctx.set(
        satisfaction=satisfaction,
        satisfaction_score=score,
        follow_up_comment=comment,
        followed_up_on=ctx.on,
    )
    ctx.comment = comment
    ctx.data = {"satisfaction": satisfaction, "score": score}
    ctx.changes = {"satisfaction": satisfaction, "score": score}


def _reopen(ctx: engine.Ctx, *, reason: str) -> None:
    """Its resolution stays in the timeline; the case counts as resolved again only
    when resolved again."""
    case = ctx.record
    reason = _required(reason, "reason", _("Say why the case is reopened."))
    ctx.set(
        reopen_count=case.reopen_count + 1,
        resolved_on=None,
        due_on=add_working_days(ctx.on, case.category.time_limit_days),
    )
    ctx.comment = reason
    ctx.data = {"reopened": case.reopen_count, "due_on": case.due_on.isoformat()}
    ctx.changes = {"reopen_count": case.reopen_count}


def _close(ctx: engine.Ctx, *, comment: str = "") -> None:
    comment = (comment or "").strip()
    if ctx.record.satisfaction == Satisfaction.UNSATISFIED and not comment:
        raise ValidationError(
            {"comment": _("The follow-up was unsatisfied: say why the case is closed anyway.")}
        )
    ctx.set(closed_on=ctx.on)
    ctx.comment = comment


def _reject(ctx: engine.Ctx, *, reason: str) -> None:
    ctx.comment = _required(reason, "reason", _("Say why the case is rejected."))
    ctx.set(closed_on=ctx.on)


def _merge(ctx: engine.Ctx, *, into: Case, comment: str = "") -> None:
    case = ctx.record
    if into is None:
        raise ValidationError({"into": _("Choose the case to merge into.")})
    if into.pk == case.pk:
        raise ValidationError({"into": _("A case cannot be merged into itself.")})
    target = Case.objects.filter(pk=into.pk).first()
    if target is None or (
        ctx.actor is not None and not scope.has_perm(ctx.actor, Perm.CHANGE, target.organization_id)
    ):
        raise ValidationError({"into": _("That case is not one you may change.")})
    if target.status in FINAL_STATUSES:
        raise ValidationError(
            {
                "into": _("Case #%(n)s is %(s)s.")
                % {"n": target.pk, "s": target.get_status_display()}
            }
        )
    ctx.set(merged_into=target, closed_on=ctx.on)
    ctx.comment = comment
    ctx.data = {"into": target.pk}
    ctx.changes = {"merged_into": target.pk}


def _urge(ctx: engine.Ctx, *, comment: str = "") -> None:
    case = ctx.record
    ctx.set(urge_count=case.urge_count + 1, last_urged_on=ctx.on)
    ctx.comment = (comment or "").strip()
    ctx.data = {
        "urged": case.urge_count,
        "department": case.department.name if case.department_id else None,
    }
    ctx.changes = {"urge_count": case.urge_count}


# --- the table ---------------------------------------------------------------------------


def _row(
    name: str, sources: set[str], to: str | None, label: Any, apply: Any, condition: Any = None
) -> engine.Step:
    return engine.Step(
        name=name,
        sources=frozenset(sources),
        to=to,
        label=label,
        perm=Perm.CHANGE,
        apply=apply,
        condition=condition,
    )


# In button order (urging, which changes no state, last).
STEPS: dict[str, engine.Step] = {
    s.name: s
    for s in [
        # assigned, or in progress still when it was (the step's part decides)
        _row(Step.ASSIGN, OPEN_FOR_WORK, None, gettext_lazy("Assign"), _assign),
        _row(
            Step.START,
            {S.ASSIGNED, S.RETURNED, S.REOPENED},
            S.IN_PROGRESS,
            gettext_lazy("Start work"),
            _start,
        ),
        _row(
            Step.HAND_OVER,
            {S.ASSIGNED, S.IN_PROGRESS, S.RETURNED, S.REOPENED},
            S.IN_PROGRESS,
            gettext_lazy("Hand over to a department"),
            _hand_over,
            _hand_over_condition,
        ),
        _row(
            Step.RETURN,
            {S.IN_PROGRESS},
            S.RETURNED,
            gettext_lazy("Record a return by the department"),
            _return,
            _return_condition,
        ),
        _row(
            Step.RESOLVE,
            {S.ASSIGNED, S.IN_PROGRESS, S.REOPENED},
            S.RESOLVED,
            gettext_lazy("Resolve"),
            _resolve,
        ),
        _row(
            Step.FOLLOW_UP,
            {S.RESOLVED},
            S.FOLLOWED_UP,
            gettext_lazy("Record the follow-up"),
            _follow_up,
        ),
        _row(
            Step.REOPEN,
            {S.FOLLOWED_UP},
            S.REOPENED,
            gettext_lazy("Reopen"),
            _reopen,
            _reopen_condition,
        ),
        _row(Step.CLOSE, {S.FOLLOWED_UP}, S.CLOSED, gettext_lazy("Close"), _close),
        _row(
            Step.REJECT,
            {S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS, S.RETURNED},
            S.REJECTED,
            gettext_lazy("Reject"),
            _reject,
        ),
        _row(Step.MERGE, OPEN_FOR_WORK, S.MERGED, gettext_lazy("Merge into another case"), _merge),
        _row(
            Step.URGE,
            {S.ASSIGNED, S.IN_PROGRESS, S.RETURNED, S.REOPENED},
            None,
            gettext_lazy("Urge"),
            _urge,
        ),
    ]
}

# Kept for the pages and tests that read the table by these names.
ALLOWED_FROM: dict[str, frozenset[str]] = {name: row.sources for name, row in STEPS.items()}
STEP_ACTIONS: dict[str, Any] = {name: row.label for name, row in STEPS.items()}


def _floor(case: Case) -> datetime.datetime | datetime.date:
    """A step cannot have happened before the case was received, nor before its
    previous step."""
    last = case.events.aggregate(last=Max("at"))["last"]
    return last or case.received_on


def _timeline(ctx: engine.Ctx) -> CaseEvent:
    row = CaseEvent.objects.create(
        case=ctx.record,
        step=ctx.step,
        from_status=ctx.before,
        to_status=ctx.record.status,
        actor=_user(ctx.actor),
        at=ctx.at,
        entered_at=ctx.entered_at,
        entered_late=ctx.late,
        comment=ctx.comment,
        data=ctx.data,
    )
    notices.emit(f"case.{ctx.step}", ctx.record, actor=ctx.actor, step_id=row.pk)
    return row


def _authorize(actor: Any, case: Case, perm: str) -> None:
    require(actor, perm, case.organization_id)


WORKFLOW = engine.Workflow(
    name="case",
    model=Case,
    steps=STEPS,
    authorize=_authorize,
    state_label=lambda state: str(Status(state).label),
    floor=_floor,
    organization_id=lambda case: case.organization_id,
    timeline=_timeline,
    subject=lambda case: case.enterprise,
    lock_of=("self",),  # PostgreSQL cannot lock the nullable side of an outer join
    related=("department", "category"),
    refused=gettext_lazy(
        "“%(step)s” is not possible: the case is %(state)s. Possible now: %(next)s."
    ),
)


def legal_steps(case: Case) -> list[str]:
    """The steps possible from the case's current state, in button order."""
    return WORKFLOW.legal_steps(case)


def next_steps(case: Case, user: Any) -> list[str]:
    """The steps `user` may take now: none without the right to change the case."""
    if not scope.has_perm(user, Perm.CHANGE, case.organization_id):
        return []
    return legal_steps(case)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _today() -> datetime.date:
    return timezone.localdate()


# --- Raising a case ----------------------------------------------------------------------


@transaction.atomic
def raise_case(
    *,
    actor: Any,
    organization: Organization,
    enterprise: Enterprise,
    category: Category,
    title: str,
    description: str = "",
    priority: str = Priority.NORMAL,
    source: str = CaseSource.OTHER,
    visit: Visit | None = None,
    received_on: datetime.date | None = None,
    occurred_at: Any = None,
    assignee: Any = None,
) -> Case:
    """Record a problem an enterprise raised, when it was received (`occurred_at` or
    `received_on`; default now). Its due date is the category's time limit in working
    days from receipt; handing it to a department restarts the clock."""
    require(actor, Perm.CHANGE, organization.pk)
    errors: dict[str, Any] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Say in a line what the problem is.")
    if not visible(actor, Enterprise, [enterprise.pk], Perm.VIEW):
        errors["enterprise"] = _("This enterprise is not a member in your organisations.")
    if not category.active:
        errors["category"] = _("The category %(c)s is no longer in use.") % {"c": category}
    if priority not in Priority.values:
        errors["priority"] = _("Unknown priority %(p)s.") % {"p": priority}
    if source not in CaseSource.values:
        errors["source"] = _("Unknown source %(s)s.") % {"s": source}
    entered = engine.entered_now()
    field_name = "occurred_at" if occurred_at not in (None, "") else "received_on"
    given = occurred_at if occurred_at not in (None, "") else received_on
    try:
        at = engine.settle_moment(
            given,
            not_before=visit.date if visit is not None else None,
            now=entered,
            field_name=field_name,
        )
    except ValidationError as e:
        errors.update(e.message_dict)
        at = entered
    received_on = engine.local_day(at)
    if visit is not None:
        if visit.organization_id != organization.pk:
            errors["visit"] = _("The visit belongs to another organisation.")
        elif not visit.enterprises.filter(pk=enterprise.pk).exists():
            errors["enterprise"] = _("%(e)s was not visited on that visit.") % {"e": enterprise}
        source = CaseSource.VISIT
    elif source == CaseSource.VISIT:
        errors["visit"] = _("A case raised on a visit needs the visit.")
    if errors:
        raise ValidationError(errors)
    case = Case(
        organization=organization,
        enterprise=enterprise,
        visit=visit,
        source=source,
        category=category,
        title=title[:200],
        description=(description or "").strip(),
        priority=priority,
        status=S.RECEIVED,
        received_on=received_on,
        due_on=add_working_days(received_on, category.time_limit_days),
        created_by=_user(actor),
    )
    case.full_clean()
    case.save()
    late = engine.is_late(at, entered, day_only=engine.is_day_only(given))
    CaseEvent.objects.create(
        case=case,
        step=Step.RAISE,
        from_status="",
        to_status=S.RECEIVED,
        actor=case.created_by,
        at=at,
        entered_at=entered,
        entered_late=late,
        comment=case.description[:500],
        data={
            "source": source,
            "category": category.code,
            "due_on": case.due_on.isoformat(),
        },
    )
    changes: dict[str, Any] = {
        "title": case.title,
        "category": category.code,
        "source": source,
        "priority": priority,
        "received_on": received_on.isoformat(),
        "due_on": case.due_on.isoformat(),
    }
    if at.time() != datetime.time.min or engine.local_day(at) != received_on:
        changes["occurred_at"] = at.isoformat()  # the moment, when more than the day
    if late:
        changes.update(entered_late=True, entered_at=entered.isoformat())
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=case,
        subject=enterprise,
        organization_id=organization.pk,
        changes=changes,
    )
    if assignee is not None:
        assign_case(actor=actor, case=case, assignee=assignee, occurred_at=at)
    return case


# --- Steps: each the engine taking a row of the table --------------------------------------


def take(step: str, case: Case, *, actor: Any, occurred_at: Any = None, **data: Any) -> Case:
    """Take `step` on `case` (the pages, the API and the importer call this, or the
    named functions below)."""
    return WORKFLOW.take(step, case, actor=actor, occurred_at=occurred_at, **data)


def assign_case(
    *, actor: Any, case: Case, assignee: Any, comment: str = "", occurred_at: Any = None
) -> Case:
    """Give the case to a staff member of its organisation (again, to reassign)."""
    return take(
        Step.ASSIGN, case, actor=actor, occurred_at=occurred_at, assignee=assignee, comment=comment
    )


def start_case(*, actor: Any, case: Case, comment: str = "", occurred_at: Any = None) -> Case:
    """The chamber works on the case itself."""
    return take(Step.START, case, actor=actor, occurred_at=occurred_at, comment=comment)


def hand_over_case(
    *,
    actor: Any,
    case: Case,
    department: Department,
    comment: str = "",
    occurred_at: Any = None,
) -> Case:
    """Hand the case to a government department (交办)."""
    return take(
        Step.HAND_OVER,
        case,
        actor=actor,
        occurred_at=occurred_at,
        department=department,
        comment=comment,
    )


@transaction.atomic
def return_case(*, actor: Any, case: Case, reason: str, occurred_at: Any = None) -> Case:
    """Record that the department sent the case back as wrongly assigned (退回). The
    third return (by default) escalates the case, the same moment."""
    take(Step.RETURN, case, actor=actor, occurred_at=occurred_at, reason=reason)
    if case.return_count >= ESCALATE_AFTER_RETURNS and not case.escalated:
        last = case.events.order_by("-at", "-id").first()
        case.escalated = True
        case.escalated_on = engine.local_day(last.at)
        case.save(update_fields=["escalated", "escalated_on", "updated"])
        comment = _("Returned %(n)s times: escalated to the organisation's leaders.") % {
            "n": case.return_count
        }
        escalation = CaseEvent.objects.create(
            case=case,
            step=Step.ESCALATE,
            from_status=S.RETURNED,
            to_status=case.status,
            actor=_user(actor),
            at=last.at,
            entered_at=last.entered_at,
            entered_late=last.entered_late,
            comment=comment,
            data={"returns": case.return_count},
        )
        audit.record(
            actor=actor,
            action=audit.AuditAction.STEP,
            obj=case,
            subject=case.enterprise,
            organization_id=case.organization_id,
            changes={"step": Step.ESCALATE, "status": [S.RETURNED, case.status]},
            note=comment,
        )
        notices.emit(f"case.{Step.ESCALATE}", case, actor=actor, step_id=escalation.pk)
    return case


def resolve_case(*, actor: Any, case: Case, resolution: str, occurred_at: Any = None) -> Case:
    """The problem is solved (办结): say what was done."""
    return take(Step.RESOLVE, case, actor=actor, occurred_at=occurred_at, resolution=resolution)


def follow_up_case(
    *,
    actor: Any,
    case: Case,
    satisfaction: str,
    score: int | None,
    comment: str = "",
    occurred_at: Any = None,
) -> Case:
    """The enterprise's verdict on the outcome (回访)."""
    return take(
        Step.FOLLOW_UP,
        case,
        actor=actor,
        occurred_at=occurred_at,
        satisfaction=satisfaction,
        score=score,
        comment=comment,
    )


def reopen_case(*, actor: Any, case: Case, reason: str, occurred_at: Any = None) -> Case:
    """Work on the case again after an unsatisfied follow-up."""
    return take(Step.REOPEN, case, actor=actor, occurred_at=occurred_at, reason=reason)


def close_case(*, actor: Any, case: Case, comment: str = "", occurred_at: Any = None) -> Case:
    return take(Step.CLOSE, case, actor=actor, occurred_at=occurred_at, comment=comment)


def reject_case(*, actor: Any, case: Case, reason: str, occurred_at: Any = None) -> Case:
    """Decline the case (e.g. outside what the chamber or government can act on)."""
    return take(Step.REJECT, case, actor=actor, occurred_at=occurred_at, reason=reason)


def merge_case(
    *, actor: Any, case: Case, into: Case, comment: str = "", occurred_at: Any = None
) -> Case:
    """The same problem is recorded in `into`: this case ends, pointing there. It is not
    counted again in the figures."""
    return take(Step.MERGE, case, actor=actor, occurred_at=occurred_at, into=into, comment=comment)


def urge_case(*, actor: Any, case: Case, comment: str = "", occurred_at: Any = None) -> Case:
    """Press the department (or the assignee) for progress (催办). The state stays."""
    return take(Step.URGE, case, actor=actor, occurred_at=occurred_at, comment=comment)


def staff_for(organization: Organization):
    """Users who may work on cases of `organization` (hold CHANGE over it)."""
    from chamber.orgs.choices import ROLE_PERMS
    from chamber.orgs.models import RoleAssignment

    roles = [r for r, perms in ROLE_PERMS.items() if Perm.CHANGE in perms]
    ancestors = [int(p) for p in organization.path.strip("/").split("/") if p]
    ids = RoleAssignment.objects.filter(role__in=roles, organization_id__in=ancestors).values(
        "user_id"
    )
    return get_user_model().objects.filter(is_active=True).filter(pk__in=ids).order_by("username")
