"""One step engine for every workflow (cases, proposals, events).

A workflow declares its states and steps as a table: for each step, the states it may
start from, the state it leads to, the permission it needs and what it needs besides
(a condition on the record, and the step's own validation and writes). Taking a step
(`Workflow.take`) always goes the same way, in one transaction:

1. lock the record's row (`select_for_update`) and read it again under the lock;
2. check the actor's right (the workflow's `authorize`), then the state: an illegal
   step raises `StepRefused` carrying the current state and the legal next steps (the
   API answers it 409 with `{"detail", "state", "allowed_steps"}`);
3. settle when it happened (`occurred_at`: a date, or an aware datetime; naive means
   Asia/Shanghai; default now): not in the future, not before the record was raised
   nor before its previous step;
4. run the step's own part (validate its data, change the record);
5. save the record, write its timeline row and one audit entry; a step entered more
   than `CHAMBER_LATE_ENTRY_AFTER` (default 3 days) after it happened is marked as
   entered late (补录), with who entered it and when.

Services that need more between the steps of that sequence use `begin` and `finish`
directly (the same lock, checks, timeline and audit); everything else calls `take`.
Pages, the API, the importers and the demo call the services, so all of them obey the
same table and the same date rules."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from . import audit
from .text import join_list
from .validators import check_year

# A step typed this long after it happened is entered late (补录).
DEFAULT_LATE_AFTER = datetime.timedelta(days=3)
# Clocks of the browser and the server differ a little: a moment this far ahead of the
# server's clock still counts as now.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def late_after() -> datetime.timedelta:
    value = getattr(settings, "CHAMBER_LATE_ENTRY_AFTER", DEFAULT_LATE_AFTER)
    if isinstance(value, int | float):
        return datetime.timedelta(days=value)
    return value


_TYPED_AT: ContextVar[datetime.datetime | None] = ContextVar("typed_at", default=None)


def entered_now() -> datetime.datetime:
    """The moment a step is typed in: now, or the moment a simulation says (`typed_at`)."""
    return _TYPED_AT.get() or timezone.now()


@contextmanager
def typed_at(moment: datetime.datetime) -> Iterator[None]:
    """Take steps as if typed in at `moment`: the demo records its years of history
    this way, each step typed in shortly (or, for some, days) after it happened, so it
    obeys the same rules (nothing after the moment of typing) and gets the same 补录
    marks as a user's entries."""
    token = _TYPED_AT.set(moment)
    try:
        yield
    finally:
        _TYPED_AT.reset(token)


class StepRefused(ValidationError):
    """A step that is not possible from the record's state (or its condition). A
    ValidationError, so pages show it like any other; the API answers it 409."""

    def __init__(self, message: str, *, state: str, allowed_steps: Iterable[str]) -> None:
        # Keyed `status`, like the field errors pages and callers already read.
        super().__init__({"status": [message]})
        self.detail = str(message)
        self.state = str(state)
        self.allowed_steps = [str(s) for s in allowed_steps]


# --- when it happened ------------------------------------------------------------------


def parse_moment(value: Any, field_name: str = "occurred_at") -> datetime.date | datetime.datetime:
    """An ISO date or datetime (string, date or datetime) as a date or an aware
    datetime; a naive datetime is in the project's time zone (Asia/Shanghai)."""
    if isinstance(value, datetime.date):  # a datetime is a date too
        moment = value
    else:
        text = str(value or "").strip()
        try:
            moment = parse_datetime(text) if "T" in text or " " in text else None
            day = None if moment else parse_date(text)
        except ValueError:
            moment = day = None
        if moment is None and day is None:
            raise ValidationError(
                {field_name: _("Enter a date (2016-03-10) or a date and time (2016-03-10T15:30).")}
            )
        if day is not None:
            moment = day
    # The same bounds as every other moment (1949-2100): a year-1 time cannot even be
    # turned into UTC.
    problem = check_year(moment)
    if problem:
        raise ValidationError({field_name: problem})
    if not isinstance(moment, datetime.datetime):
        return moment
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def local_day(moment: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment, timezone.get_default_timezone()).date()
    return moment


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in the project's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def settle_moment(
    value: Any,
    *,
    not_before: datetime.date | datetime.datetime | None = None,
    now: datetime.datetime | None = None,
    field_name: str = "occurred_at",
) -> datetime.datetime:
    """When a step (or a dated record) happened, as an aware instant, checked: not in
    the future, not before `not_before` (the record's raising or its previous step).

    A date alone means that day: today is now; an earlier day is its first instant, or
    the previous step's instant when that was the same day, so the timeline keeps its
    order. A date is compared by days, a time by instants."""
    now = now or entered_now()
    today = local_day(now)
    if value is None or value == "":
        moment: datetime.date | datetime.datetime = now
    else:
        moment = parse_moment(value, field_name)
    if isinstance(moment, datetime.datetime):
        if moment > now + CLOCK_SKEW:
            raise ValidationError({field_name: _("It cannot have happened in the future.")})
        at = min(moment, now)
    else:
        if moment > today:
            raise ValidationError({field_name: _("It cannot have happened in the future.")})
        at = now if moment == today else start_of_day(moment)
    if not_before is not None:
        floor_day = local_day(not_before)
        too_early = (
            local_day(at) < floor_day
            if not isinstance(moment, datetime.datetime)
            or not isinstance(not_before, datetime.datetime)
            else at < not_before
        )
        if too_early:
            raise ValidationError(
                {
                    field_name: _("It cannot have happened before the previous step, on %(date)s.")
                    % {"date": floor_day.isoformat()}
                }
            )
        if isinstance(not_before, datetime.datetime) and at < not_before:
            at = not_before  # the same day as the previous step: keep the order
    return at


