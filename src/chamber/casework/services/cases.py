"""The case workflow. Each step is one function: it locks the case, checks the
actor's right to change records of the case's organisation and that the step is legal
from the current state, validates its input, writes the case, one CaseEvent row and
one audit entry, all in one transaction. An illegal step raises ValidationError
(keyed `status`) naming the state and the steps possible from it.

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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chamber.core import audit, notices
from chamber.core.names import user_name
from chamber.core.text import join_list
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

# The states each step may start from. Some steps add a condition (see _conditions).
ALLOWED_FROM: dict[str, frozenset[str]] = {
    Step.ASSIGN: frozenset({S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS, S.RETURNED, S.REOPENED}),
    Step.START: frozenset({S.ASSIGNED, S.RETURNED, S.REOPENED}),
    Step.HAND_OVER: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.RETURNED, S.REOPENED}),
    Step.RETURN: frozenset({S.IN_PROGRESS}),
    Step.RESOLVE: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.REOPENED}),
    Step.FOLLOW_UP: frozenset({S.RESOLVED}),
    Step.REOPEN: frozenset({S.FOLLOWED_UP}),
    Step.CLOSE: frozenset({S.FOLLOWED_UP}),
    Step.REJECT: frozenset({S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS, S.RETURNED}),
    Step.MERGE: frozenset({S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS, S.RETURNED, S.REOPENED}),
    Step.URGE: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.RETURNED, S.REOPENED}),
}

# What each step is called on a button, and in errors.
STEP_ACTIONS: dict[str, Any] = {
    Step.ASSIGN: gettext_lazy("Assign"),
    Step.START: gettext_lazy("Start work"),
    Step.HAND_OVER: gettext_lazy("Hand over to a department"),
    Step.RETURN: gettext_lazy("Record a return by the department"),
    Step.RESOLVE: gettext_lazy("Resolve"),
    Step.FOLLOW_UP: gettext_lazy("Record the follow-up"),
    Step.REOPEN: gettext_lazy("Reopen"),
    Step.CLOSE: gettext_lazy("Close"),
    Step.REJECT: gettext_lazy("Reject"),
    Step.MERGE: gettext_lazy("Merge into another case"),
    Step.URGE: gettext_lazy("Urge"),
}

ESCALATE_AFTER_RETURNS = getattr(settings, "CASEWORK_ESCALATE_AFTER_RETURNS", 3)


def _conditions(case: Case, step: str) -> str | None:
    """Why `step` is not possible beyond the state table, or None."""
    if step == Step.HAND_OVER and case.status == S.IN_PROGRESS and case.department_id:
        return _("The case is with %(dept)s already; record its return first.") % {
            "dept": case.department
        }
    if step == Step.HAND_OVER and case.assignee_id is None:
        return _("Assign the case to a staff member before handing it over.")
    if step == Step.RETURN and case.department_id is None:
        return _("Only a case handed to a department can be returned by it.")
    if step == Step.REOPEN and case.satisfaction != Satisfaction.UNSATISFIED:
        return _("Only a case whose follow-up was unsatisfied can be reopened.")
    return None


def legal_steps(case: Case) -> list[str]:
    """The steps possible from the case's current state, in button order (urging,
    which changes no state, last)."""
    return [
        step
        for step in STEP_ACTIONS
        if case.status in ALLOWED_FROM[step] and _conditions(case, step) is None
    ]


def next_steps(case: Case, user: Any) -> list[str]:
    """The steps `user` may take now: none without the right to change the case."""
    if not scope.has_perm(user, Perm.CHANGE, case.organization_id):
        return []
    return legal_steps(case)


def _check(case: Case, step: str) -> None:
    if case.status not in ALLOWED_FROM[step]:
        possible = join_list(str(STEP_ACTIONS[s]) for s in legal_steps(case)) or _("none")
        raise ValidationError(
            {
                "status": _(
                    "“%(action)s” is not possible: the case is %(status)s. Possible now: %(next)s."
                )
                % {
                    "action": STEP_ACTIONS[step],
                    "status": case.get_status_display(),
                    "next": possible,
                }
            }
        )
    why = _conditions(case, step)
    if why:
        raise ValidationError({"status": why})


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _begin(actor: Any, case: Case, step: str) -> tuple[Case, str]:
    """Lock the case row, check the right and the state; return the locked copy."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join.
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("department", "category", "organization")
        .get(pk=case.pk)
    )
    require(actor, Perm.CHANGE, locked.organization_id)
    _check(locked, step)
    return locked, locked.status


