"""The notification tasks (run by `chamber worker`). Each is idempotent: notices are
unique per event and person, deliveries per notice and channel, and a delivery is
claimed before it is sent."""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task


def _today(slot: str | None) -> datetime.date:
    if slot:
        return timezone.localtime(datetime.datetime.fromisoformat(slot)).date()
    return timezone.localdate()


@task()
def fan_out(kind: str, label: str, pk: int, actor_id: int | None, data: dict[str, Any]) -> int:
    """An event's notices: who is told, on which channels."""
    from . import rules, services

    obj = apps.get_model(label).objects.filter(pk=pk).first()
    if obj is None:
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    notices, groups = rules.EVENT_RULES[kind](obj, actor, data)
    return services.notify_all(notices, groups)


@task()
def deliver(ids: list[int]) -> int:
    from . import services

    again = services.deliver(ids)
    if again:
        # the earliest retry time among them; each delivery keeps its own not_before
        services.schedule_deliveries(
            services.Delivery.objects.filter(pk__in=again).order_by("pk"), chunk=200
        )
    return len(ids) - len(again)


@task()
def daily(slot: str | None = None) -> int:
    """08:00 Shanghai: case digests, proposal replies, event reminders, dues notices."""
    from . import rules, services

    today = _today(slot)
    notices = [
        *rules.cases_daily(today),
        *rules.proposals_daily(today),
        *rules.event_reminders(today),
        *rules.dues_notices(today),
    ]
    services.sweep()
    return services.notify_all(notices)


@task()
def weekly(slot: str | None = None) -> int:
    """Monday 08:00: each leader's week."""
    from . import rules, services

    notices, groups = rules.weekly_digests(_today(slot))
    return services.notify_all(notices, groups)


@task()
def monthly(slot: str | None = None) -> int:
    """The 1st, 08:00: last month's figures as a .docx to each leader."""
    from . import digest, services

    return services.notify_all(digest.monthly_notices(_today(slot)))
