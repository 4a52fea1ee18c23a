"""The organisation tree (两级一体) and the roles that bind users to it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .choices import OrgKind, Role
from .scope import ScopedQuerySet


class OrganizationQuerySet(ScopedQuerySet):
    def in_force(self, on: datetime.date) -> OrganizationQuerySet:
        """Organisations that existed on `on` (founded on or before, not yet closed)."""
        return self.filter(
            models.Q(founded__isnull=True) | models.Q(founded__lte=on),
            models.Q(closed__isnull=True) | models.Q(closed__gt=on),
        )

    def subtree_of(self, org: Organization) -> OrganizationQuerySet:
        return self.filter(path__startswith=org.path)


class Organization(models.Model):
    """A federation, chamber or group. `path` holds the ids from the root
    ("/1/4/"), so a subtree is one prefix match; services keep it in step with `parent`."""

    code = models.CharField(
        _("code"),
        max_length=100,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$",
                _("Lower-case letters, digits, - and _, in parts joined by dots (baoan.xixiang)."),
            )
        ],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    division_code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        help_text=_("GB/T 2260 or statistical division code"),
    )
    division_code_year = models.PositiveSmallIntegerField(
        _("year of the code table"), null=True, blank=True
    )
    founded = models.DateField(_("founded"), null=True, blank=True)
    closed = models.DateField(pgettext_lazy("date", "closed"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successors"),
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text=_("Where this organisation's members went when it was split or merged"),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path", "sort_order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed__isnull=True)
                | models.Q(founded__isnull=True)
                | models.Q(closed__gt=models.F("founded")),
                name="org_closed_after_founded",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> models.Q:
        return models.Q(id__in=org_ids)

    @property
    def display_name(self) -> str:
        lang = get_language() or ""
        return self.name_en if lang.startswith("en") and self.name_en else self.name

    @cached_property
    def subtree_ids(self) -> list[int]:
        """Ids of this organisation and everything below it, closed ones included.

        Figures filter records with `organization_id IN (these ids)` rather than a join on
        the path: the planner then reads a chamber's rows from the (organisation, date)
        indexes instead of scanning the table once per chamber."""
        return list(
            Organization.objects.filter(path__startswith=self.path)
            .order_by("id")
            .values_list("id", flat=True)
        )

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def is_in_force(self, on: datetime.date) -> bool:
        return (self.founded is None or self.founded <= on) and (
            self.closed is None or self.closed > on
        )


class DivisionCode(models.Model):
    """An organisation's division code in one year's code table: codes change when a
    district is re-divided (西乡 was 440306003 before 2017, 440306018 after)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="division_codes"
    )
    code = models.CharField(_("division code"), max_length=12)
    table_year = models.PositiveSmallIntegerField(_("year of the code table"))

    class Meta:
        verbose_name = _("division code")
        verbose_name_plural = _("division codes")
        ordering = ["organization", "-table_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "table_year"], name="one_division_code_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.table_year})"


class RoleAssignment(models.Model):
    """A user's role over an organisation and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="unique_role_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
