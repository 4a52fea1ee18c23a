"""/api/v1/party-organizations/: party organisations in the caller's scope."""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets

from chamber.core.api import service_errors
from chamber.core.pagination import CappedCountPagination
from chamber.members import selectors as member_selectors
from chamber.members.api import OrgCodeField, ScopedPKField
from chamber.members.models import Enterprise, Person
from chamber.orgs.models import Organization

from . import selectors, services
from .models import PartyOrganization


class PartyOrganizationSerializer(serializers.ModelSerializer):
    organization = OrgCodeField(help_text="Code of the chamber or federation keeping it.")
    enterprises = ScopedPKField(member_selectors.enterprises, Enterprise, many=True, required=False)
    secretary = ScopedPKField(member_selectors.people, Person, required=False, allow_null=True)

    class Meta:
        model = PartyOrganization
        fields = [
            "id",
            "organization",
            "name",
            "kind",
            "enterprises",
            "founded",
            "dissolved",
            "secretary",
            "members_count",
            "note",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["organization"] = instance.organization.code
        return data


class PartyOrganizationFilter(filters.FilterSet):
    organization = filters.CharFilter(method="in_org", help_text="Organisation code (subtree).")

    class Meta:
        model = PartyOrganization
        fields = ["kind"]

    def in_org(self, qs, name, value):
        org = Organization.objects.filter(code=value).first()
        return qs.filter(organization__path__startswith=org.path) if org else qs.none()


class PartyOrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Party organisations (党组织) of member enterprises and chambers in the caller's
    scope. Writes go through the audited service."""

    serializer_class = PartyOrganizationSerializer
    filterset_class = PartyOrganizationFilter
    pagination_class = CappedCountPagination
    ordering_fields = ["founded", "name", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return (
            selectors.party_organizations(self.request.user)
            .select_related("organization")
            .prefetch_related("enterprises")
        )

    def _save(self, serializer, instance=None):
        data = dict(serializer.validated_data)
        organization = data.pop("organization", instance.organization if instance else None)
        enterprises = data.pop("enterprises", list(instance.enterprises.all()) if instance else [])
        with service_errors():
            serializer.instance = services.save_party_organization(
                actor=self.request.user,
                organization=organization,
                enterprises=enterprises,
                instance=instance,
                **data,
            )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)
