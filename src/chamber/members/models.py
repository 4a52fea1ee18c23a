"""The member register: enterprises, people, memberships and dues."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.core.fields import EncryptedCharField
from chamber.core.masking import mask_id_number, mask_mobile
from chamber.core.text import labelled
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet

from .choices import (
    Affiliation,
    EnterpriseRoleKind,
    Gender,
    MemberKind,
    MilestoneKind,
    PaymentMethod,
    Rank,
    SizeClass,
)
from .industry import industry_label, section_choices

MONEY = {"max_digits": 14, "decimal_places": 2}


class Tag(models.Model):
    """A label such as 高新技术企业 or 专精特新."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnterpriseQuerySet(ScopedQuerySet):
    pass


class Enterprise(models.Model):
    """A company or other unit, keyed by its unified social credit code."""

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    uscc_check_accepted = models.BooleanField(
        _("code accepted despite failed check"),
        default=False,
        help_text=_("Set only through an audited acceptance by an authorised user."),
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    industry_section = models.CharField(
        _("industry section"), max_length=1, blank=True, choices=section_choices()
    )
    industry_division = models.CharField(_("industry division"), max_length=2, blank=True)
    size_class = models.CharField(
        _("size class"), max_length=10, blank=True, choices=SizeClass.choices
    )
    size_class_manual = models.BooleanField(
        _("size class entered by hand"),
        default=False,
        help_text=_("A size class entered by hand wins over the computed one."),
    )
    registered_capital = models.DecimalField(
        _("registered capital (10k CNY)"),
        null=True,
        blank=True,
        **MONEY,
        validators=[MinValueValidator(Decimal(0))],
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.DecimalField(
        _("operating revenue (10k CNY)"),
        null=True,
        blank=True,
        **MONEY,
        validators=[MinValueValidator(Decimal(0))],
    )
    total_assets = models.DecimalField(
        _("total assets (10k CNY)"),
        null=True,
        blank=True,
        **MONEY,
        validators=[MinValueValidator(Decimal(0))],
    )
    registered_address = models.CharField(_("registered address"), max_length=200, blank=True)
    business_address = models.CharField(_("business address"), max_length=200, blank=True)
    street = models.ForeignKey(
        Organization,
        verbose_name=_("street"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where the enterprise is; not derived from the credit code."),
    )
    founded = models.DateField(_("founding date"), null=True, blank=True)
    listed = models.BooleanField(_("listed"), default=False)
    stock_code = models.CharField(_("stock code"), max_length=20, blank=True)
    main_products = models.CharField(_("main products"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    search_text = models.TextField(editable=False, default="")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_condition(org_ids: frozenset[int]):
        return Exists(
            Membership.objects.filter(enterprise=OuterRef("pk"), organization_id__in=org_ids)
        )

    @property
    def industry_code(self) -> str:
        return f"{self.industry_section}{self.industry_division}"

    @property
    def industry_display(self) -> str:
        """The code with its name: "H61 住宿业" (industry.industry_label)."""
        if not (self.industry_section or self.industry_division):
            return ""
        return industry_label(self.industry_section, self.industry_division)


class Milestone(models.Model):
    """A dated event in an enterprise's life, such as a listing."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices)
    description = models.CharField(pgettext_lazy("milestone", "description"), max_length=300)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.description}"


class PersonQuerySet(ScopedQuerySet):
    pass


class Person(models.Model):
    """An entrepreneur or individual member. The ID number is encrypted at rest; the
    mobile and ID number are masked wherever the viewer's role does not allow more."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, db_index=True)
    id_number = EncryptedCharField(_("ID number"), max_length=18, blank=True, null=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    title = models.CharField(_("title at the enterprise"), max_length=50, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The organisation whose staff entered the person: they find the person even "
            "without an enterprise or a membership."
        ),
    )
    political_affiliation = models.CharField(
        _("political affiliation"),
        max_length=20,
        choices=Affiliation.choices,
        blank=True,
        help_text=_("Restricted: shown only to roles that may see personal data."),
    )
    education = models.CharField(_("education"), max_length=30, blank=True)
    native_place = models.CharField(_("native place"), max_length=50, blank=True)
    # A staff member who is also this person (a chamber's secretary-general sitting on
    # its council); services.link_user names an unnamed account after the person.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    search_text = models.TextField(editable=False, default="")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_condition(org_ids: frozenset[int]):
        # IN (subquery) rather than correlated EXISTS: each set is read once through an
        # index, not probed per person (a street secretary's people list took 2 s on
        # SQLite at 3,000 members with EXISTS).
        in_scope = Membership.objects.filter(organization_id__in=org_ids)
        return (
            Q(organization_id__in=org_ids)
            | Q(pk__in=in_scope.filter(person__isnull=False).values("person_id"))
            | Q(pk__in=in_scope.filter(representative__isnull=False).values("representative_id"))
            | Q(enterprise_id__in=in_scope.filter(enterprise__isnull=False).values("enterprise_id"))
        )

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


def active_condition(day: datetime.date) -> Q:
    """A membership in force on `day`: joined by then and not yet left (the condition,
    for filters and for conditional aggregates)."""
    return Q(joined__lte=day) & (Q(left__isnull=True) | Q(left__gt=day))


class MembershipQuerySet(ScopedQuerySet):
    def active(self, on=None):
        return self.filter(active_condition(on or timezone.localdate()))


class Membership(models.Model):
    """A member of one organisation: an enterprise, a person or another organisation.

    Moving to another chamber ends this membership and starts one there whose
    `moved_from` points back, so the history stays. The member's name and its
    searchable forms are copied here because the directory lists memberships: one
    indexed table to search and page through at a million rows.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    kind = models.CharField(_("member kind"), max_length=12, choices=MemberKind.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    member_org = models.ForeignKey(
        Organization,
        verbose_name=_("member organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships_held",
    )
    representative = models.ForeignKey(
        Person,
        verbose_name=_("representative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="represents",
    )
    rank = models.CharField(_("rank"), max_length=24, choices=Rank.choices, default=Rank.MEMBER)
    joined = models.DateField(_("joined"))
    left = models.DateField(_("left"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    moved_from = models.OneToOneField(
        "self",
        verbose_name=_("moved from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moved_to",
    )
    # Denormalised for the directory (kept by the services).
    name = models.CharField(_("name"), max_length=200)
    sort_key = models.CharField(max_length=300, editable=False, default="")
    initials = models.CharField(max_length=100, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_member_matches_kind",
                condition=(
                    Q(
                        kind="enterprise",
                        enterprise__isnull=False,
                        person__isnull=True,
                        member_org__isnull=True,
                    )
                    | Q(
                        kind="individual",
                        person__isnull=False,
                        enterprise__isnull=True,
                        member_org__isnull=True,
                    )
                    | Q(
                        kind="group",
                        member_org__isnull=False,
                        enterprise__isnull=True,
                        person__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(
                name="membership_left_after_joined",
                condition=Q(left__isnull=True) | Q(left__gte=models.F("joined")),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "sort_key", "id"], name="member_dir_name"),
            models.Index(fields=["organization", "joined", "id"], name="member_dir_joined"),
            models.Index(fields=["sort_key", "id"], name="member_sort"),
            models.Index(fields=["initials", "id"], name="member_initials"),
            models.Index(fields=["joined"], name="member_joined"),
            models.Index(fields=["left"], name="member_left"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.organization}"

    scope_always_owned = True  # organization is required

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)

    @property
    def member(self):
        return self.enterprise or self.person or self.member_org

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.joined <= today and (self.left is None or self.left > today)


class DueQuerySet(ScopedQuerySet):
    pass


class Due(models.Model):
    """What a membership owes for one year."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="dues")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("amount (CNY)"), **MONEY, validators=[MinValueValidator(Decimal(0))]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = DueQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("dues", "due")
        verbose_name_plural = _("dues")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="one_due_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.membership.name} {labelled(self.year, self.amount)}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(membership__organization_id__in=org_ids)


class DuesRateQuerySet(ScopedQuerySet):
    pass


class DuesRate(models.Model):
    """A year's dues for one rank in one chamber, set by its staff. Setting it gives
    every member of that rank a `Due` for the year (services.set_dues_rate)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="dues_rates",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rank = models.CharField(_("rank"), max_length=24, choices=Rank.choices)
    amount = models.DecimalField(
        _("amount (CNY)"), **MONEY, validators=[MinValueValidator(Decimal(0))]
    )
    updated = models.DateTimeField(auto_now=True)

    objects = DuesRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues rate")
        verbose_name_plural = _("dues rates")
        ordering = ["-year", "organization", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "rank"], name="one_dues_rate_per_rank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year} {self.get_rank_display()}: {self.amount}"

    scope_always_owned = True

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)


class PaymentQuerySet(ScopedQuerySet):
    pass


class Payment(models.Model):
    due = models.ForeignKey(Due, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(
        _("amount (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    method = models.CharField(
        _("method"), max_length=12, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    receipt_no = models.CharField(_("receipt number"), max_length=40, blank=True)
    created = models.DateTimeField(auto_now_add=True, null=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on"]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(due__membership__organization_id__in=org_ids)


class EnterpriseRoleQuerySet(ScopedQuerySet):
    def current(self, on: datetime.date | None = None) -> EnterpriseRoleQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(start__isnull=True) | Q(start__lte=on)).filter(
            Q(end__isnull=True) | Q(end__gt=on)
        )


class EnterpriseRole(models.Model):
    """A person's role at an enterprise (representative, contact, secretary...) from
    one date to another. A role is ended, never deleted, so changes of staff keep
    their history; the enterprise's audit trail records each change."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roles"
    )
    role = models.CharField(
        _("role at the enterprise"), max_length=16, choices=EnterpriseRoleKind.choices
    )
    start = models.DateField(_("held from"), null=True, blank=True)
    end = models.DateField(_("held until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = EnterpriseRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role at an enterprise")
        verbose_name_plural = _("roles at enterprises")
        ordering = ["enterprise", "role", "-start", "-id"]
        constraints = [
            models.CheckConstraint(
                name="enterprise_role_end_after_start",
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
            )
        ]
        indexes = [models.Index(fields=["person", "enterprise"], name="enterprise_role_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.enterprise}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]):
        return Exists(
            Membership.objects.filter(
                enterprise=OuterRef("enterprise_id"), organization_id__in=org_ids
            )
        )

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.start is None or self.start <= today) and (
            self.end is None or self.end > today
        )


# Spreadsheet imports through the staff pages (members/importers/jobs.py).
from .importers.jobs import ImportJob  # noqa: E402, F401