def _finish(
    *,
    actor: Any,
    case: Case,
    original: Case,
    step: str,
    before: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    fields: list[str],
) -> CaseEvent:
    case.save(update_fields=[*fields, "updated"])
    event = CaseEvent.objects.create(
        case=case,
        step=step,
        from_status=before,
        to_status=case.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        comment=comment,
        data=data or {},
    )
    audit.record(
        actor=actor,
        action=audit.AuditAction.STEP,
        obj=case,
        subject=case.enterprise,
        organization_id=case.organization_id,
        changes={"step": step, "status": [before, case.status], **(changes or {})},
        note=comment,
    )
    notices.emit(f"case.{step}", case, actor=actor, step_id=event.pk)
    # The caller's instance reflects the new state too.
    for f in [*fields, "updated"]:
        setattr(original, f, getattr(case, f))
    return event


def _today() -> datetime.date:
    return timezone.localdate()


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
    assignee: Any = None,
) -> Case:
    """Record a problem an enterprise raised. Its due date is the category's time
    limit in working days from receipt; handing it to a department restarts the clock."""
    require(actor, Perm.CHANGE, organization.pk)
    errors: dict[str, str] = {}
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
    received_on = received_on or _today()
    if received_on > _today():
        errors["received_on"] = _("A case cannot be received in the future.")
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
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    case.full_clean()
    case.save()
    CaseEvent.objects.create(
        case=case,
        step=Step.RAISE,
        from_status="",
        to_status=S.RECEIVED,
        actor=case.created_by,
        comment=case.description[:500],
        data={
            "source": source,
            "category": category.code,
            "due_on": case.due_on.isoformat(),
        },
    )
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=case,
        subject=enterprise,
        organization_id=organization.pk,
        changes={
            "title": case.title,
            "category": category.code,
            "source": source,
            "priority": priority,
            "received_on": received_on.isoformat(),
            "due_on": case.due_on.isoformat(),
        },
    )
    if assignee is not None:
        assign_case(actor=actor, case=case, assignee=assignee)
    return case


# --- Steps -------------------------------------------------------------------------------


@transaction.atomic
def assign_case(*, actor: Any, case: Case, assignee: Any, comment: str = "") -> Case:
    """Give the case to a staff member of its organisation (again, to reassign). A case
    already in progress stays in progress with its new assignee."""
    locked, before = _begin(actor, case, Step.ASSIGN)
    _check_assignee(locked, assignee)
    if locked.assignee_id == assignee.pk:
        raise ValidationError({"assignee": _("The case is assigned to this person already.")})
    previous = locked.assignee if locked.assignee_id else None
    locked.assignee = assignee
    if before != S.IN_PROGRESS:
        locked.status = S.ASSIGNED
    _finish(
        actor=actor,
        case=locked,
        original=case,
        step=Step.ASSIGN,
        before=before,
        comment=comment,
        # the data names accounts (pages show their 姓名); the trail shows names
        data={
            "assignee": assignee.get_username(),
            "previous": previous.get_username() if previous else None,
        },
        changes={"assignee": [user_name(previous) or None, user_name(assignee)]},
        fields=["assignee", "status"],
    )
    return case


@transaction.atomic
def start_case(*, actor: Any, case: Case, comment: str = "") -> Case:
    """The chamber works on the case itself."""
    locked, before = _begin(actor, case, Step.START)
    if locked.assignee_id is None:
        raise ValidationError({"assignee": _("Assign the case before starting work on it.")})
    locked.status = S.IN_PROGRESS
    _finish(
        actor=actor,
        case=locked,
        original=case,
        step=Step.START,
        before=before,
        comment=comment,
        fields=["status"],
    )
    return case


