"""Fields and filters the activities endpoints share."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers

from chamber.members.api import OrgCodeField, ScopedPKField
from chamber.orgs.models import Organization


class AnyOrgCodeField(serializers.SlugRelatedField):
    """Any organisation by code (co-organisers and audiences may sit anywhere in the
    tree; organisation names and codes are not confidential)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Organization.objects.all(), **kwargs)


def in_org_subtree(qs: QuerySet, code: str, field: str = "organization") -> QuerySet:
    org = Organization.objects.filter(code=code).first()
    if org is None:
        return qs.none()
    return qs.filter(**{f"{field}__path__startswith": org.path})


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


__all__ = ["AnyOrgCodeField", "OrgCodeField", "ReasonSerializer", "ScopedPKField", "in_org_subtree"]
