"""Party building in member enterprises and chambers (非公党建): party organisations,
party members among an enterprise's staff and the party-building instructor (党建指导员)
assigned to it. The coverage figures over these are in figures.py."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.members.models import Enterprise, Person
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet


class PartyOrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")
    JOINT_BRANCH = "joint_branch", _("Joint party branch")


class PartyOrganizationQuerySet(ScopedQuerySet):
    def in_force(self, day) -> PartyOrganizationQuerySet:
        return self.filter(founded__lte=day).filter(
            Q(dissolved__isnull=True) | Q(dissolved__gt=day)
        )


class PartyOrganization(models.Model):
    """A party organisation recorded by a chamber: of one member enterprise, a joint one
    of several (联合党支部), or, with no enterprise, of the chamber itself."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="party_organizations",
        help_text=_("The chamber or federation that keeps this record."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartyOrgKind.choices)
    enterprises = models.ManyToManyField(
        Enterprise,
        verbose_name=_("enterprises covered"),
        blank=True,
        related_name="party_organizations",
    )
    founded = models.DateField(_("founded"))
    dissolved = models.DateField(_("dissolved"), null=True, blank=True)
    secretary = models.ForeignKey(
        Person,
        verbose_name=pgettext_lazy("party", "secretary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members_count = models.PositiveIntegerField(_("party members"), default=0)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PartyOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["organization__path", "name"]

    def __str__(self) -> str:
        return self.name

    scope_always_owned = True

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)


class PartyProfileQuerySet(ScopedQuerySet):
    pass


class PartyProfile(models.Model):
    """An enterprise's party-building facts besides its organisation: party members
    among its staff and the instructor assigned to it."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="party_profiles",
        help_text=_("The chamber or federation that keeps this record."),
    )
    enterprise = models.OneToOneField(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="party_profile",
    )
    party_members = models.PositiveIntegerField(_("party members among staff"), default=0)
    instructor = models.ForeignKey(
        Person,
        verbose_name=_("party-building instructor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    instructor_since = models.DateField(_("instructor assigned on"), null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PartyProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("party-building profile")
        verbose_name_plural = _("party-building profiles")
        ordering = ["enterprise__name"]

    def __str__(self) -> str:
        return str(self.enterprise)

    scope_always_owned = True

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)
