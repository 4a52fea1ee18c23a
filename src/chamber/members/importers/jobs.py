"""Imports through the staff pages: an ImportJob row per uploaded file, its check and
its write run by a background worker (`chamber worker`, chamber.core.queue), their
progress kept in the row.

The job row is what the pages show (the task queue keeps a result, not progress). The
write and the job's final status commit in one transaction, so the task is idempotent:
a worker killed mid-write leaves nothing written and the task, run again by the queue,
starts over; one killed after the commit leaves a finished job the retry skips. Small
files (under CHAMBER_IMPORT_INLINE_BYTES) run within the request.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tasks import task

from chamber.core import notices
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet

log = logging.getLogger("chamber.import")
PAGE_ERRORS = 1000  # errors kept on the job for the page; the workbook has all
STALE = datetime.timedelta(seconds=90)


class ImportJobQuerySet(ScopedQuerySet):
    pass


class ImportJob(models.Model):
    """One member spreadsheet uploaded through the staff pages: where it is stored
    (under MEDIA_ROOT/imports/), what its check found, and how far the import got."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        CHECKING = "checking", _("checking")
        CHECKED = "checked", _("checked")
        INVALID = "invalid", _("has errors")
        WRITING = "writing", _("importing")
        DONE = "done", pgettext_lazy("job status", "imported")
        FAILED = "failed", _("failed")

    RUNNING = (Status.QUEUED, Status.CHECKING, Status.WRITING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.CharField(max_length=300)
    original_name = models.CharField(_("file"), max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=10, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    outcome = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    problem = models.TextField(blank=True)
    error_file = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    finished = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        app_label = "members"
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.original_name} → {self.organization}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> models.Q:
        return models.Q(organization_id__in=org_ids)

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.file

    @property
    def error_path(self) -> Path | None:
        return Path(settings.MEDIA_ROOT) / self.error_file if self.error_file else None

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING and not self.interrupted

    @property
    def interrupted(self) -> bool:
        return self.status in self.RUNNING and timezone.now() - self.updated > STALE

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.CHECKED, self.Status.INVALID):
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def changes(self) -> int:
        counts = self.outcome.get("counts") or {}
        return sum(c.get("create", 0) + c.get("update", 0) for c in counts.values())


def keep_days() -> int:
    """Days an uploaded file and its error workbook are kept while the job waits (a
    check not confirmed, errors to download). Imported or failed jobs' files go at once."""
    value = getattr(settings, "CHAMBER_IMPORT_KEEP_DAYS", None)
    if value is None:
        value = os.environ.get("CHAMBER_IMPORT_KEEP_DAYS", 7)
    return int(value)


def discard_files(job: ImportJob) -> None:
    """Delete the job's folder (the upload, with its ID numbers, and the error
    workbook); the job row stays as the record of what was imported."""
    if not job.file:
        return
    folder = (Path(settings.MEDIA_ROOT) / job.file).parent
    imports = (Path(settings.MEDIA_ROOT) / "imports").resolve()
    if folder.resolve().parent == imports:  # never anything outside imports/<random>/
        shutil.rmtree(folder, ignore_errors=True)
    ImportJob.objects.filter(pk=job.pk).update(file="", error_file="")
    job.file = job.error_file = ""


def purge(*, days: int | None = None, now: datetime.datetime | None = None) -> int:
    """Delete the files of jobs older than `days` (not running), and folders under
    imports/ that no job names (an upload whose request died). Returns folders deleted."""
    days = keep_days() if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    count = 0
    old = ImportJob.objects.filter(created__lt=cutoff).exclude(file="")
    for job in old:
        if job.running:
            continue
        discard_files(job)
        count += 1
    root = Path(settings.MEDIA_ROOT) / "imports"
    if root.is_dir():
        named = {
            Path(f).parent.name
            for f in ImportJob.objects.exclude(file="").values_list("file", flat=True)
        }
        for folder in root.iterdir():
            if folder.is_dir() and folder.name not in named:
                mtime = datetime.datetime.fromtimestamp(folder.stat().st_mtime, tz=datetime.UTC)
                if mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
                    count += 1
    return count


