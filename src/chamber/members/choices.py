from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("enterprise member")
    INDIVIDUAL = "individual", _("individual member")
    GROUP = "group", _("group member")


class Rank(models.TextChoices):
    # Ordered from the top; the value sorts the same way.
    PRESIDENT = "1_president", _("president")
    VICE_PRESIDENT = "2_vice_president", _("vice-president")
    STANDING_DIRECTOR = "3_standing_director", _("standing director")
    DIRECTOR = "4_director", _("director")
    MEMBER = "5_member", _("member")


class SizeClass(models.TextChoices):
    LARGE = "large", _("large")
    MEDIUM = "medium", _("medium")
    SMALL = "small", _("small")
    MICRO = "micro", _("micro")


class Gender(models.TextChoices):
    MALE = "m", _("male")
    FEMALE = "f", _("female")


class Affiliation(models.TextChoices):
    CPC = "cpc", _("CPC member")
    DEMOCRATIC_PARTY = "democratic", _("democratic party member")
    NONE = "none", _("no party affiliation")


class Status(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("membership status", "active")
    LEFT = "left", _("left")


class MilestoneKind(models.TextChoices):
    LISTING = "listing", _("listing")
    FUNDING = "funding", _("financing round")
    AWARD = "award", _("award or recognition")
    RELOCATION = "relocation", _("relocation")
    OTHER = "other", _("other")


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("bank transfer")
    CASH = "cash", _("cash")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")


class EnterpriseRoleKind(models.TextChoices):
    """A person's role at an enterprise, held from one date to another."""

    REPRESENTATIVE = "representative", _("representative to the chamber")
    CONTACT = "contact", _("contact person")
    SECRETARY = "secretary", _("secretary")
    LEGAL = "legal", _("legal representative")
    OTHER = "other", _("other role")
