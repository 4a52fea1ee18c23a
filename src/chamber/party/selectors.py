"""Scoped reads of party-building records."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from chamber.orgs.choices import Perm

from .models import PartyOrganization, PartyProfile


def party_organizations(user: Any, perm: str = Perm.VIEW) -> QuerySet[PartyOrganization]:
    return PartyOrganization.objects.visible_to(user, perm)


def party_profiles(user: Any, perm: str = Perm.VIEW) -> QuerySet[PartyProfile]:
    return PartyProfile.objects.visible_to(user, perm)
