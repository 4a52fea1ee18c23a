"""Notices in the demo users' inboxes: what the rules would have told them lately
(cases given to them, today's case digests, the leaders' weekly digest). In the app
only: loading the demo sends no e-mail or SMS."""

from __future__ import annotations

import datetime

from django.utils import timezone

from chamber.casework.choices import Step
from chamber.casework.models import CaseEvent
from chamber.notify import rules, services


def build_notices(today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()  # the demo's load date (build_all)
    notices = []
    recent = (
        CaseEvent.objects.filter(step=Step.ASSIGN, case__assignee__isnull=False)
        .select_related(
            "case__assignee", "case__enterprise", "case__organization", "case__department"
        )
        .order_by("-pk")[:12]
    )
    for event in recent:
        made, _groups = rules.case_assign(event.case, None, {"step_id": event.pk})
        notices.extend(made)
    notices.extend(rules.cases_daily(today))
    monday = today - datetime.timedelta(days=today.weekday())
    weekly, _groups = rules.weekly_digests(monday)
    notices.extend(weekly)
    made = 0
    for n in notices:
        if services.create(n, inapp_only=True):
            made += 1
    # the older half read already, as in a working inbox
    from chamber.notify.models import Notification

    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids[: len(ids) // 2]).update(read_at=timezone.now())
    return {"notifications": Notification.objects.count()}
