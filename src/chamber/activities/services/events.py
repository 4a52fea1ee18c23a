"""Writes for events: create, edit, announce (open sign-up), close sign-up, cancel,
attach files. Sign-up and check-in are in registrations.py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chamber.core import audit, notices
from chamber.core import steps as engine
from chamber.core.text import join_list
from chamber.core.validators import check_year
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from ..choices import ACTIVE_REGISTRATION, Destination, EventKind, EventStatus, RegistrationStatus
from ..models import CheckIn, Event, EventAttachment, EventSpeaker
from ..models.events import HELD, HELD_LABEL
from ._common import require
from ._common import user_or_none as _user
from ._event_base import locked as _locked
from ._event_base import require_event
from .registrations import promote_waiting_list, seats_taken

EVENT_FIELDS = [
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "destination",
    "city",
    "capacity",
    "registration_deadline",
    "description",
]


# --- Events ------------------------------------------------------------------------------


def clean_event(data: dict[str, Any], instance: Event | None = None) -> dict[str, Any]:
    data = dict(data)
    errors: dict[str, str] = {}

    def get(key: str) -> Any:
        return data[key] if key in data else getattr(instance, key, None)

    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            errors["title"] = _("The title is required.")
    if "kind" in data and data["kind"] not in EventKind.values:
        errors["kind"] = _("Unknown kind of event: %(kind)s.") % {"kind": data["kind"]}
    starts, ends = get("starts_at"), get("ends_at")
    if starts is None:
        errors["starts_at"] = _("When does the event start?")
    if ends is None and starts is not None:
        data["ends_at"] = ends = starts
    for key in ("starts_at", "ends_at", "registration_deadline"):
        if key in data and (problem := check_year(data[key])):
            errors[key] = problem
    if starts and ends and ends < starts and "ends_at" not in errors:
        errors["ends_at"] = _("The event cannot end before it starts.")
    deadline = get("registration_deadline")
    if deadline and ends and deadline > ends:
        errors["registration_deadline"] = _("The sign-up deadline is after the event ends.")
    destination = get("destination") or Destination.LOCAL
    if destination != Destination.LOCAL and not (get("city") or "").strip():
        errors["city"] = _("Name the city (or country) the event goes to.")
    capacity = get("capacity")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("Capacity is at least one; leave it empty for no limit.")
    if errors:
        raise ValidationError(errors)
    return data


def _set_links(
    event: Event,
    co_organizers: Iterable[Organization] | None,
    open_to: Iterable[Organization] | None,
) -> None:
    if co_organizers is not None:
        co = [o for o in co_organizers if o.pk != event.organization_id]
        event.co_organizers.set(co)
    if open_to is not None:
        event.open_to.set(list(open_to))


def _set_speakers(event: Event, speakers: Iterable[dict[str, Any]] | None) -> None:
    if speakers is None:
        return
    rows = []
    for i, s in enumerate(speakers):
        name = (s.get("name") or "").strip()
        if not name:
            continue
        rows.append(
            EventSpeaker(
                event=event,
                order=i,
                name=name,
                affiliation=(s.get("affiliation") or "").strip(),
                topic=(s.get("topic") or "").strip(),
                is_expert=bool(s.get("is_expert")),
                person=s.get("person"),
            )
        )
    event.speakers.all().delete()
    EventSpeaker.objects.bulk_create(rows)


def _event_snapshot(event: Event) -> dict[str, Any]:
    data = audit.snapshot(event, EVENT_FIELDS + ["status"])
    data["co_organizers"] = sorted(o.code for o in event.co_organizers.all())
    data["open_to"] = sorted(o.code for o in event.open_to.all())
    return data


@transaction.atomic
def create_event(
    *,
    actor: Any,
    organization: Organization,
    co_organizers: Iterable[Organization] = (),
    open_to: Iterable[Organization] = (),
    speakers: Iterable[dict[str, Any]] = (),
    announce: bool = False,
    **fields: Any,
) -> Event:
    """A new event, a draft unless `announce`."""
    require(actor, Perm.CHANGE, organization.pk)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": join_list(sorted(unknown))})
    data = clean_event(fields)
    event = Event(organization=organization, created_by=_user(actor), **data)
    event.full_clean()
    event.save()
    _set_links(event, co_organizers, open_to)
    _set_speakers(event, speakers)
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=event,
        organization_id=organization.pk,
        changes=_event_snapshot(event),
    )
    if announce:
        event = announce_event(actor=actor, event=event)
    return event


@transaction.atomic
def update_event(
    *,
    actor: Any,
    event: Event,
    co_organizers: Iterable[Organization] | None = None,
    open_to: Iterable[Organization] | None = None,
    speakers: Iterable[dict[str, Any]] | None = None,
    **fields: Any,
) -> Event:
    """Change an event's details. Only the organiser's side may; capacity cannot drop
    below the places taken, and a raised capacity moves the waiting list up."""
    require(actor, Perm.CHANGE, event.organization_id)
    _locked(event)
    event.refresh_from_db()  # under the lock; the caller's instance is the one changed
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("A cancelled event cannot be changed."))
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": join_list(sorted(unknown))})
    data = clean_event(fields, instance=event)
    if "capacity" in data and data["capacity"] is not None:
        taken = seats_taken(event)
        if data["capacity"] < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(taken)s places are taken already; cancel sign-ups before lowering "
                        "the capacity below that."
                    )
                    % {"taken": taken}
                }
            )
    before = _event_snapshot(event)
    for key, value in data.items():
        setattr(event, key, value)
    event.full_clean()
    event.save()
    _set_links(event, co_organizers, open_to)
    _set_speakers(event, speakers)
    changes = audit.diff(before, _event_snapshot(event))
    if changes:
        audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            obj=event,
            organization_id=event.organization_id,
            changes=changes,
        )
    promote_waiting_list(actor, event)
    return event


# --- The event workflow (the one step engine, chamber.core.steps) ------------------------

E = EventStatus


def _not_attended(event: Event) -> str | None:
    if CheckIn.objects.filter(registration__event=event).exists():
        return _(
            "People have checked in to this event already: it took place and cannot be cancelled."
        )
    return None


def _cancel(ctx: engine.Ctx, *, reason: str) -> None:
    """Every active sign-up is cancelled with the event, at the same moment."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the event is cancelled.")})
    ctx.set(cancel_reason=reason)
    ctx.comment = reason
    active = ctx.record.registrations.filter(status__in=ACTIVE_REGISTRATION)
    notices.emit(
        "event.cancel",
        ctx.record,
        actor=ctx.actor,
        reason=reason,
        registrations=list(active.values_list("pk", flat=True)),
    )
    active.update(status=RegistrationStatus.CANCELLED, status_changed_at=ctx.at)


