"""Report files built by a background worker (chamber.core.queue)."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import task

log = logging.getLogger("chamber.reports")


@task()
def build_report_file(file_id: int) -> None:
    """Idempotent: a file that is ready is left alone; otherwise it is built again from
    the start and written under a temporary name, renamed when complete, so a killed
    worker never leaves half a file behind."""
    from . import exporters
    from .models import ReportFile
    from .store import stored_report

    rf = ReportFile.objects.select_related("organization").filter(pk=file_id).first()
    if rf is None or rf.status == ReportFile.Status.DONE:
        return
    S = ReportFile.Status
    ReportFile.objects.filter(pk=rf.pk).update(status=S.FIGURES)
    try:
        report = stored_report(rf.organization, rf.period)
        ReportFile.objects.filter(pk=rf.pk).update(status=S.WRITING)
        rel = Path("reports") / f"{rf.pk}-{rf.name}"
        target = Path(settings.MEDIA_ROOT) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        (exporters.write_docx if rf.fmt == "docx" else exporters.write_xlsx)(report, tmp)
        tmp.replace(target)
    except Exception as e:
        log.exception("report file %s failed", rf.pk)
        ReportFile.objects.filter(pk=rf.pk).update(
            status=S.FAILED, problem=str(e)[:2000] or e.__class__.__name__, finished=timezone.now()
        )
        return
    ReportFile.objects.filter(pk=rf.pk).update(
        status=S.DONE, file=str(rel), finished=timezone.now()
    )


@task()
def refresh_figures(slot: str = "") -> int:
    """Every minute (the scheduler): recompute the stored reports that writes made
    stale, so the next reader finds them ready. Idempotent: a fresh report is skipped."""
    from .store import refresh_stale

    return refresh_stale()


def every_minute(now):
    """The scheduler's slot: the start of the current minute."""
    return now.replace(second=0, microsecond=0)
