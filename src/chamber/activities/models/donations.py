"""Donations of money and goods, and the funds that hold them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chamber.members.models import Enterprise, Person
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet

from ..choices import DonationKind, DonationPurpose
from .common import MONEY, member_in_scope
from .events import Event


class FundQuerySet(ScopedQuerySet):
    pass


class Fund(models.Model):
    """A fund a chamber keeps, such as its charity foundation (福商公益基金会). Income is
    the donations made to it, spending is recorded per disbursement; the balance is
    their difference, computed exactly (never stored, so it cannot drift)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="funds"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    founded = models.DateField(_("founded"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["organization__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="one_fund_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)


class DonationQuerySet(ScopedQuerySet):
    def valid(self) -> DonationQuerySet:
        """Not voided: what the figures count."""
        return self.filter(voided_at__isnull=True)


class Donation(models.Model):
    """A donation of money, or of goods at their valued amount, by an enterprise or a
    person, recorded by the organisation that received or arranged it. A mistaken
    record is voided with a reason, never deleted."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="donations",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("donor enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("donor person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DonationKind.choices)
    amount = models.DecimalField(
        _("amount (CNY)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("For goods, their valued amount"),
    )
    goods = models.CharField(_("goods"), max_length=300, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=DonationPurpose.choices)
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    fund = models.ForeignKey(
        Fund,
        verbose_name=_("fund"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    campaign = models.CharField(_("campaign"), max_length=200, blank=True)
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    receipt_no = models.CharField(_("receipt number"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["organization", "date"], name="donation_org_date"),
            models.Index(fields=["date"], name="donation_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, person__isnull=True)
                | Q(enterprise__isnull=True, person__isnull=False),
                name="donation_one_donor",
            ),
            models.UniqueConstraint(
                fields=["organization", "receipt_no"],
                condition=~Q(receipt_no=""),
                name="donation_receipt_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor_name} {self.date:%Y-%m-%d} ¥{self.amount}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids) | member_in_scope(
            org_ids, "enterprise_id", "person_id"
        )

    @property
    def donor(self) -> Enterprise | Person:
        return self.enterprise or self.person

    @property
    def donor_name(self) -> str:
        return self.donor.name

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class FundSpending(models.Model):
    """Money or goods paid out of a fund."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="spendings"
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_spendings",
    )
    voucher_no = models.CharField(_("voucher number"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spendings")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_spending_positive")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} ¥{self.amount} {self.purpose}"