def _authorize(actor: Any, event: Event, perm: str) -> None:
    require(actor, perm, event.organization_id)


def _state_label(state: str) -> str:
    return str(HELD_LABEL) if state == HELD else str(EventStatus(state).label)


# `held` is derived from the dates (Event.state): a held event cannot be opened for
# sign-up again, nor closed; it can still be called off if nobody came.
STEPS = {
    s.name: s
    for s in [
        engine.Step(
            name="announce",
            sources=frozenset({E.DRAFT, E.CLOSED}),
            to=E.ANNOUNCED,
            label=gettext_lazy("Open for sign-up"),
            perm=Perm.CHANGE,
        ),
        engine.Step(
            name="close",
            sources=frozenset({E.ANNOUNCED}),
            to=E.CLOSED,
            label=gettext_lazy("Close sign-up"),
            perm=Perm.CHANGE,
        ),
        engine.Step(
            name="cancel",
            sources=frozenset({E.DRAFT, E.ANNOUNCED, E.CLOSED, HELD}),
            to=E.CANCELLED,
            label=gettext_lazy("Cancel"),
            perm=Perm.CHANGE,
            condition=_not_attended,
            apply=_cancel,
        ),
    ]
}

WORKFLOW = engine.Workflow(
    name="event",
    model=Event,
    steps=STEPS,
    authorize=_authorize,
    state_of=lambda event: event.state,
    state_label=_state_label,
    # Events are often recorded after they happened: a step is bounded by now only.
    floor=lambda event: None,
    organization_id=lambda event: event.organization_id,
    refused=gettext_lazy(
        "“%(step)s” is not possible: the event is %(state)s. Possible now: %(next)s."
    ),
)


def legal_steps(event: Event) -> list[str]:
    return WORKFLOW.legal_steps(event)


def announce_event(*, actor: Any, event: Event, occurred_at: Any = None) -> Event:
    """Open sign-up: from a draft, or reopen after sign-up was closed; never once the
    event is over."""
    return WORKFLOW.take("announce", event, actor=actor, occurred_at=occurred_at)


def close_registration(*, actor: Any, event: Event, occurred_at: Any = None) -> Event:
    """Stop sign-ups; check-in and walk-ins go on."""
    return WORKFLOW.take("close", event, actor=actor, occurred_at=occurred_at)


def cancel_event(*, actor: Any, event: Event, reason: str, occurred_at: Any = None) -> Event:
    """Call the event off: every active sign-up is cancelled with it. An event that
    someone attended already cannot be cancelled."""
    return WORKFLOW.take("cancel", event, actor=actor, occurred_at=occurred_at, reason=reason)


@transaction.atomic
def add_attachment(*, actor: Any, event: Event, title: str, file: Any) -> EventAttachment:
    require_event(actor, event)
    title = (title or "").strip() or getattr(file, "name", "")
    if not file:
        raise ValidationError({"file": _("Choose a file to attach.")})
    att = EventAttachment(event=event, title=title[:200], file=file, uploaded_by=_user(actor))
    att.full_clean()
    att.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=att,
        organization_id=event.organization_id,
        changes={"event": event.title, "title": att.title},
    )
    return att
