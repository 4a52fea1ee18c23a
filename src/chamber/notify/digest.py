"""The monthly figures: last month's report over each leader's organisation as a .docx,
attached to an e-mail."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from chamber.reports.annual import annual_report
from chamber.reports.exporters import write_docx
from chamber.reports.period import Period

from .services import Notice, Recipient


def last_month(today: datetime.date) -> Period:
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return Period(end.replace(day=1), end)


def monthly_notices(today: datetime.date) -> list[Notice]:
    from .rules import leaders

    period = last_month(today)
    month = f"{period.start.year}年{period.start.month}月"
    files: dict[int, str] = {}
    notices = []
    for user, org in leaders():
        if org.pk not in files:
            rel = Path("notify") / f"figures-{org.code}-{period.start:%Y-%m}.docx"
            target = Path(settings.MEDIA_ROOT) / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():  # idempotent: a retried task reuses the file
                tmp = target.with_suffix(".part")
                write_docx(annual_report(org, period), tmp)
                tmp.replace(target)
            files[org.pk] = str(rel)
        notices.append(
            Notice(
                "digest.monthly",
                f"digest.monthly:{period.start:%Y-%m}:{org.pk}",
                Recipient.of(user),
                {"organization": org.name, "month": month},
                org.pk,
                reverse("reports:dashboard", args=[org.code]),
                attachment=files[org.pk],
            )
        )
    return notices
