"""/api/v1/donations/ and /api/v1/funds/. Voiding a donation and paying out of a fund
are POST actions; money is a decimal string."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chamber.core.api import service_errors
from chamber.core.filters import YearFilter
from chamber.members import selectors as member_selectors
from chamber.members.models import Enterprise, Person
from chamber.orgs.choices import Perm

from .. import selectors, services
from ..choices import DonationKind, DonationPurpose
from ..models import Donation, Event, Fund, FundSpending
from ..money import from_cents
from .common import OrgCodeField, ReasonSerializer, ScopedPKField, in_org_subtree


def _change_funds(user):
    return selectors.funds(user, Perm.CHANGE)


class DonationSerializer(serializers.ModelSerializer):
    organization = OrgCodeField(help_text="Code of the organisation recording the donation.")
    enterprise = ScopedPKField(
        member_selectors.enterprises, Enterprise, required=False, allow_null=True
    )
    person = ScopedPKField(member_selectors.people, Person, required=False, allow_null=True)
    event = ScopedPKField(selectors.events, Event, required=False, allow_null=True)
    fund = ScopedPKField(_change_funds, Fund, required=False, allow_null=True)
    donor_name = serializers.CharField(read_only=True)

    class Meta:
        model = Donation
        # the service validates (uniqueness included), as for the pages
        validators: list = []
        fields = [
            "id",
            "organization",
            "enterprise",
            "person",
            "donor_name",
            "kind",
            "amount",
            "goods",
            "purpose",
            "event",
            "fund",
            "campaign",
            "recipient",
            "date",
            "receipt_no",
            "note",
            "voided_at",
            "void_reason",
            "created",
        ]
        read_only_fields = ["voided_at", "void_reason", "created"]

    def validate(self, attrs):
        return attrs  # the service validates, as for the page

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["organization"] = instance.organization.code
        return data


class DonationFilter(filters.FilterSet):
    organization = filters.CharFilter(method="in_org", help_text="Organisation code (subtree).")
    year = YearFilter(field_name="date")
    date_after = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = filters.DateFilter(field_name="date", lookup_expr="lte")
    kind = filters.ChoiceFilter(choices=DonationKind.choices)
    purpose = filters.ChoiceFilter(choices=DonationPurpose.choices)
    voided = filters.BooleanFilter(field_name="voided_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Donation
        # the service validates (uniqueness included), as for the pages
        validators: list = []
        fields = ["enterprise", "person", "fund", "event", "kind", "purpose"]

    def in_org(self, qs, name, value):
        return in_org_subtree(qs, value)


class DonationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Donations recorded in the caller's scope, or made by members in it. A mistaken
    record is voided (POST void), never changed or deleted."""

    serializer_class = DonationSerializer
    filterset_class = DonationFilter
    ordering_fields = ["date", "amount", "id"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        return selectors.donations(self.request.user).select_related(
            "organization", "enterprise", "person"
        )

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.record_donation(
                actor=self.request.user, **serializer.validated_data
            )

    @extend_schema(request=ReasonSerializer, responses={200: DonationSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk=None) -> Response:
        """Void the donation: it stays on record, out of every figure."""
        donation = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            donation = services.void_donation(
                actor=request.user, donation=donation, reason=body.validated_data["reason"]
            )
        return Response(self.get_serializer(donation).data)


class SpendingSerializer(serializers.ModelSerializer):
    event = ScopedPKField(selectors.events, Event, required=False, allow_null=True)

    class Meta:
        model = FundSpending
        fields = ["id", "date", "amount", "purpose", "recipient", "event", "voucher_no", "created"]
        read_only_fields = ["created"]


class FundSerializer(serializers.ModelSerializer):
    organization = OrgCodeField()
    income = serializers.SerializerMethodField()
    spending = serializers.SerializerMethodField()
    balance = serializers.SerializerMethodField()

    class Meta:
        model = Fund
        # the service validates (uniqueness included), as for the pages
        validators: list = []
        fields = [
            "id",
            "organization",
            "name",
            "description",
            "founded",
            "income",
            "spending",
            "balance",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_income(self, obj: Fund) -> str:
        return str(from_cents(getattr(obj, "income_cents", 0)))

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_spending(self, obj: Fund) -> str:
        return str(from_cents(getattr(obj, "spending_cents", 0)))

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_balance(self, obj: Fund) -> str:
        return str(
            from_cents(getattr(obj, "income_cents", 0))
            - from_cents(getattr(obj, "spending_cents", 0))
        )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["organization"] = instance.organization.code
        return data


class FundViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Funds in the caller's scope with income, spending and balance (exact)."""

    serializer_class = FundSerializer
    filterset_fields = ["name"]
    ordering_fields = ["name", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.funds(self.request.user)

    def perform_create(self, serializer):
        with service_errors():
            fund = services.create_fund(actor=self.request.user, **serializer.validated_data)
        serializer.instance = selectors.funds(self.request.user).get(pk=fund.pk)

    @extend_schema(request=SpendingSerializer, responses={201: SpendingSerializer})
    @action(detail=True, methods=["post"])
    def spend(self, request: Request, pk=None) -> Response:
        """Pay out of the fund: refused (400) beyond its balance."""
        fund = self.get_object()
        body = SpendingSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            spending = services.record_spending(
                actor=request.user, fund=fund, **body.validated_data
            )
        return Response(SpendingSerializer(spending).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: SpendingSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def spendings(self, request: Request, pk=None) -> Response:
        fund = self.get_object()
        rows = fund.spendings.order_by("-date", "-id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(SpendingSerializer(page, many=True).data)
