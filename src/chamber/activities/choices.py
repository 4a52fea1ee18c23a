from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    """DESIGN §3: these code values are a contract (the annual report keys on them)."""

    TRAINING = "training", _("training")
    EXHIBITION = "exhibition", _("exhibition")
    TRADE_EXCHANGE = "trade_exchange", _("trade exchange")
    STUDY_TOUR = "study_tour", _("study tour")
    SYMPOSIUM = "symposium", _("symposium")
    CHARITY = "charity", _("charity")
    MEETING = "meeting", _("meeting")
    OTHER = "other", _("other")


# Kinds whose figure that matters is the participating enterprises (exhibitors, delegations).
ENTERPRISE_KINDS = frozenset({EventKind.EXHIBITION, EventKind.TRADE_EXCHANGE})


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ANNOUNCED = "announced", _("open for sign-up")
    CLOSED = "closed", _("sign-up closed")
    CANCELLED = "cancelled", _("cancelled")


# Events that happened (or will): the figures count these.
COUNTED_STATUSES = (EventStatus.ANNOUNCED, EventStatus.CLOSED)


class Destination(models.TextChoices):
    LOCAL = "local", _("local")
    ELSEWHERE = "elsewhere", _("another city")
    ABROAD = "abroad", _("outside the mainland")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    WAITLISTED = "waitlisted", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")


ACTIVE_REGISTRATION = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class CheckInMethod(models.TextChoices):
    CAMERA = "camera", _("QR code, camera")
    TYPED = "typed", _("QR code, typed")
    LIST = "list", _("from the list")
    WALK_IN = "walk_in", _("walk-in")
    IMPORTED = "imported", _("imported")


class DonationKind(models.TextChoices):
    MONEY = "money", _("money")
    IN_KIND = "in_kind", _("goods (valued)")


class DonationPurpose(models.TextChoices):
    EVENT = "event", _("an event")
    CAMPAIGN = "campaign", _("a campaign")
    FUND = "fund", _("a fund")
    PAIRED_ASSISTANCE = "paired_assistance", _("paired assistance")
    OTHER = "other", _("other")


class CouncilKind(models.TextChoices):
    EXECUTIVE = "executive", _("executive committee")
    COUNCIL = "council", _("council")
    STANDING = "standing", _("standing committee")


class CouncilRole(models.TextChoices):
    # Ordered from the top; the value sorts the same way.
    CHAIR = "1_chair", _("chair")
    VICE_CHAIR = "2_vice_chair", _("vice-chair")
    SECRETARY_GENERAL = "3_secretary_general", _("secretary-general")
    STANDING_MEMBER = "4_standing_member", _("standing member")
    MEMBER = "5_member", pgettext_lazy("council seat", "member")


class HonorLevel(models.TextChoices):
    NATIONAL = "national", _("national")
    PROVINCIAL = "provincial", _("provincial")
    MUNICIPAL = "municipal", _("municipal")
    DISTRICT = "district", _("district")


def level_rank():
    """An expression ordering honour levels from the top (national first)."""
    from django.db.models import Case, IntegerField, Value, When

    return Case(
        *(When(level=value, then=Value(i)) for i, value in enumerate(HonorLevel.values)),
        output_field=IntegerField(),
    )
