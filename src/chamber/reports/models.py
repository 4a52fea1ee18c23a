"""Stored figures: the report of an organisation for a period, kept with the data
version it was computed from (see `store.py`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
