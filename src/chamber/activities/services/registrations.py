"""Writes for sign-ups: register (confirmed or waiting list), cancel (the waiting list
moves up), change the party size, check in (by list or by code), undo a check-in.

Capacity and check-in are safe under concurrency: every step that counts places
locks the event row first (select_for_update; on SQLite the IMMEDIATE transaction
serialises writers the same way), and a registration has at most one check-in by a
database constraint."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chamber.core import audit, notices
from chamber.core import steps as engine
from chamber.members.models import Enterprise, Membership, Person
from chamber.orgs.choices import Perm

from ..choices import ACTIVE_REGISTRATION, CheckInMethod, EventStatus, RegistrationStatus
from ..models import CheckIn, Event, Registration
from ..models.events import QR_PREFIX
from ._common import require_visible_member
from ._common import user_or_none as _user
from ._event_base import locked as _locked
from ._event_base import require_event
from ._event_base import when as _when

# A confirmed sign-up whose people came: derived from its CheckIn row, never stored.
CHECKED_IN = "checked_in"
CHECKED_IN_LABEL = gettext_lazy("checked in")

# --- Sign-up and the waiting list --------------------------------------------------------


def seats_taken(event: Event) -> int:
    """People on confirmed sign-ups (walk-ins included)."""
    return (
        event.registrations.filter(status=RegistrationStatus.CONFIRMED).aggregate(
            n=Sum("party_size")
        )["n"]
        or 0
    )


def _check_open_to(event: Event, enterprise: Enterprise | None, person: Person | None) -> None:
    """Who may sign up: members (on the event's day) of the organisations it is open
    to, or of any organisation below them."""
    paths = list(event.open_to.values_list("path", "name"))
    if not paths:
        return
    day = timezone.localtime(event.starts_at).date()
    members = Membership.objects.active(day)
    cond = None
    for path, _name in paths:
        q = members.filter(organization__path__startswith=path)
        cond = q if cond is None else cond | q
    ids = []
    if enterprise is not None:
        ids.append(("enterprise", enterprise.pk))
    if person is not None:
        ids.append(("person", person.pk))
        if person.enterprise_id:
            ids.append(("enterprise", person.enterprise_id))
    for field, pk in ids:
        if cond.filter(**{field: pk}).exists():
            return
    raise ValidationError(
        {
            "enterprise" if enterprise else "person": _(
                "Only members of %(orgs)s may sign up for this event."
            )
            % {"orgs": "、".join(name for _path, name in paths)}
        }
    )


def _check_not_signed_up(event: Event, enterprise: Enterprise | None, person: Person | None):
    active = event.registrations.filter(status__in=ACTIVE_REGISTRATION)
    if person is not None:
        existing = active.filter(person=person).first()
        if existing:
            raise ValidationError(
                {
                    "person": _("%(name)s has signed up already (%(status)s).")
                    % {"name": person.name, "status": existing.get_status_display()}
                }
            )
    elif active.filter(enterprise=enterprise, person__isnull=True).exists():
        raise ValidationError(
            {
                "enterprise": _(
                    "%(name)s has signed up already; to bring more people, raise the number "
                    "on its sign-up or sign up the people by name."
                )
                % {"name": enterprise.name}
            }
        )


def _check_in_closed(event: Event) -> str | None:
    """Why nobody can check in to `event` now, or None."""
    if event.status not in (EventStatus.ANNOUNCED, EventStatus.CLOSED):
        return _("“%(title)s” is %(status)s: nobody can check in.") % {
            "title": event.title,
            "status": event.get_status_display(),
        }
    day = timezone.localtime(event.starts_at).date()
    if timezone.localdate() < day:
        return _("Check-in opens on the day of the event, %(day)s.") % {
            "day": date_format(day, "DATE_FORMAT")
        }
    return None


def _check_in_window(event: Event) -> None:
    why = _check_in_closed(event)
    if why:
        raise engine.StepRefused(why, state=event.state, allowed_steps=[])


@transaction.atomic
def register(
    *,
    actor: Any,
    event: Event,
    enterprise: Enterprise | None = None,
    person: Person | None = None,
    party_size: int = 1,
    note: str = "",
    walk_in: bool = False,
    over_capacity: bool = False,
    occurred_at: Any = None,
) -> Registration:
    """Sign up a person, an enterprise, or a person for an enterprise. While places are
    free the sign-up is confirmed, then it joins the waiting list. A walk-in is signed
    up and checked in at once; it needs a free place unless `over_capacity`."""
    require_event(actor, event)
    if enterprise is None and person is None:
        raise ValidationError({"enterprise": _("Name a person, an enterprise or both.")})
    if party_size is None or party_size < 1:
        raise ValidationError({"party_size": _("At least one person comes.")})
    if enterprise is None and person is not None and person.enterprise_id:
        enterprise = person.enterprise
    if (
        enterprise is not None
        and person is not None
        and person.enterprise_id
        and person.enterprise_id != enterprise.pk
    ):
        raise ValidationError(
            {
                "person": _("%(person)s is recorded at %(ent)s, not at %(other)s.")
                % {"person": person.name, "ent": person.enterprise.name, "other": enterprise.name}
            }
        )
    require_visible_member(actor, enterprise=enterprise, person=person)
    event = _locked(event)
    if walk_in:
        _check_in_window(event)
    entered = engine.entered_now()
    # A walk-in happened at the event (not before its day); a sign-up before it ends.
    registered_at = engine.settle_moment(
        occurred_at, not_before=_event_day_start(event) if walk_in else None, now=entered
    )
    if walk_in:
        pass
    elif occurred_at not in (None, "") and _was_open(event, registered_at):
        pass  # a sign-up recorded after the fact, made while sign-up was open
    elif not event.is_open:
        # Signing up is a step on the event: refused by its state (409 in the API).
        if event.state == EventStatus.ANNOUNCED:
            why = _("Sign-up for “%(title)s” closed at %(when)s.") % {
                "title": event.title,
                "when": _when(event.registration_deadline),
            }
        else:
            why = _("“%(title)s” is %(status)s: it does not take sign-ups.") % {
                "title": event.title,
                "status": event.get_state_display(),
            }
        raise engine.StepRefused(why, state=event.state, allowed_steps=[])
    _check_open_to(event, enterprise, person)
    _check_not_signed_up(event, enterprise, person)
    taken = seats_taken(event)
    fits = event.capacity is None or taken + party_size <= event.capacity
    if fits and not walk_in and event.capacity is not None:
        # Nobody jumps the queue: while anyone waits, a new sign-up waits behind them
        # (a walk-in is at the door, and takes a free place if there is one).
        fits = not event.registrations.filter(status=RegistrationStatus.WAITLISTED).exists()
    if fits or (walk_in and over_capacity):
        status = RegistrationStatus.CONFIRMED
    elif walk_in:
        raise ValidationError(
            _(
                "The event is full (%(taken)s of %(capacity)s places). Admit the walk-in over "
                "capacity only if the room allows."
            )
            % {"taken": taken, "capacity": event.capacity}
        )
    else:
        status = RegistrationStatus.WAITLISTED
    reg = Registration(
        event=event,
        enterprise=enterprise,
        person=person,
        party_size=party_size,
        status=status,
        walk_in=walk_in,
        note=(note or "").strip()[:200],
        created_by=_user(actor),
        registered_at=registered_at,
    )
    reg.full_clean(exclude=["code"])
    try:
        with transaction.atomic():
            reg.save()
    except IntegrityError:
        # Only reachable in a race the lock did not cover (e.g. a concurrent cancel
        # and re-sign-up); the constraint keeps one active sign-up per registrant.
        raise ValidationError(_("This registrant has signed up already.")) from None
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=reg,
        subject=enterprise or person,
        organization_id=event.organization_id,
        changes={
            "event": event.title,
            "status": status,
            "party_size": party_size,
            "walk_in": walk_in,
            "occurred_at": registered_at.isoformat(),
            **(
                {"entered_late": True, "entered_at": entered.isoformat()}
                if engine.is_late(registered_at, entered, day_only=engine.is_day_only(occurred_at))
                else {}
            ),
        },
    )
    if walk_in:
        REGISTRATION_WORKFLOW.take(
            "check_in",
            reg,
            actor=actor,
            occurred_at=occurred_at,
            method=CheckInMethod.WALK_IN,
            headcount=party_size,
        )
    else:
        notices.emit("registration.made", reg, actor=actor)
    return reg


def _event_day_start(event: Event) -> datetime.datetime:
    return engine.start_of_day(timezone.localtime(event.starts_at).date())


def _was_open(event: Event, at: datetime.datetime) -> bool:
    """Whether sign-up for `event` was open at `at` (a sign-up recorded later): it was
    announced, not cancelled, and `at` is before the deadline and the event's end."""
    if event.status not in (EventStatus.ANNOUNCED, EventStatus.CLOSED):
        return False
    deadline = event.registration_deadline or event.ends_at
    return at <= deadline


def promote_waiting_list(actor: Any, event: Event) -> list[Registration]:
    """Move the waiting list up, first come first served, while the next in line fits.
    The caller holds the event's lock."""
    if event.status == EventStatus.CANCELLED:
        return []
    waiting = list(
        event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by(
            "registered_at", "id"
        )
    )
    if not waiting:
        return []
    free = None if event.capacity is None else event.capacity - seats_taken(event)
    promoted = []
    now = timezone.now()
    for reg in waiting:
        if free is not None and reg.party_size > free:
            break  # strictly in order: a smaller party behind does not jump the queue
        reg.status, reg.status_changed_at = RegistrationStatus.CONFIRMED, now
        reg.save(update_fields=["status", "status_changed_at"])
        if free is not None:
            free -= reg.party_size
        promoted.append(reg)
        audit.record(
            actor=actor,
            action=audit.AuditAction.STEP,
            obj=reg,
            subject=reg.enterprise or reg.person,
            organization_id=event.organization_id,
            changes={"status": [RegistrationStatus.WAITLISTED, RegistrationStatus.CONFIRMED]},
            note=_("moved up from the waiting list"),
        )
        notices.emit("registration.promoted", reg, actor=actor)
    return promoted


@transaction.atomic
def cancel_registration(
    *, actor: Any, registration: Registration, reason: str = "", occurred_at: Any = None
) -> Registration:
    """Cancel a sign-up; its places go to the waiting list in order."""
    require_event(actor, registration.event)
    event = _locked(registration.event)  # the event first: seats are counted under it
    REGISTRATION_WORKFLOW.take(
        "cancel", registration, actor=actor, occurred_at=occurred_at, reason=reason
    )
    promote_waiting_list(actor, event)
    return registration


@transaction.atomic
def set_party_size(*, actor: Any, registration: Registration, party_size: int) -> Registration:
    """More or fewer people on a sign-up. More people need free places (or the sign-up
    waits); fewer free places for the waiting list."""
    require_event(actor, registration.event)
    event = _locked(registration.event)
    reg = Registration.objects.select_for_update().get(pk=registration.pk)
    if reg.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("This sign-up was cancelled."))
    if party_size < 1:
        raise ValidationError({"party_size": _("At least one person comes.")})
    grow = party_size - reg.party_size
    if reg.status == RegistrationStatus.CONFIRMED and grow > 0 and event.capacity is not None:
        free = event.capacity - seats_taken(event)
        if grow > free:
            raise ValidationError(
                {"party_size": _("Only %(free)s more places are free.") % {"free": max(free, 0)}}
            )
    before = reg.party_size
    reg.party_size = party_size
    reg.save(update_fields=["party_size"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.UPDATE,
        obj=reg,
        subject=reg.enterprise or reg.person,
        organization_id=event.organization_id,
        changes={"party_size": [before, party_size]},
    )
    promote_waiting_list(actor, event)
    return reg


# --- Check-in ----------------------------------------------------------------------------


def normalize_code(raw: str) -> str:
    """What a scanner read or a person typed, as a stored code: without the QR prefix,
    spaces and dashes, upper-cased."""
    value = (raw or "").strip()
    if value.upper().startswith(QR_PREFIX):
        value = value[len(QR_PREFIX) :]
    return value.upper().replace(" ", "").replace("-", "")


def _apply_check_in(ctx: engine.Ctx, *, method: str, headcount: int | None = None) -> CheckIn:
    reg = ctx.record
    if method not in CheckInMethod.values:
        raise ValidationError({"method": _("Unknown way of checking in.")})
    headcount = reg.party_size if headcount is None else headcount
    if not 1 <= headcount <= reg.party_size:
        raise ValidationError(
            {
                "headcount": _("Between 1 and %(n)s people can check in on this sign-up.")
                % {"n": reg.party_size}
            }
        )
    check = CheckIn(
        registration=reg, method=method, headcount=headcount, at=ctx.at, by=_user(ctx.actor)
    )
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:
        # Two phones scanned the same code at once: the constraint let one through.
        raise REGISTRATION_WORKFLOW.refuse(
            reg, _("%(name)s checked in already.") % {"name": reg.registrant_name}
        ) from None
    ctx.changes = {"check_in": check.at.isoformat(), "headcount": headcount, "method": method}
    return check


def _apply_undo(ctx: engine.Ctx, *, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the check-in is taken back.")})
    check = CheckIn.objects.select_for_update().get(registration=ctx.record)
    ctx.changes = {"check_in": [check.at.isoformat(), None]}
    ctx.comment = reason
    check.delete()


def _apply_cancel(ctx: engine.Ctx, *, reason: str = "") -> None:
    reason = (reason or "").strip()
    ctx.set(status_changed_at=ctx.at)
    if reason:
        ctx.set(note=reason[:200])
    ctx.comment = reason


def _registration_state(reg: Registration) -> str:
    """A confirmed sign-up whose people came is `checked_in` (its CheckIn row)."""
    if (
        reg.status == RegistrationStatus.CONFIRMED
        and CheckIn.objects.filter(registration=reg).exists()
    ):
        return CHECKED_IN
    return reg.status


def _why_not_check_in(reg: Registration) -> str | None:
    return _check_in_closed(reg.event)


def _registration_floor(reg: Registration) -> datetime.datetime:
    """A check-in or a cancellation is not before the sign-up; a check-in not before
    the event's day (checked by the step's own rule below)."""
    return reg.registered_at


def _registration_label(state: str) -> str:
    if state == CHECKED_IN:
        return str(CHECKED_IN_LABEL)
    return str(RegistrationStatus(state).label)


class RegistrationWorkflow(engine.Workflow):
    """Check-in is not before the event's day: its floor is the later of the sign-up
    and the start of that day."""

    def problem(self, record: Any, step: str) -> str | None:
        """The table's refusal, in the words the check-in desk knows."""
        state = self.state(record)
        name = record.registrant_name
        if step == "check_in" and state == CHECKED_IN:
            check = CheckIn.objects.get(registration=record)
            return _("%(name)s checked in already at %(when)s.") % {
                "name": name,
                "when": _when(check.at),
            }
        if step == "check_in" and state == RegistrationStatus.WAITLISTED:
            return _("%(name)s is still on the waiting list.") % {"name": name}
        if state == RegistrationStatus.CANCELLED and step in ("check_in", "cancel"):
            return (
                _("This sign-up was cancelled already.")
                if step == "cancel"
                else _("This sign-up was cancelled.")
            )
        if step == "cancel" and state == CHECKED_IN:
            return _("This person has checked in already: the sign-up stands.")
        return super().problem(record, step)

    def begin(self, step: str, record: Any, *, actor: Any, occurred_at: Any = None) -> engine.Ctx:
        ctx = super().begin(step, record, actor=actor, occurred_at=occurred_at)
        if step == "check_in":
            day = timezone.localtime(ctx.record.event.starts_at).date()
            if ctx.on < day:
                raise ValidationError(
                    {
                        "occurred_at": _("Check-in opens on the day of the event, %(day)s.")
                        % {"day": date_format(day, "DATE_FORMAT")}
                    }
                )
        return ctx


# Registration's table: `checked_in` is derived from its CheckIn row.
REGISTRATION_WORKFLOW = RegistrationWorkflow(
    name="registration",
    model=Registration,
    steps={
        s.name: s
        for s in [
            engine.Step(
                name="check_in",
                sources=frozenset({RegistrationStatus.CONFIRMED}),
                to=None,
                label=gettext_lazy("Check in"),
                perm=Perm.CHANGE,
                condition=_why_not_check_in,
                apply=_apply_check_in,
            ),
            engine.Step(
                name="undo_check_in",
                sources=frozenset({CHECKED_IN}),
                to=None,
                label=gettext_lazy("Undo check-in"),
                perm=Perm.CHANGE,
                apply=_apply_undo,
            ),
            engine.Step(
                name="cancel",
                sources=frozenset({RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED}),
                to=RegistrationStatus.CANCELLED,
                label=gettext_lazy("Cancel the sign-up"),
                perm=Perm.CHANGE,
                apply=_apply_cancel,
            ),
        ]
    },
    authorize=lambda actor, reg, perm: require_event(actor, reg.event, perm),
    state_of=_registration_state,
    state_label=_registration_label,
    floor=_registration_floor,
    organization_id=lambda reg: reg.event.organization_id,
    subject=lambda reg: reg.enterprise or reg.person,
    lock_of=("self",),
    related=("event", "enterprise", "person"),
    refused=gettext_lazy(
        "“%(step)s” is not possible: the sign-up is %(state)s. Possible now: %(next)s."
    ),
)


def check_in(
    *,
    actor: Any,
    registration: Registration,
    method: str = CheckInMethod.LIST,
    headcount: int | None = None,
    at: Any = None,
    occurred_at: Any = None,
) -> CheckIn:
    """Record that the people on a confirmed sign-up came (at `occurred_at`, default
    now; not before the event's day). Refused a second time."""
    return REGISTRATION_WORKFLOW.take(
        "check_in",
        registration,
        actor=actor,
        occurred_at=occurred_at if occurred_at not in (None, "") else at,
        method=method,
        headcount=headcount,
    )


@transaction.atomic
def check_in_by_code(
    *,
    actor: Any,
    event: Event,
    code: str,
    method: str = CheckInMethod.TYPED,
    headcount: int | None = None,
    occurred_at: Any = None,
) -> CheckIn:
    """Check in the sign-up whose QR code (scanned or typed) is `code`."""
    require_event(actor, event)
    value = normalize_code(code)
    if not value:
        raise ValidationError({"code": _("Scan or type the code on the sign-up.")})
    reg = (
        Registration.objects.select_related("event", "enterprise", "person")
        .filter(code=value)
        .first()
    )
    if reg is None:
        raise ValidationError({"code": _("No sign-up has the code %(code)s.") % {"code": value}})
    if reg.event_id != event.pk:
        raise ValidationError({"code": _("This code is for a different event.")})
    return check_in(
        actor=actor, registration=reg, method=method, headcount=headcount, occurred_at=occurred_at
    )


def undo_check_in(
    *, actor: Any, registration: Registration, reason: str, occurred_at: Any = None
) -> Registration:
    """Take back a check-in recorded by mistake (audited, with the reason)."""
    REGISTRATION_WORKFLOW.take(
        "undo_check_in", registration, actor=actor, occurred_at=occurred_at, reason=reason
    )
    return registration
