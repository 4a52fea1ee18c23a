"""Tasks for the queue tests (imported by real worker processes)."""

import time

from django.db import transaction
from django_tasks import task

from chamber.core.models import AuditEntry


@task()
def slow_write(marker: str, seconds: float = 0.0) -> None:
    """All or nothing, once: writes its row and waits inside one transaction; a run
    after the row committed does nothing."""
    if AuditEntry.objects.filter(note=marker).exists():
        return
    with transaction.atomic():
        AuditEntry.objects.create(action="create", note=marker)
        time.sleep(seconds)


@task()
def scheduled_write(slot: str) -> None:
    AuditEntry.objects.create(action="create", note=f"scheduled {slot}")
