"""Cases (诉求): problems an enterprise raises, and the timeline of what was done."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.members.models import Enterprise
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet

from ..choices import OPEN_STATUSES, CaseSource, Priority, Satisfaction, Status, Step
from .reference import Category, Department
from .visits import Visit


class CaseQuerySet(ScopedQuerySet):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date | None = None) -> CaseQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def in_subtree(self, org: Organization) -> CaseQuerySet:
        return self.filter(organization__path__startswith=org.path)


class Case(models.Model):
    """A problem raised by an enterprise, owned by the organisation that received it.
    `status` moves only through the services in `casework.services.cases`; each move
    writes a CaseEvent and an audit entry. The dates below are the current state, kept
    by the services so that figures are simple queries."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="cases"
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("raised on visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    source = models.CharField(
        _("raised through"), max_length=10, choices=CaseSource.choices, default=CaseSource.VISIT
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(pgettext_lazy("case", "description"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("handed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    escalated = models.BooleanField(_("escalated"), default=False)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    urge_count = models.PositiveSmallIntegerField(_("times urged"), default=0)
    last_urged_on = models.DateField(_("last urged on"), null=True, blank=True)
    resolution = models.TextField(_("what was done"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    satisfaction_score = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    follow_up_comment = models.TextField(_("follow-up comment"), blank=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"], name="case_org_status"),
            models.Index(fields=["organization", "received_on"], name="case_org_received"),
            models.Index(fields=["status", "due_on"], name="case_status_due"),
            models.Index(fields=["resolved_on"], name="case_resolved"),
            models.Index(fields=["assignee", "status"], name="case_assignee_status"),
        ]
        constraints = [
            models.CheckConstraint(
                name="case_satisfaction_score_1_to_5",
                condition=Q(satisfaction_score__isnull=True)
                | Q(satisfaction_score__gte=1, satisfaction_score__lte=5),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return (
            self.is_open
            and self.due_on is not None
            and self.due_on < (today or timezone.localdate())
        )

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def on_time(self) -> bool | None:
        if self.resolved_on is None or self.due_on is None:
            return None
        return self.resolved_on <= self.due_on


class CaseEventQuerySet(ScopedQuerySet):
    pass


class CaseEvent(models.Model):
    """One step in a case's timeline: who did what, when, from which state to which,
    with the comment given. Written only by the step services, never changed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When it happened; `entered_at` when it was typed in. Figures count `at`.
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    entered_late = models.BooleanField(
        _("entered late"),
        default=False,
        help_text=_("Entered more than CHAMBER_LATE_ENTRY_AFTER after it happened."),
    )
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_step_display()}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(case__organization_id__in=org_ids)
