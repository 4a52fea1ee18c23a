"""What event and sign-up services share: who may handle an event, and its lock."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from chamber.orgs.choices import Perm

from ..models import Event
from ._common import require_any


def organizer_ids(event: Event) -> list[int]:
    return [
        event.organization_id,
        *event.co_organizer_links.values_list("organization_id", flat=True),
    ]


def require_event(actor: Any, event: Event, perm: str = Perm.CHANGE) -> None:
    """Registrations and check-ins may be handled by the organiser and every
    co-organiser."""
    require_any(actor, perm, organizer_ids(event))


def locked(event: Event) -> Event:
    """The event row, locked until the transaction ends: seat counts are read and
    written under this lock, so two sign-ups cannot both take the last seat."""
    return Event.objects.select_for_update().get(pk=event.pk)


def when(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")