def is_late(
    occurred: datetime.datetime, entered: datetime.datetime, *, day_only: bool = False
) -> bool:
    """Entered more than the configured time after it happened (补录). A step given by
    its day alone happened some time that day: counted from the day's end."""
    if day_only:
        occurred = start_of_day(local_day(occurred) + datetime.timedelta(days=1))
    return entered - occurred > late_after()


def is_day_only(value: Any) -> bool:
    """Whether a step's moment was given as a day (a date, or nothing but a date)."""
    if value is None or value == "":
        return False
    if isinstance(value, datetime.datetime):
        return False
    if isinstance(value, datetime.date):
        return True
    text = str(value).strip()
    return "T" not in text and " " not in text


# --- the table -------------------------------------------------------------------------


@dataclass
class Ctx:
    """One step being taken: the locked record, who, when, and what the step's own
    part adds for the timeline and the audit entry."""

    workflow: Workflow
    step: str
    record: Any
    actor: Any
    at: datetime.datetime
    entered_at: datetime.datetime
    before: str
    fields: list[str] = field(default_factory=list)
    comment: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    to: str | None = None
    row: Any = None
    day_only: bool = False

    @property
    def on(self) -> datetime.date:
        """The day it happened (Asia/Shanghai)."""
        return local_day(self.at)

    @property
    def late(self) -> bool:
        return is_late(self.at, self.entered_at, day_only=self.day_only)

    def set(self, **values: Any) -> None:
        """Change fields of the record, to be saved with the step."""
        for name, value in values.items():
            setattr(self.record, name, value)
            if name not in self.fields:
                self.fields.append(name)


@dataclass(frozen=True)
class Step:
    """A row of a workflow's table: from which states, to which (None: the state does
    not change, or `apply` decides), who may (a permission) and what it needs besides
    (`condition`: why not, or None; `apply`: validates its data and writes)."""

    name: str
    sources: frozenset[str]
    to: str | None
    label: Any
    perm: str = "change"
    condition: Callable[[Any], str | None] | None = None
    apply: Callable[..., Any] | None = None


