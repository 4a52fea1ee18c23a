"""The executive committee (council), its terms (届), members and numbered meetings."""

from __future__ import annotations

import datetime
import math

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from chamber.members.models import Enterprise, Person
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet

from ..choices import CouncilKind, CouncilRole
from ..numerals import ordinal


class CouncilQuerySet(ScopedQuerySet):
    pass


class Council(models.Model):
    """An organ of an organisation that meets: the executive committee (执行委员会,
    执委会), a chamber's council (理事会) or a standing committee. The quorum is data
    (a fraction of the term's members), since charters differ."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="councils",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CouncilKind.choices)
    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. 执行委员会"))
    short_name = models.CharField(
        _("short name"), max_length=20, help_text=_("As meeting names use it, e.g. 执委会")
    )
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    quorum_numerator = models.PositiveSmallIntegerField(
        _("quorum (numerator)"), default=2, validators=[MinValueValidator(1)]
    )
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum (denominator)"), default=3, validators=[MinValueValidator(1)]
    )

    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["organization__path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="one_council_per_kind"),
            models.CheckConstraint(
                condition=Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="council_quorum_at_most_all",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.display_name}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def display_short_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.short_name

    def quorum_for(self, members: int) -> int:
        """Members who must attend: at least numerator/denominator of them."""
        return math.ceil(members * self.quorum_numerator / self.quorum_denominator)


class TermQuerySet(ScopedQuerySet):
    pass


class Term(models.Model):
    """One term (届) of a council, e.g. the 4th executive committee."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField(_("term number"), validators=[MinValueValidator(1)])
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"), null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["council", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="one_term_number"),
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gt=models.F("starts")),
                name="term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(council__organization_id__in=org_ids)

    def in_force(self, day: datetime.date) -> bool:
        """The term sits on `day`: from its start to its end date (inclusive)."""
        return self.starts <= day and (self.ends is None or day <= self.ends)

    @property
    def name(self) -> str:
        return gettext("%(term)s %(council)s") % {
            "term": ordinal(self.number),
            "council": self.council.display_name,
        }


class TermMember(models.Model):
    """A seat on a term of a council, with its role."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="council_seats"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="council_seats",
    )
    role = models.CharField(
        pgettext_lazy("council seat", "role"),
        max_length=24,
        choices=CouncilRole.choices,
        default=CouncilRole.MEMBER,
    )
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["term", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["term", "person"], name="one_seat_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_role_display()}"

    def serves_on(self, day: datetime.date) -> bool:
        """Seated on `day`: since/until, and within the term (a term ends on its date,
        its last day; every seat ends with it)."""
        return (
            (self.since is None or self.since <= day)
            and (self.until is None or self.until > day)
            and self.term.in_force(day)
        )


class MeetingQuerySet(ScopedQuerySet):
    pass


class Meeting(models.Model):
    """A meeting of a term, numbered within it: "第四届执委会第五次会议" is meeting 5 of
    term 4 of the executive committee. The name is rendered from these numbers."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveSmallIntegerField(
        _("meeting number"), validators=[MinValueValidator(1)]
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("One item per line"))
    guests = models.TextField(_("attending without a vote"), blank=True)
    minutes = models.FileField(
        _("minutes"), upload_to="activities/minutes/%Y/", blank=True, max_length=200
    )
    attendees = models.ManyToManyField(
        TermMember, through="MeetingAttendance", blank=True, related_name="meetings"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="one_meeting_number")
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(term__council__organization_id__in=org_ids)

    @property
    def name(self) -> str:
        return gettext("%(number)s meeting of the %(term)s %(council)s") % {
            "term": ordinal(self.term.number),
            "council": self.term.council.display_short_name,
            "number": ordinal(self.number),
        }

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class MeetingAttendance(models.Model):
    """A council member present at a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(TermMember, on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance")]

    def __str__(self) -> str:
        return f"{self.member} @ {self.meeting_id}"


class Resolution(models.Model):
    """A resolution put to a meeting, with its vote."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    text = models.TextField(_("text"))
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    adopted = models.BooleanField(_("adopted"), default=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="one_resolution_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:50]}"
