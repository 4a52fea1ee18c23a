from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    SUBMITTED = "submitted", _("submitted")
    SUPERSEDED = "superseded", _("superseded")


class Source(models.TextChoices):
    LOCAL = "local", _("prepared here")
    IMPORTED = "imported", _("imported from a signed file")
