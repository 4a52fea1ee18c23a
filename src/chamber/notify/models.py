"""Notifications: what a person was told (the inbox), and each attempt to reach them on a
channel (the delivery log)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.orgs.models import Organization


class Channel(models.TextChoices):
    INAPP = "inapp", _("in the app")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("WeCom group")


class Template(models.Model):
    """An administrator's wording for a kind of notice on a channel and language; where
    none is stored the built-in wording (notify.kinds) is used. Django template syntax."""

    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(
        _("channel"),
        max_length=8,
        choices=Channel.choices,
        blank=True,
        help_text=_("Empty: every channel without its own template."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("zh-hans", "中文"), ("en", "English")],
        default="zh-hans",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    sms_template = models.CharField(
        _("SMS template code"),
        max_length=40,
        blank=True,
        help_text=_("The template registered with the SMS provider (e.g. SMS_123456789)."),
    )

    class Meta:
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "channel", "language"], name="one_template")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel or '*'} {self.language}"


class Preference(models.Model):
    """A user's channels for one kind of notice (none stored: the kind's defaults)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    channels = models.JSONField(_("channels"), default=list, blank=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_pref_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"


class WeComHook(models.Model):
    """A WeCom (企业微信) group robot of a chamber or of a team in it."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("group"), max_length=60)
    url = models.URLField(_("webhook address"), max_length=300)
    kinds = models.JSONField(
        _("kinds"), default=list, blank=True, help_text=_("Empty: every kind.")
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("WeCom group robot")
        verbose_name_plural = _("WeCom group robots")

    def __str__(self) -> str:
        return f"{self.organization} · {self.name}"


class DuesNoticeDay(models.Model):
    """The day of the year a chamber reminds its members of the new year's dues."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.PositiveSmallIntegerField(_("month"), default=1)
    day = models.PositiveSmallIntegerField(_("day"), default=15)

    class Meta:
        verbose_name = _("dues reminder day")
        verbose_name_plural = _("dues reminder days")

    def __str__(self) -> str:
        return f"{self.organization} {self.month}-{self.day}"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One notice to one person about one event. `key` names the event (the same event
    always gives the same key), and (key, recipient) is unique: a retried task finds the
    notice it made before instead of making a second one."""

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    key = models.CharField(max_length=120)
    recipient = models.CharField(max_length=60)  # "u:<user id>" or "m:<mobile>"
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    name = models.CharField(pgettext_lazy("recipient", "to"), max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    url = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="one_notice_per_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_inbox")]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One message on one channel: the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        HELD = "held", pgettext_lazy("delivery", "held for quiet hours")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    hook = models.ForeignKey(
        WeComHook, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dedup = models.CharField(max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    to = models.CharField(pgettext_lazy("recipient", "to"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    attachment = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    answer = models.TextField(_("provider's answer"), blank=True)
    created = models.DateTimeField(pgettext_lazy("time", "created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}: {self.status}"
