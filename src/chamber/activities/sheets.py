"""An event's paper sign-in sheet typed in after the event (签到表): one row per person
or enterprise that came. A row matching a sign-up (by its code, else by the person or
the enterprise) checks it in; a row without one is a walk-in, signed up and checked in
at once. The moment is the row's sign-in time, else the event's start. Read, checked
and written all or nothing by the member import's machinery
(`members.importers.sheets`); the writes are the check-in and walk-in services, so
the sheet obeys the same rules as the check-in desk."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chamber.core.steps import parse_moment
from chamber.members.importers.columns import Column
from chamber.members.importers.reader import Layout
from chamber.members.importers.rows import cell_text, read_date
from chamber.members.importers.sheets import SheetOutcome, run_sheet
from chamber.members.models import Enterprise, Person

from .choices import ACTIVE_REGISTRATION, CheckInMethod
from .models import Event, Registration
from .services import check_in, register
from .services.registrations import normalize_code

SIGN_IN_SHEET = Layout(
    (
        Column(
            "name",
            "姓名",
            gettext_lazy("Who came (a member person's name)."),
            "张三",
            ("签到人", "参会人"),
        ),
        Column(
            "enterprise",
            "企业名称",
            gettext_lazy("Their enterprise: its name or its credit code."),
            "深圳市宝安示例电子有限公司",
            ("企业", "单位名称", "单位", "统一社会信用代码"),
            required=True,
        ),
        Column(
            "headcount",
            "人数",
            gettext_lazy("How many came on this line; empty: 1."),
            "1",
            ("到场人数",),
        ),
        Column(
            "time",
            "签到时间",
            gettext_lazy("When they signed in; empty: the event's start."),
            "2016-05-12 09:05",
            ("时间",),
        ),
        Column(
            "code",
            "报名码",
            gettext_lazy("The code on their sign-up, if they had one."),
            "",
            ("签到码",),
        ),
    )
)


def _moment(value: Any, event: Event) -> datetime.datetime:
    if value in (None, ""):
        return event.starts_at
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.time):
        day = timezone.localtime(event.starts_at).date()
        moment = datetime.datetime.combine(day, value)
    else:
        text = cell_text(value).strip().replace("/", "-")
        if len(text) <= 5 and ":" in text:  # a time alone: on the event's first day
            day = timezone.localtime(event.starts_at).date()
            text = f"{day.isoformat()}T{text}"
        try:
            moment = parse_moment(text, "time")
        except ValidationError:
            day = read_date(value)
            if day is None:
                raise
            moment = day
    if isinstance(moment, datetime.date) and not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(moment, timezone.localtime(event.starts_at).time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def import_sign_in_sheet(
    path: str | Path,
    *,
    actor: Any,
    event: Event,
    dry_run: bool = False,
    error_file: str | Path | None = None,
) -> SheetOutcome:
    """Check in (or admit as walk-ins) everyone on the sheet of `event`."""

    def row(number: int, cells: dict[str, Any]) -> Registration:
        errors: dict[str, Any] = {}
        value = cell_text(cells.get("enterprise")).strip()
        enterprise = (
            Enterprise.objects.visible_to(actor)
            .filter(Q(name=value) | Q(uscc=value.upper()))
            .first()
        )
        if enterprise is None:
            errors["enterprise"] = _("No member enterprise you may see is called %(v)s.") % {
                "v": value
            }
        name = cell_text(cells.get("name")).strip()
        person = None
        if name and enterprise is not None:
            person = Person.objects.filter(enterprise=enterprise, name=name).first()
            if person is None:
                errors["name"] = _("%(name)s is not recorded at %(ent)s.") % {
                    "name": name,
                    "ent": enterprise.name,
                }
        headcount_text = cell_text(cells.get("headcount")).strip()
        headcount = 1
        if headcount_text:
            if not headcount_text.isdigit() or int(headcount_text) < 1:
                errors["headcount"] = _("Write how many came, e.g. 2.")
            else:
                headcount = int(headcount_text)
        try:
            at = _moment(cells.get("time"), event)
        except ValidationError as e:
            errors["time"] = e.messages
        if errors:
            raise ValidationError(errors)
        active = event.registrations.filter(status__in=ACTIVE_REGISTRATION)
        code = normalize_code(cell_text(cells.get("code")))
        if code:
            reg = active.filter(code=code).first()
            if reg is None:
                raise ValidationError(
                    {"code": _("No sign-up of this event has the code %(c)s.") % {"c": code}}
                )
        elif person is not None:
            reg = (
                active.filter(person=person).first()
                or active.filter(enterprise=enterprise, person__isnull=True).first()
            )
        else:
            reg = (
                active.filter(enterprise=enterprise, person__isnull=True).first()
                or active.filter(enterprise=enterprise).first()
            )
        try:
            if reg is None:
                return register(
                    actor=actor,
                    event=event,
                    enterprise=enterprise,
                    person=person,
                    party_size=headcount,
                    walk_in=True,
                    over_capacity=True,  # they were there: the paper says so
                    occurred_at=at,
                )
            check_in(
                actor=actor,
                registration=reg,
                method=CheckInMethod.LIST,
                headcount=min(headcount, reg.party_size),
                occurred_at=at,
            )
        except ValidationError as e:
            raise ValidationError(
                {
                    ("time" if k == "occurred_at" else "enterprise" if k not in cells else k): v
                    for k, v in e.message_dict.items()
                }
            ) from e
        return reg

    return run_sheet(
        path, layout=SIGN_IN_SHEET, handle_row=row, dry_run=dry_run, error_file=error_file
    )
