"""Reports' own tables: report files built in the background for a large scope, and
stored figures kept with the data version they were computed from (see `store.py`)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chamber.orgs.models import Organization


class ReportFile(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        FIGURES = "figures", _("counting the figures")
        WRITING = "writing", _("writing the file")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    PERCENT = {"queued": 0, "figures": 10, "writing": 80, "done": 100, "failed": 100}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    fmt = models.CharField(max_length=4, choices=[("docx", ".docx"), ("xlsx", ".xlsx")])
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    file = models.CharField(max_length=300, blank=True)
    name = models.CharField(max_length=200)
    problem = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.name

    @property
    def percent(self) -> int:
        return self.PERCENT[self.status]

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.FIGURES, self.Status.WRITING)

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.file

    @property
    def period(self):
        from .period import Period

        return Period(self.start, self.end)

    @property
    def waited(self) -> datetime.timedelta:
        return (self.finished or self.created) - self.created


class FiguresVersion(models.Model):
    """One row: a counter raised after every committed write to a record that figures
    read. Stored figures computed from an older version are stale."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("figures version")

    def __str__(self) -> str:
        return str(self.version)


class StoredFigures(models.Model):
    """A document of figures (the annual report, or the dashboard's charts in one
    language) for an organisation and a period, as computed at `computed_at` from the
    data of `version`."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="stored_figures"
    )
    period_kind = models.CharField(max_length=10)
    start = models.DateField()
    end = models.DateField()
    document = models.CharField(max_length=20)  # "report" or "charts:<language>"
    version = models.BigIntegerField()
    computed_at = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        verbose_name = _("stored figures")
        verbose_name_plural = _("stored figures")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "start", "end", "period_kind", "document"],
                name="stored_figures_one_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.start}–{self.end} {self.document}"
