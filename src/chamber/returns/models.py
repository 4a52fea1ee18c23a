"""The yearly statistical return (统计年报) of a federation, in versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.orgs.scope import ScopedQuerySet

from .choices import Source, Status


class ReturnQuerySet(ScopedQuerySet):
    pass


class Return(models.Model):
    """One version of an organisation's return for a year. Its lines are a snapshot of
    the figures when it was prepared: records added later change the live figures, not
    the return (they show as differences)."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="returns",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.LOCAL)
    reason = models.TextField(_("reason for resubmission"), blank=True)
    computed_at = models.DateTimeField(_("figures computed at"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    signer = models.CharField(_("signed by key"), max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = ReturnQuerySet.as_manager()
    scope_always_owned = True

    class Meta:
        verbose_name = _("statistical return")
        verbose_name_plural = _("statistical returns")
        ordering = ["organization__path", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "version"], name="return_one_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization.code} {self.year} v{self.version}"

    @staticmethod
    def scope_condition(org_ids):
        return models.Q(organization_id__in=org_ids)

    @property
    def locked(self) -> bool:
        return self.status in (Status.SUBMITTED, Status.SUPERSEDED)


class ReturnLine(models.Model):
    """One figure of a return: the computed value, and the reported one when staff
    corrected it, with the reason."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    figure = models.CharField(
        pgettext_lazy("return", "figure"), max_length=100
    )  # a path such as "members.total"
    computed = models.CharField(_("computed value"), max_length=40)
    reported = models.CharField(_("reported value"), max_length=40)
    reason = models.TextField(_("reason for the correction"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("return figure")
        verbose_name_plural = _("return figures")
        ordering = ["ret", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["ret", "figure"], name="return_line_one_per_figure")
        ]

    def __str__(self) -> str:
        return f"{self.figure}={self.reported}"

    @property
    def corrected(self) -> bool:
        return self.reported != self.computed