@transaction.atomic
def hand_over_case(*, actor: Any, case: Case, department: Department, comment: str = "") -> Case:
    """Hand the case to a government department (交办). The due date becomes the
    category's time limit in working days from today."""
    locked, before = _begin(actor, case, Step.HAND_OVER)
    if department is None:
        raise ValidationError({"department": _("Choose the department.")})
    if not department.active:
        raise ValidationError({"department": _("%(d)s is no longer in use.") % {"d": department}})
    today = _today()
    old_due = locked.due_on
    locked.department = department
    locked.handed_over_on = today
    locked.due_on = add_working_days(today, locked.category.time_limit_days)
    locked.status = S.IN_PROGRESS
    _finish(
        actor=actor,
        case=locked,
        original=case,
        step=Step.HAND_OVER,
        before=before,
        comment=comment,
        data={
            "department": department.name,
            "department_id": department.pk,
            "due_on": locked.due_on.isoformat(),
            "working_days": locked.category.time_limit_days,
        },
        changes={
            "department": department.name,
            "due_on": [old_due.isoformat() if old_due else None, locked.due_on.isoformat()],
        },
        fields=["department", "handed_over_on", "due_on", "status"],
    )
    return case


@transaction.atomic
def return_case(*, actor: Any, case: Case, reason: str) -> Case:
    """Record that the department sent the case back as wrongly assigned (退回). The
    third return (by default) escalates the case."""
    locked, before = _begin(actor, case, Step.RETURN)
    reason = _required(reason, "reason", _("Say why the department returned the case."))
    department = locked.department
    locked.department = None
    locked.handed_over_on = None
    locked.return_count += 1
    locked.status = S.RETURNED
    fields = ["department", "handed_over_on", "return_count", "status"]
    _finish(
        actor=actor,
        case=locked,
        original=case,
        step=Step.RETURN,
        before=before,
        comment=reason,
        data={
            "department": department.name,
            "department_id": department.pk,
            "returns": locked.return_count,
        },
        changes={"department": [department.name, None], "return_count": locked.return_count},
        fields=fields,
    )
    if locked.return_count >= ESCALATE_AFTER_RETURNS and not locked.escalated:
        locked.escalated = True
        locked.escalated_on = _today()
        _finish(
            actor=actor,
            case=locked,
            original=case,
            step=Step.ESCALATE,
            before=S.RETURNED,
            comment=_("Returned %(n)s times: escalated to the organisation's leaders.")
            % {"n": locked.return_count},
            data={"returns": locked.return_count},
            fields=["escalated", "escalated_on"],
        )
    return case


@transaction.atomic
def resolve_case(*, actor: Any, case: Case, resolution: str) -> Case:
    """The problem is solved (办结): say what was done."""
    locked, before = _begin(actor, case, Step.RESOLVE)
    resolution = _required(resolution, "resolution", _("Say what was done to solve it."))
    locked.resolution = resolution
    locked.resolved_on = _today()
    locked.status = S.RESOLVED
    _finish(
        actor=actor,
        case=locked,
        original=case,
        step=Step.RESOLVE,
        before=before,
        comment=resolution,
        data={
            "on_time": locked.due_on is None or locked.resolved_on <= locked.due_on,
            "department": locked.department.name if locked.department_id else None,
        },
        changes={"resolved_on": locked.resolved_on.isoformat()},
        fields=["resolution", "resolved_on", "status"],
    )
    return case


@transaction.atomic
def follow_up_case(
    *, actor: Any, case: Case, satisfaction: str, score: int | None, comment: str = ""
) -> Case:
    """The enterprise's verdict on the outcome (回访): satisfied, basically satisfied
    or unsatisfied, with a score from 1 to 5."""
    locked, before = _begin(actor, case, Step.FOLLOW_UP)
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
    locked.satisfaction = satisfaction
    locked.satisfaction_score = score
    locked.follow_up_comment = comment
    locked.followed_up_on = _today()
    locked.status = S.FOLLOWED_UP
    _finish(
        actor=actor,
        case=locked,
        original=case,
        step=Step.FOLLOW_UP,
        before=before,
        comment=comment,
        data={"satisfaction": satisfaction, "score": score},
        changes={"satisfaction": satisfaction, "score": score},
        fields=[
            "satisfaction",
            "satisfaction_score",
            "follow_up_comment",
            "followed_up_on",
            "status",
        ],
    )
    return case


