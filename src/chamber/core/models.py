"""The audit trail: who did what to which record, and when (DESIGN §6)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    VIEW_PERSONAL = "view_personal", _("viewed personal data")
    EXPORT = "export", _("exported")
    IMPORT = "import", _("imported")
    ACCEPT_INVALID_CODE = "accept_invalid_code", _("accepted a code that fails its check")
    STEP = "step", _("workflow step")
    ERASE = "erase", _("erased personal data")
    REVIEW = "review", _("reviewed for retention")


# Models whose records an entry without an organisation may be about (an enterprise that
# belongs to several chambers): such an entry is visible where its subject is. Apps add
# their member models in AppConfig.ready (members: Enterprise, Person).
SCOPED_SUBJECTS: list[type[models.Model]] = []


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str = "view") -> models.QuerySet:
        """The one scope rule (orgs.scope.ScopedQuerySet.visible_to) over the trail. The
        trail lives in core so that every app can write it; reading it goes through the
        organisations' rule like every other scoped read."""
        from chamber.orgs.scope import ScopedQuerySet, covers_every_organization, org_ids

        if org_ids(user, perm) and covers_every_organization(user, perm):
            # every organisation, hence every subject: the whole trail (also the
            # entries about reference data, which name no organisation)
            return self
        return ScopedQuerySet.visible_to(self, user, perm)


class AuditEntry(models.Model):
    """One audited action. `subject` is the member (enterprise or person) the entry is
    about, so a member page can show the trail of all its records together."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.BigIntegerField(null=True, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_id = models.BigIntegerField(null=True, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(_("what changed"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> models.Q:
        """An entry is visible in the organisations it names; one that names none (an
        enterprise's own record, shared by its chambers) where its subject is."""
        condition = models.Q(organization_id__in=org_ids)
        for model in SCOPED_SUBJECTS:
            # correlated on the entry's subject: an index look-up per entry (a trail is
            # read one member at a time), not the set of every visible member
            visible = model._default_manager.filter(pk=models.OuterRef("subject_id")).filter(
                model.scope_condition(org_ids)
            )
            condition |= models.Q(
                models.Exists(visible),
                organization_id__isnull=True,
                subject_type=ContentType.objects.get_for_model(model),
            )
        return condition


class WorkerBeat(models.Model):
    """A background worker's sign of life: the worker writes `beat` every few seconds,
    so a task whose worker stopped beating (killed, host lost) can be run again."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=100)
    pid = models.PositiveIntegerField()
    started = models.DateTimeField(auto_now_add=True)
    beat = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("background worker")
        verbose_name_plural = _("background workers")

    def __str__(self) -> str:
        return self.worker_id


class ScheduleRun(models.Model):
    """One firing of a scheduled job. The unique (name, slot) pair is what makes a job
    run once per schedule however many schedulers and workers are running: the row and
    the queued task are written in one transaction, and only one writer wins."""

    name = models.CharField(max_length=60)
    slot = models.DateTimeField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-slot"]
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="one_run_per_slot")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M}"