@dataclass
class Workflow:
    """A workflow's table and the hooks that tie it to its models.

    - `authorize(actor, record, perm)` raises PermissionDenied;
    - `state_of(record)` (default: the state field) may derive a state from dates;
    - `state_label(state)` names a state for messages;
    - `floor(record)` is the earliest moment its next step may have happened (when it
      was raised, or its previous step);
    - `timeline(ctx)` writes the timeline row (None: the audit entry is the timeline);
    - `subject(record)` is whom the audit entry is about;
    - `organization_id(record)` the organisation the audit entry belongs to."""

    name: str
    model: type[models.Model]
    steps: dict[str, Step]
    authorize: Callable[[Any, Any, str], None]
    state_label: Callable[[str], str]
    floor: Callable[[Any], datetime.date | datetime.datetime | None]
    organization_id: Callable[[Any], int | None]
    timeline: Callable[[Ctx], Any] | None = None
    subject: Callable[[Any], Any] | None = None
    state_field: str = "status"
    state_of: Callable[[Any], str] | None = None
    lock_of: tuple[str, ...] = ("self",)
    related: tuple[str, ...] = ()  # read with the locked row (select_related)
    field_name: str = "occurred_at"  # the name the date rules' errors are keyed by
    refused: str = ""  # "“%(step)s” is not possible: ... %(state)s ... %(next)s"

    def __post_init__(self) -> None:
        for name, step in self.steps.items():
            assert name == step.name, name

    # --- reading the table -------------------------------------------------------------

    def state(self, record: Any) -> str:
        return self.state_of(record) if self.state_of else getattr(record, self.state_field)

    def problem(self, record: Any, step: str) -> str | None:
        """Why `step` cannot be taken from the record's state, or None."""
        row = self.steps[step]
        state = self.state(record)
        if state not in row.sources:
            names = join_list(str(self.steps[s].label) for s in self.legal_steps(record))
            return (
                self.refused
                or _("“%(step)s” is not possible: it is %(state)s. Possible now: %(next)s.")
            ) % {
                "step": row.label,
                "state": self.state_label(state),
                "next": names or _("none"),
            }
        if row.condition is not None:
            return row.condition(record)
        return None

    def legal_steps(self, record: Any) -> list[str]:
        """The steps possible from the record's state, in the table's order."""
        state = self.state(record)
        return [
            name
            for name, row in self.steps.items()
            if state in row.sources and (row.condition is None or row.condition(record) is None)
        ]

    def history_problems(
        self,
        rows: Iterable[tuple[str, str, str, Any]],
        *,
        raised: datetime.date | datetime.datetime | None = None,
        now: datetime.datetime | None = None,
        ignore: Iterable[str] = (),
    ) -> list[str]:
        """What the engine would have refused in a recorded history: `rows` are
        (step, from state, to state, when) in timeline order. Each step must start from
        the state the previous one left, be allowed from it by the table, lead where
        the table says (when it says), and happen neither in the future nor before the
        raising or the previous step. Steps in `ignore` (the raising, or follow-on
        rows such as an escalation) are only checked for their dates."""
        now = now or timezone.now()
        skip = set(ignore)
        problems: list[str] = []
        state: str | None = None
        last = raised
        for step, before, after, when in rows:
            if when is not None:
                if (
                    (when > now + CLOCK_SKEW)
                    if isinstance(when, datetime.datetime)
                    else (when > local_day(now))
                ):
                    problems.append(f"{step} at {when}: in the future")
                if last is not None and (
                    when < last if type(when) is type(last) else local_day(when) < local_day(last)
                ):
                    problems.append(f"{step} at {when}: before {last}")
                last = when
            if step in skip:
                state = after or state
                continue
            row = self.steps.get(step)
            if row is None:
                problems.append(f"{step}: not a step of {self.name}")
            else:
                if state is not None and before != state:
                    problems.append(f"{step}: from {before}, but the record was {state}")
                if before not in row.sources:
                    problems.append(f"{step}: not allowed from {before}")
                if row.to is not None and after != row.to:
                    problems.append(f"{step}: leads to {row.to}, not {after}")
            state = after
        return problems

    def refuse(self, record: Any, message: str) -> StepRefused:
        return StepRefused(
            message, state=self.state(record), allowed_steps=self.legal_steps(record)
        )

    def check(self, record: Any, step: str) -> None:
        why = self.problem(record, step)
        if why:
            raise self.refuse(record, why)

    # --- taking a step -----------------------------------------------------------------

    def lock(self, record: Any) -> Any:
        qs = self.model._default_manager.select_for_update(of=self.lock_of)
        if self.related:
            qs = qs.select_related(*self.related)
        return qs.get(pk=record.pk)

    def begin(self, step: str, record: Any, *, actor: Any, occurred_at: Any = None) -> Ctx:
        """Lock, check the right and the state, settle the moment. Call inside a
        transaction; `finish` writes the rest."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Workflow.begin runs inside transaction.atomic")
        row = self.steps[step]
        self.authorize(actor, record, row.perm)
        locked = self.lock(record)
        self.check(locked, step)
        entered = entered_now()
        at = settle_moment(
            occurred_at, not_before=self.floor(locked), now=entered, field_name=self.field_name
        )
        return Ctx(
            day_only=is_day_only(occurred_at),
            workflow=self,
            step=step,
            record=locked,
            actor=actor,
            at=at,
            entered_at=entered,
            before=self.state(locked),
            to=row.to,
        )

    def finish(self, ctx: Ctx, original: Any = None) -> Any:
        """Save the record's changed fields and its state, write the timeline row and
        the audit entry; the caller's copy of the record reflects the change."""
        record = ctx.record
        stored_before = getattr(record, self.state_field)
        if ctx.to is not None and ctx.to != stored_before:
            ctx.set(**{self.state_field: ctx.to})
        if ctx.fields:
            extra = ["updated"] if any(f.name == "updated" for f in record._meta.fields) else []
            record.save(update_fields=[*ctx.fields, *extra])
        ctx.row = self.timeline(ctx) if self.timeline else None
        after = self.state(record)
        changes: dict[str, Any] = {
            "step": ctx.step,
            "status": [ctx.before or None, after],
            "occurred_at": ctx.at.isoformat(),
            **ctx.changes,
        }
        if ctx.late:
            changes["entered_late"] = True
            changes["entered_at"] = ctx.entered_at.isoformat()
        audit.record(
            actor=ctx.actor,
            action=audit.AuditAction.STEP,
            obj=record,
            subject=self.subject(record) if self.subject else record,
            organization_id=self.organization_id(record),
            changes=changes,
            note=ctx.comment,
        )
        if original is not None and original is not record:
            for name in [*ctx.fields, "updated"]:
                if hasattr(record, name):
                    setattr(original, name, getattr(record, name))
        return ctx.row

    def take(
        self, step: str, record: Any, *, actor: Any, occurred_at: Any = None, **data: Any
    ) -> Any:
        """Take `step` on `record`: the whole sequence in one transaction. Returns what
        the step's `apply` returns, or the (caller's) record."""
        row = self.steps[step]
        with transaction.atomic():
            ctx = self.begin(step, record, actor=actor, occurred_at=occurred_at)
            result = row.apply(ctx, **data) if row.apply else None
            self.finish(ctx, original=record)
        return record if result is None else result