@transaction.atomic
def reopen_case(*, actor: Any, case: Case, reason: str) -> Case:
    """Work on the case again after an unsatisfied follow-up. Its resolution stays in
    the timeline; the case counts as resolved again only when resolved again."""
    locked, before = _begin(actor, case, Step.REOPEN)
    reason = _required(reason, "reason", _("Say why the case is reopened."))
    locked.reopen_count += 1
    locked.status = S.REOPENED
    locked.resolved_on = None
    locked.due_on = add_working_days(_today(), locked.category.time_limit_days)
    _finish(
        actor=actor,
        case=locked,
        original=case,
        step=Step.REOPEN,
        before=before,
        comment=reason,
        data={"reopened": locked.reopen_count, "due_on": locked.due_on.isoformat()},
        changes={"reopen_count": locked.reopen_count},
        fields=["reopen_count", "status", "resolved_on", "due_on"],
    )
    return case


@transaction.atomic
def close_case(*, actor: Any, case: Case, comment: str = "") -> Case:
    locked, before = _begin(actor, case, Step.CLOSE)
    comment = (comment or "").strip()
    if locked.satisfaction == Satisfaction.UNSATISFIED and not comment:
        raise ValidationError(
            {"comment": _("The follow-up was unsatisfied: say why the case is closed anyway.")}
        )
    locked.closed_on = _today()
    locked.status = S.CLOSED
    _finish(
        actor=actor,
        case=locked,
        original=case,
        step=Step.CLOSE,
        before=before,
        comment=comment,
        fields=["closed_on", "status"],
    )
    return case


@transaction.atomic
def reject_case(*, actor: Any, case: Case, reason: str) -> Case:
    """Decline the case (e.g. outside what the chamber or government can act on)."""
    locked, before = _begin(actor, case, Step.REJECT)
    reason = _required(reason, "reason", _("Say why the case is rejected."))
    locked.closed_on = _today()
    locked.status = S.REJECTED
    _finish(
        actor=actor,
        case=locked,
        original=case,
        step=Step.REJECT,
        before=before,
        comment=reason,
        fields=["closed_on", "status"],
    )
    return case


@transaction.atomic
def merge_case(*, actor: Any, case: Case, into: Case, comment: str = "") -> Case:
    """The same problem is recorded in `into`: this case ends, pointing there. It is not
    counted again in the figures."""
    locked, before = _begin(actor, case, Step.MERGE)
    if into is None:
        raise ValidationError({"into": _("Choose the case to merge into.")})
    if into.pk == locked.pk:
        raise ValidationError({"into": _("A case cannot be merged into itself.")})
    target = Case.objects.filter(pk=into.pk).first()
    if target is None or (
        actor is not None and not scope.has_perm(actor, Perm.CHANGE, target.organization_id)
    ):
        raise ValidationError({"into": _("That case is not one you may change.")})
    if target.status in FINAL_STATUSES:
        raise ValidationError(
            {
                "into": _("Case #%(n)s is %(s)s.")
                % {"n": target.pk, "s": target.get_status_display()}
            }
        )
    locked.merged_into = target
    locked.closed_on = _today()
    locked.status = S.MERGED
    _finish(
        actor=actor,
        case=locked,
        original=case,
        step=Step.MERGE,
        before=before,
        comment=comment,
        data={"into": target.pk},
        changes={"merged_into": target.pk},
        fields=["merged_into", "closed_on", "status"],
    )
    return case


@transaction.atomic
def urge_case(*, actor: Any, case: Case, comment: str = "") -> Case:
    """Press the department (or the assignee) for progress (催办). The state stays."""
    locked, before = _begin(actor, case, Step.URGE)
    locked.urge_count += 1
    locked.last_urged_on = _today()
    _finish(
        actor=actor,
        case=locked,
        original=case,
        step=Step.URGE,
        before=before,
        comment=(comment or "").strip(),
        data={
            "urged": locked.urge_count,
            "department": locked.department.name if locked.department_id else None,
        },
        changes={"urge_count": locked.urge_count},
        fields=["urge_count", "last_urged_on"],
    )
    return case


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
