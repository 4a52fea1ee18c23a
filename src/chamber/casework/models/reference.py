"""Reference data for casework: categories with time limits, departments, the expert
pool, the working-day calendar and leaders' contact quotas. Edited in the admin by
users who may manage reference data."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chamber.core.text import paren
from chamber.core.validators import mask
from chamber.members.choices import Rank
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet

from ..choices import DayKind


class Category(models.Model):
    """A kind of problem (融资, 用地用房, ...) with the time limit, in working days, that
    a department handed the case has to resolve it."""

    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9_]+$", _("Lower-case letters, digits and _."))],
    )
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (working days)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Working days from receipt, or from hand-over to a department, to resolve."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        lang = get_language() or ""
        return self.name_en if lang.startswith("en") and self.name_en else self.name


class Department(models.Model):
    """A government department or other body a case can be handed to (交办, 承办单位)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        lang = get_language() or ""
        return self.name_en if lang.startswith("en") and self.name_en else self.name


class Expert(models.Model):
    """An expert in the pool (e.g. of an academician/expert workstation) who joins
    visits. `fields` are their fields of expertise."""

    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=100, blank=True)
    fields = models.CharField(
        _("fields of expertise"),
        max_length=200,
        blank=True,
        help_text=_("Separated by commas, e.g. 融资, 知识产权"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("pool of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The organisation whose expert pool this expert belongs to."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}{paren(self.fields)}" if self.fields else self.name

    @property
    def field_list(self) -> list[str]:
        return [f.strip() for f in self.fields.replace("，", ",").split(",") if f.strip()]

    @property
    def phone_masked(self) -> str:
        return mask(self.phone)


class HolidayCalendar(models.Model):
    """The public holidays and make-up working days of one year, as the State Council
    announces them (seeded from the `chinesecalendar` package, editable here)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("holiday calendar")
        verbose_name_plural = _("holiday calendars")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the Monday-to-Friday week: a holiday (also when it falls
    on a weekend) or a weekend day worked in exchange (调休上班)."""

    calendar = models.ForeignKey(
        HolidayCalendar, on_delete=models.CASCADE, related_name="days", verbose_name=_("year")
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.calendar_id and self.date and self.date.year != self.calendar.year:
            raise ValidationError({"date": _("The date is not in the calendar's year.")})


class ContactQuotaQuerySet(ScopedQuerySet):
    pass


class ContactQuota(models.Model):
    """How many members each leader of a rank contacts a year (e.g. each president at
    least four), set by an organisation for itself and the chambers below it."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    rank = models.CharField(_("rank"), max_length=24, choices=Rank.choices)
    contacts_per_year = models.PositiveSmallIntegerField(
        _("members to contact a year"), validators=[MinValueValidator(1)]
    )

    objects = ContactQuotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("leaders' contact quota")
        verbose_name_plural = _("leaders' contact quotas")
        ordering = ["organization", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "rank"], name="one_quota_per_rank")
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_rank_display()} · {self.contacts_per_year}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)
