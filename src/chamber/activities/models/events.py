"""Events, who signs up for them, and who came."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.core.text import paren
from chamber.members.models import Enterprise, Person
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet

from ..choices import (
    ACTIVE_REGISTRATION,
    COUNTED_STATUSES,
    CheckInMethod,
    Destination,
    EventKind,
    EventStatus,
    RegistrationStatus,
)
from .common import member_in_scope

# Registration codes are typed by hand when a camera is not at hand: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
QR_PREFIX = "CHAMBER-REG:"


def new_registration_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class EventQuerySet(ScopedQuerySet):
    def touching(self, org: Organization) -> EventQuerySet:
        """Events organised or co-organised anywhere in `org`'s subtree, each once."""
        ids = org.subtree_ids
        return self.filter(
            Q(organization_id__in=ids)
            | Exists(EventCoOrganizer.objects.filter(event=OuterRef("pk"), organization_id__in=ids))
        )


# An event over (by its dates) is held; not stored, so it is never out of date.
HELD = "held"
HELD_LABEL = _("held")


class Event(models.Model):
    """An activity: a training, a fair, a trade exchange, a study tour, a symposium, a
    charity run, a meeting. It belongs to its organiser; co-organisers at any level
    see it too and it counts for each of their subtrees, once."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    co_organizers = models.ManyToManyField(
        Organization,
        verbose_name=_("co-organisers"),
        through="EventCoOrganizer",
        blank=True,
        related_name="co_organized_events",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    destination = models.CharField(
        _("where"), max_length=12, choices=Destination.choices, default=Destination.LOCAL
    )
    city = models.CharField(
        _("city"), max_length=100, blank=True, help_text=_("For an event in another city or abroad")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Places (people); empty for no limit"),
    )
    registration_deadline = models.DateTimeField(_("sign-up deadline"), null=True, blank=True)
    open_to = models.ManyToManyField(
        Organization,
        verbose_name=_("open to members of"),
        blank=True,
        related_name="open_events",
        help_text=_("Members of these organisations (and those below) may sign up; empty: anyone"),
    )
    description = models.TextField(_("description"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "starts_at"], name="event_org_start"),
            models.Index(fields=["starts_at"], name="event_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.title}{paren(f'{timezone.localtime(self.starts_at):%Y-%m-%d}')}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        """Visible where the organiser or any co-organiser is in scope."""
        return Q(organization_id__in=org_ids) | Q(
            Exists(
                EventCoOrganizer.objects.filter(event=OuterRef("pk"), organization_id__in=org_ids)
            )
        )

    @staticmethod
    def subtree_condition(path: str) -> Q:
        return Q(organization__path__startswith=path) | Q(
            Exists(
                EventCoOrganizer.objects.filter(
                    event=OuterRef("pk"), organization__path__startswith=path
                )
            )
        )

    @property
    def is_held(self) -> bool:
        """An event announced (or closed for sign-up) whose last day has passed took
        place: its state is `held`, derived from its dates, and it takes no more
        sign-ups (check-ins from its sign-in sheet may still be entered)."""
        return (
            self.status in COUNTED_STATUSES
            and timezone.localtime(self.ends_at).date() < timezone.localdate()
        )

    @property
    def state(self) -> str:
        """The workflow's state: the stored status, or `held` once the event is over."""
        return HELD if self.is_held else self.status

    def get_state_display(self) -> str:
        return str(HELD_LABEL) if self.is_held else self.get_status_display()

    @property
    def is_open(self) -> bool:
        return (
            self.status == EventStatus.ANNOUNCED
            and not self.is_held
            and (self.registration_deadline is None or timezone.now() <= self.registration_deadline)
        )


class EventCoOrganizer(models.Model):
    """An organisation co-organising an event (协办), at any level of the tree."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="co_organizer_links")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="co_organizer_links"
    )

    class Meta:
        verbose_name = _("co-organiser")
        verbose_name_plural = _("co-organisers")
        constraints = [
            models.UniqueConstraint(fields=["event", "organization"], name="one_co_organizer_link")
        ]

    def __str__(self) -> str:
        return str(self.organization)


class EventSpeaker(models.Model):
    """A speaker or expert at an event; `person` when they are in the register."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=100)
    affiliation = models.CharField(_("title and affiliation"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    is_expert = models.BooleanField(_("expert"), default=False)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class EventAttachment(models.Model):
    """A file attached to an event (programme, slides, photos); served through a scoped
    view, never from a public media URL."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="activities/events/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded", "id"]

    def __str__(self) -> str:
        return self.title


class RegistrationQuerySet(ScopedQuerySet):
    def active(self) -> RegistrationQuerySet:
        return self.filter(status__in=ACTIVE_REGISTRATION)


class Registration(models.Model):
    """A sign-up for an event by a person, an enterprise, or a person for an enterprise.
    `party_size` people come on it; `code` is what its QR code carries."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="registrations"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_registrations",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_registrations",
    )
    party_size = models.PositiveSmallIntegerField(
        pgettext_lazy("party size", "people"), default=1, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    walk_in = models.BooleanField(_("walk-in"), default=False)
    code = models.CharField(
        pgettext_lazy("check-in", "code"), max_length=16, unique=True, default=new_registration_code
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    registered_at = models.DateTimeField(_("signed up"), default=timezone.now)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["registered_at", "id"]
        indexes = [models.Index(fields=["event", "status", "registered_at"], name="reg_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | Q(person__isnull=False),
                name="registration_has_registrant",
            ),
            models.CheckConstraint(condition=Q(party_size__gte=1), name="registration_party_size"),
            # One active sign-up per person, and per enterprise signing up as a whole.
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(person__isnull=False, status__in=ACTIVE_REGISTRATION),
                name="one_active_registration_per_person",
            ),
            models.UniqueConstraint(
                fields=["event", "enterprise"],
                condition=Q(person__isnull=True, status__in=ACTIVE_REGISTRATION),
                name="one_active_registration_per_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registrant_name} · {self.event.title}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        """Visible with its event, or to the chambers the registrant is a member of."""
        event_visible = Event.objects.filter(pk=OuterRef("event_id")).filter(
            Event.scope_condition(org_ids)
        )
        return Q(Exists(event_visible)) | member_in_scope(org_ids, "enterprise_id", "person_id")

    @property
    def registrant_name(self) -> str:
        if self.person_id and self.enterprise_id:
            return f"{self.person.name}{paren(self.enterprise.name)}"
        return (self.person or self.enterprise).name

    @property
    def qr_payload(self) -> str:
        return QR_PREFIX + self.code

    @property
    def code_display(self) -> str:
        """The code in groups of five, as printed under the QR code."""
        return " ".join(self.code[i : i + 5] for i in range(0, len(self.code), 5))


class CheckIn(models.Model):
    """Attendance at an event. One per registration, enforced by the database
    (OneToOne), so a code scanned twice, or on two phones at once, counts once.
    `headcount` people of the registration's party came: attendance in person-times
    (人次) is the sum of headcounts."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="check_in"
    )
    at = models.DateTimeField(_("checked in at"), default=timezone.now)
    headcount = models.PositiveSmallIntegerField(
        pgettext_lazy("party size", "people"), default=1, validators=[MinValueValidator(1)]
    )
    method = models.CharField(
        pgettext_lazy("check-in", "how"), max_length=12, choices=CheckInMethod.choices
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("check-in", "by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gte=1), name="check_in_headcount")
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} @ {self.at:%Y-%m-%d %H:%M}"
