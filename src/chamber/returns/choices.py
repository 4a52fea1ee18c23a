from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", pgettext_lazy("return", "approved")
    SUBMITTED = "submitted", _("submitted")
    SUPERSEDED = "superseded", _("superseded")


class Source(models.TextChoices):
    LOCAL = "local", _("prepared here")
    IMPORTED = "imported", _("imported from a signed file")
