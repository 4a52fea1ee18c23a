"""Honours (荣誉) given to organisations and to members."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chamber.members.models import Enterprise, Person
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet

from ..choices import HonorLevel
from .common import member_in_scope


class HonorQuerySet(ScopedQuerySet):
    pass


class Honor(models.Model):
    """An honour such as 五好县级工商联 or a 双强 demonstration site. With no enterprise
    or person it is the organisation's own honour; otherwise it is a member's, recorded
    by the organisation."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="honors",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honors",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honors",
    )
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=HonorLevel.choices)
    awarding_body = models.CharField(_("awarding body"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = HonorQuerySet.as_manager()

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "level", "title", "id"]
        indexes = [models.Index(fields=["year"], name="honor_year")]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=True) | Q(person__isnull=True),
                name="honor_one_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title} · {self.recipient_name}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids) | member_in_scope(
            org_ids, "enterprise_id", "person_id"
        )

    @property
    def recipient(self):
        return self.enterprise or self.person or self.organization

    @property
    def recipient_name(self) -> str:
        return str(self.recipient)