def store_upload(upload, *, user: Any, organization: Organization) -> ImportJob:
    """Save an uploaded file under MEDIA_ROOT/imports/<random>/ and make its job.
    Files past their retention go first (no scheduler needed for that)."""
    purge()
    folder = Path("imports") / uuid.uuid4().hex
    name = Path(upload.name or "members").name[-100:]
    suffix = Path(name).suffix.lower()[:6] or ".bin"
    rel = folder / f"upload{suffix}"
    target = Path(settings.MEDIA_ROOT) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as f:
        for chunk in upload.chunks():
            f.write(chunk)
    return ImportJob.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        organization=organization,
        file=str(rel),
        original_name=name,
        size=target.stat().st_size,
    )


def inline_bytes() -> int:
    value = getattr(settings, "CHAMBER_IMPORT_INLINE_BYTES", None)
    if value is None:
        value = os.environ.get("CHAMBER_IMPORT_INLINE_BYTES", 256 * 1024)
    return int(value)


def start(job: ImportJob, action: str) -> None:
    """Check (action "check") or import ("write") the job's file: within the request
    for a small file, else by a background worker."""
    status = ImportJob.Status.CHECKING if action == "check" else ImportJob.Status.WRITING
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, phase=action, done=0, total=0, updated=timezone.now(), finished=None
    )
    if job.size <= inline_bytes():
        run(job.pk, action)
        return
    run_import.enqueue(job.pk, action)


def wait_all() -> None:
    """Run the queued imports now, in this process (tests)."""
    from chamber.core.queue import run_queued

    run_queued()


@task()
def run_import(job_id: int, action: str) -> None:
    """The queued import. A job that finished already (a retry after the commit) is
    left alone."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.finished is not None:
        return
    run(job_id, action)


class _Reporter:
    """Progress into the job row, at most a few times a second. During the write the
    import's own connection is inside its transaction, so progress goes through a
    second connection; on SQLite that would wait for the writer's lock, so there the
    write shows as running without a count."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = 0.0
        self.side = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done != total:
            return
        self.last = now
        values = [phase, done, total, timezone.now(), self.job_id]
        sql = (
            f"UPDATE {ImportJob._meta.db_table} SET phase = %s, done = %s, total = %s, "
            "updated = %s WHERE id = %s"
        )
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(
                phase=phase, done=done, total=total, updated=timezone.now()
            )
            return
        if connection.vendor != "postgresql":
            return
        if self.side is None:
            self.side = connections.create_connection("default")
        with self.side.cursor() as cursor:
            cursor.execute(sql, values)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def run(job_id: int, action: str) -> None:
    from .pipeline import Importer

    job = ImportJob.objects.select_related("organization", "user").get(pk=job_id)
    reporter = _Reporter(job.pk)
    try:
        # The write and the job's final status commit together (see the module note).
        with transaction.atomic() if action == "write" else contextlib.nullcontext():
            importer = Importer(actor=job.user, organization=job.organization, progress=reporter)
            outcome = importer.run(
                job.path, dry_run=action == "check", original_name=job.original_name
            )
            _finish(job, action, outcome)
    except Exception as e:  # the page must say something, whatever went wrong
        log.exception("import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            problem=str(e)[:2000] or e.__class__.__name__,
            finished=timezone.now(),
        )
        discard_files(job)
        job.refresh_from_db()
        if action == "write":
            notices.emit("import.finished", job, actor=job.user)
        return
    finally:
        reporter.close()
    if action == "write":
        job.refresh_from_db()
        notices.emit("import.finished", job, actor=job.user)


def _finish(job: ImportJob, action: str, outcome: Any) -> None:
    from .errorbook import write_error_workbook

    job_id = job.pk
    error_file = ""
    if outcome.error_count:
        rel = Path(job.file).with_name("errors.xlsx")
        try:
            write_error_workbook(job.path, outcome.errors, Path(settings.MEDIA_ROOT) / rel)
            error_file = str(rel)
        except Exception:
            log.exception("error workbook for import %s", job_id)
    if outcome.problem or outcome.error_count:
        status = ImportJob.Status.INVALID
    elif action == "check":
        status = ImportJob.Status.CHECKED
    else:
        status = ImportJob.Status.DONE
    if status == ImportJob.Status.DONE:
        discard_files(job)  # imported: the register holds it now, the upload may go
        error_file = ""
    ImportJob.objects.filter(pk=job_id).update(
        status=status,
        outcome=outcome.as_dict(),
        errors=[e.as_dict() for e in outcome.errors[:PAGE_ERRORS]],
        error_count=outcome.error_count,
        problem=outcome.problem,
        error_file=error_file,
        done=outcome.rows,
        total=outcome.rows,
        finished=timezone.now(),
    )
