"""Scoped reads of self-assessments."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from chamber.orgs.choices import Perm

from .models import Assessment


def assessments(user: Any, perm: str = Perm.VIEW) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user, perm).select_related("scheme", "organization")
