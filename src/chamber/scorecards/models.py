"""Evaluation schemes as data (五好县级工商联, 四好商会, 双强): dimensions and weighted
indicators, each computed from a named report figure against a threshold or scored by
hand with evidence; and self-assessments of an organisation for a year."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet


class Scheme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    applies_to = models.CharField(_("applies to"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Dimension(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="dimensions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["scheme", "order"]

    def __str__(self) -> str:
        return self.name


class Method(models.TextChoices):
    COMPUTED = "computed", _("computed from figures")
    MANUAL = "manual", _("scored by hand")


class Comparison(models.TextChoices):
    AT_LEAST = ">=", "≥"
    AT_MOST = "<=", "≤"


class Indicator(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    weight = models.DecimalField(
        _("weight (points)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    method = models.CharField(
        pgettext_lazy("scorecard", "method"), max_length=10, choices=Method.choices
    )
    figure = models.CharField(_("figure"), max_length=100, blank=True)
    comparison = models.CharField(
        _("comparison"), max_length=2, choices=Comparison.choices, blank=True
    )
    threshold = models.DecimalField(
        _("threshold"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    threshold_is_default = models.BooleanField(
        _("Chamber's default threshold"),
        default=True,
        help_text=_("A default of Chamber's, to be set by each federation."),
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["dimension", "order"]

    def __str__(self) -> str:
        return self.name

    def met(self, value) -> bool | None:
        if value is None or self.threshold is None:
            return None
        value = Decimal(str(value))
        if self.comparison == Comparison.AT_MOST:
            return value <= self.threshold
        return value >= self.threshold


class AssessmentQuerySet(ScopedQuerySet):
    pass


class Assessment(models.Model):
    """A self-assessment (自评) of an organisation's subtree against a scheme for a year."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("evaluation scheme"), on_delete=models.PROTECT
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-year", "organization__path", "scheme"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "organization", "year"], name="one_assessment_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year} {self.scheme}"

    scope_always_owned = True

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)


class ManualScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="one_score")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.score}"


class Evidence(models.Model):
    score = models.ForeignKey(ManualScore, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="scorecards/evidence/%Y/", max_length=200)
    name = models.CharField(_("name"), max_length=200)
    uploaded = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
