"""Visits to enterprises (走访) and their attachments."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.members.models import Enterprise, Person
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet

from ..choices import AttachmentKind, VisitKind
from .reference import Expert


class VisitQuerySet(ScopedQuerySet):
    pass


class Visit(models.Model):
    """One visit by a chamber to one or more enterprises. The chamber that made it owns
    it; `visits.count` counts visits (家次), `visits.enterprises` distinct enterprises (家)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.ROUTINE
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("enterprises visited"), related_name="visits"
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        blank=True,
        related_name="casework_visits",
    )
    leaders = models.ManyToManyField(
        Person,
        verbose_name=_("leaders"),
        blank=True,
        related_name="leader_visits",
        help_text=_("Presidents, vice-presidents and other council members who went."),
    )
    experts = models.ManyToManyField(
        Expert, verbose_name=_("experts"), blank=True, related_name="visits"
    )
    others = models.CharField(
        _("others who went"),
        max_length=200,
        blank=True,
        help_text=_("E.g. district leaders or department officials."),
    )
    purpose = models.CharField(pgettext_lazy("visit", "purpose"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["organization", "date"], name="visit_org_date"),
            models.Index(fields=["date"], name="visit_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} · {self.organization}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)


def attachment_path(instance: VisitAttachment, filename: str) -> str:
    # A random name: the original one is kept in `name`, and a guessable path would
    # make nothing easier (files are served only through the scoped view anyway).
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"casework/visits/{instance.visit.date:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class VisitAttachmentQuerySet(ScopedQuerySet):
    pass


class VisitAttachment(models.Model):
    """A photo or document from a visit. The file lives under MEDIA_ROOT, not in the
    database, and is served only through a view that checks the visit's scope."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded = models.DateTimeField(auto_now_add=True)

    objects = VisitAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded", "id"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(visit__organization_id__in=org_ids)
