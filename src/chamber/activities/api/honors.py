"""/api/v1/honors/."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chamber.core.api import service_errors
from chamber.members import selectors as member_selectors
from chamber.members.models import Enterprise, Person

from .. import selectors, services
from ..choices import HonorLevel
from ..models import Honor
from .common import OrgCodeField, ReasonSerializer, ScopedPKField, in_org_subtree


class HonorSerializer(serializers.ModelSerializer):
    organization = OrgCodeField(
        help_text="The organisation honoured, or recording the member's honour."
    )
    enterprise = ScopedPKField(
        member_selectors.enterprises, Enterprise, required=False, allow_null=True
    )
    person = ScopedPKField(member_selectors.people, Person, required=False, allow_null=True)
    recipient_name = serializers.CharField(read_only=True)

    class Meta:
        model = Honor
        # the service validates (uniqueness included), as for the pages
        validators: list = []
        fields = [
            "id",
            "organization",
            "enterprise",
            "person",
            "recipient_name",
            "title",
            "level",
            "awarding_body",
            "year",
            "note",
        ]

    def validate(self, attrs):
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["organization"] = instance.organization.code
        return data


class HonorFilter(filters.FilterSet):
    organization = filters.CharFilter(method="in_org", help_text="Organisation code (subtree).")
    level = filters.ChoiceFilter(choices=HonorLevel.choices)

    class Meta:
        model = Honor
        # the service validates (uniqueness included), as for the pages
        validators: list = []
        fields = ["year", "level", "enterprise", "person"]

    def in_org(self, qs, name, value):
        return in_org_subtree(qs, value)


class HonorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Honours of organisations in the caller's scope and of their members."""

    serializer_class = HonorSerializer
    filterset_class = HonorFilter
    ordering_fields = ["year", "id"]
    ordering = ["-year", "id"]

    def get_queryset(self):
        return selectors.honors(self.request.user)

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.award_honor(
                actor=self.request.user, **serializer.validated_data
            )

    @extend_schema(request=ReasonSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk=None) -> Response:
        """Remove an honour recorded by mistake (the audit trail keeps it)."""
        honor = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.withdraw_honor(
                actor=request.user, honor=honor, reason=body.validated_data["reason"]
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
