"""REST endpoints for enterprises, people and memberships. Every queryset comes from
a selector that applies the caller's scope; every write calls a service."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chamber.core import api_fields
from chamber.core.api import service_errors
from chamber.core.filters import YearFilter
from chamber.core.masking import PersonalField
from chamber.core.money import cents
from chamber.core.pagination import CappedCountPagination
from chamber.core.validators import MAX_YEAR, MIN_YEAR, check_uscc, check_year, normalize_code
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization
from chamber.orgs.scope import may_view_personal

from . import selectors, services
from .choices import PaymentMethod, Rank, SizeClass, Status
from .models import Due, DuesRate, Enterprise, EnterpriseRole, Membership, Payment, Person


class OrgCodeField(serializers.SlugRelatedField):
    """An organisation by code, limited to those where the caller may change records."""

    def __init__(self, perm: str = Perm.CHANGE, **kwargs):
        self.perm = perm
        super().__init__(slug_field="code", queryset=Organization.objects.all(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return Organization.objects.visible_to(request.user if request else None, self.perm)


class ScopedPKField(serializers.PrimaryKeyRelatedField):
    """A related record by id, found only within the caller's scope."""

    def __init__(self, selector, model, **kwargs):
        self.selector = selector
        # The real queryset comes per request from get_queryset(); this one only tells
        # the schema generator what the field points at.
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.selector(request.user if request else None)


# --- Enterprises -----------------------------------------------------------------------


class TagListField(serializers.ListField):
    """Tags as a list of names; unknown names are created on write."""

    child = serializers.CharField(max_length=50)

    def to_representation(self, data):
        return [t.name for t in data.all()]


class EnterpriseSerializer(serializers.ModelSerializer):
    tags = TagListField(required=False)
    contact_phone = PersonalField("mobile", required=False, allow_blank=True, max_length=20)
    street = OrgCodeField(perm=Perm.VIEW, required=False, allow_null=True)
    organization = OrgCodeField(
        write_only=True,
        required=False,
        help_text="On create: code of the chamber that admits the enterprise (required).",
    )
    rank = serializers.ChoiceField(choices=Rank.choices, write_only=True, required=False)
    joined = api_fields.DateField(write_only=True, required=False)
    accept_invalid_code = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Accept a code whose check character fails (needs the right role; audited).",
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "uscc",
            "uscc_check_accepted",
            "legal_representative",
            "industry_section",
            "industry_division",
            "size_class",
            "size_class_manual",
            "registered_capital",
            "employees",
            "revenue",
            "total_assets",
            "registered_address",
            "business_address",
            "street",
            "founded",
            "listed",
            "stock_code",
            "main_products",
            "contact_name",
            "contact_phone",
            "note",
            "tags",
            "created",
            "updated",
            "organization",
            "rank",
            "joined",
            "accept_invalid_code",
        ]
        read_only_fields = ["uscc_check_accepted", "size_class_manual", "created", "updated"]
        extra_kwargs = {"uscc": {"validators": []}}

    def validate_uscc(self, value: str) -> str:
        # Checked here as well as in the service so one response lists every bad field.
        code = normalize_code(value)
        accept = str(self.initial_data.get("accept_invalid_code", "")).lower() in ("true", "1")
        problem = check_uscc(code)
        if problem and not (accept and len(code) == 18):
            raise serializers.ValidationError(problem)
        return code

    def validate(self, attrs):
        if self.instance is None and not attrs.get("organization"):
            raise serializers.ValidationError(
                {"organization": _("Name the chamber that admits this enterprise.")}
            )
        return attrs


class EnterpriseFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", help_text="Name, pinyin, initials, code, legal rep.")
    organization = filters.CharFilter(
        method="in_org", help_text="Organisation code: members of its subtree (any time)."
    )
    size_class = filters.ChoiceFilter(choices=SizeClass.choices)
    tag = filters.CharFilter(field_name="tags__name")

    class Meta:
        model = Enterprise
        fields = ["industry_section", "industry_division", "size_class", "listed", "uscc"]

    def search(self, qs, name, value):
        return qs.filter(selectors.record_search_condition(value))

    def in_org(self, qs, name, value):
        org = Organization.objects.filter(code=value).first()
        if org is None:
            return qs.none()
        return qs.filter(
            Exists(
                Membership.objects.filter(
                    enterprise=OuterRef("pk"), organization__path__startswith=org.path
                )
            )
        )


class EnterpriseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Enterprises that are, or were, members of an organisation in the caller's scope."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    pagination_class = CappedCountPagination
    ordering_fields = ["name", "id", "founded", "employees", "revenue"]
    ordering = ["id"]

    def get_queryset(self):
        return (
            selectors.enterprises(self.request.user)
            .select_related("street")
            .prefetch_related("tags")
        )

    def get_serializer_context(self):
        # Lists mask personal data; one record shows it to a caller with the right.
        context = super().get_serializer_context()
        pk = self.kwargs.get("pk")
        if pk is not None and str(pk).isdigit():
            ent = Enterprise.objects.filter(pk=pk).first()
            context["full_personal"] = may_view_personal(self.request.user, ent)
        return context

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        org = data.pop("organization")
        rank = data.pop("rank", Rank.MEMBER)
        joined = data.pop("joined", None) or timezone.localdate()
        with service_errors():
            ent = services.create_enterprise(actor=self.request.user, organization=org, **data)
            services.admit_member(
                actor=self.request.user, organization=org, enterprise=ent, rank=rank, joined=joined
            )
        serializer.instance = ent

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        for key in ("organization", "rank", "joined"):
            data.pop(key, None)
        with service_errors():
            serializer.instance = services.update_enterprise(
                actor=self.request.user, enterprise=serializer.instance, **data
            )


class HiddenForRoleCharField(serializers.CharField):
    """Read back as null where the caller's role may not see it (declared so)."""

    nullable_in_response = True


# --- People ------------------------------------------------------------------------------


class EnterpriseRoleSerializer(serializers.ModelSerializer):
    """A person's role at an enterprise from one date to another (open-ended while held)."""

    enterprise = ScopedPKField(selectors.enterprises, Enterprise)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    current = serializers.BooleanField(source="is_current", read_only=True)

    class Meta:
        model = EnterpriseRole
        fields = ["id", "enterprise", "enterprise_name", "role", "start", "end", "note", "current"]
        read_only_fields = ["end"]


class EndRoleSerializer(serializers.Serializer):
    end = api_fields.DateField()


class PersonSerializer(serializers.ModelSerializer):
    enterprise = ScopedPKField(selectors.enterprises, Enterprise, required=False, allow_null=True)
    organization = OrgCodeField(
        required=False,
        allow_null=True,
        help_text="Code of the organisation whose staff register the person (lets them find "
        "a person without an enterprise).",
    )
    roles = EnterpriseRoleSerializer(
        many=True,
        read_only=True,
        help_text="Roles at enterprises over time (representative, contact, secretary...).",
    )
    mobile = PersonalField("mobile", required=False, allow_blank=True, max_length=20)
    id_number = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=30,
        help_text="Write only; read back masked, or in full from the retrieve endpoint "
        "when your role may see personal data (the reading is logged).",
    )
    id_number_masked = serializers.SerializerMethodField()
    political_affiliation = HiddenForRoleCharField(required=False, allow_blank=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "mobile",
            "id_number",
            "id_number_masked",
            "enterprise",
            "title",
            "organization",
            "political_affiliation",
            "education",
            "native_place",
            "roles",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def get_id_number_masked(self, obj: Person) -> str:
        return obj.id_number_masked

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.organization_id is not None:
            data["organization"] = instance.organization.code
        if not self.context.get("full_personal"):
            data["political_affiliation"] = None
        else:
            data["id_number"] = instance.id_number or ""
        return data


class PersonFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", help_text="Name, pinyin or mobile.")
    organization = filters.CharFilter(
        method="in_org", help_text="Organisation code: people linked to its subtree."
    )
    no_enterprise = filters.BooleanFilter(
        field_name="enterprise",
        lookup_expr="isnull",
        help_text="Only people without an enterprise.",
    )

    class Meta:
        model = Person
        fields = ["enterprise", "gender"]

    def search(self, qs, name, value):
        return qs.filter(selectors.record_search_condition(value))

    def in_org(self, qs, name, value):
        org = Organization.objects.filter(code=value).first()
        if org is None:
            return qs.none()
        return qs.filter(pk__in=selectors.people_list(self.request.user, org=org).values("pk"))


class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People linked to members in the caller's scope. Lists mask the mobile and ID
    number; retrieving one shows them in full to roles that may, and logs it."""

    serializer_class = PersonSerializer
    pagination_class = CappedCountPagination
    filterset_class = PersonFilter
    ordering_fields = ["name", "id"]
    ordering = ["id"]

    def get_queryset(self):
        roles = EnterpriseRole.objects.visible_to(self.request.user).select_related("enterprise")
        return (
            selectors.people(self.request.user)
            .select_related("organization")
            .prefetch_related(Prefetch("roles", queryset=roles.order_by("-start", "-id")))
        )

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        person = self.get_object()
        full = may_view_personal(request.user, person)
        if full:
            services.reveal_personal_data(actor=request.user, person=person)
        return Response(
            PersonSerializer(
                person, context={**self.get_serializer_context(), "full_personal": full}
            ).data
        )

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.create_person(
                actor=self.request.user, **serializer.validated_data
            )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("organization", None)
        with service_errors():
            serializer.instance = services.update_person(
                actor=self.request.user, person=serializer.instance, **data
            )

    @extend_schema(
        request=EnterpriseRoleSerializer,
        responses={200: EnterpriseRoleSerializer(many=True), 201: EnterpriseRoleSerializer},
        description="GET: the person's roles at enterprises over time. POST: a new role "
        "(the enterprise's audit trail records it).",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def roles(self, request: Request, pk=None) -> Response:
        person = self.get_object()
        if request.method == "GET":
            return Response(
                EnterpriseRoleSerializer(
                    selectors.person_roles(request.user, person), many=True
                ).data
            )
        body = EnterpriseRoleSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            role = services.add_enterprise_role(
                actor=request.user, person=person, **body.validated_data
            )
        return Response(EnterpriseRoleSerializer(role).data, status=201)

    @extend_schema(
        request=EndRoleSerializer,
        responses={200: EnterpriseRoleSerializer},
        parameters=[OpenApiParameter("role_id", int, OpenApiParameter.PATH)],
        description="End one of the person's roles: the role stays, as history.",
    )
    @action(detail=True, methods=["post"], url_path=r"roles/(?P<role_id>[0-9]+)/end")
    def end_role(self, request: Request, pk=None, role_id=None) -> Response:
        person = self.get_object()
        role = get_object_or_404(
            EnterpriseRole.objects.visible_to(request.user, Perm.CHANGE).select_related(
                "enterprise"
            ),
            pk=role_id,
            person=person,
        )
        body = EndRoleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.end_enterprise_role(
                actor=request.user, role=role, end=body.validated_data["end"]
            )
        return Response(EnterpriseRoleSerializer(role).data)


# --- Memberships -------------------------------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer):
    organization = OrgCodeField()
    enterprise = ScopedPKField(selectors.enterprises, Enterprise, required=False, allow_null=True)
    person = ScopedPKField(selectors.people, Person, required=False, allow_null=True)
    member_org = OrgCodeField(perm=Perm.VIEW, required=False, allow_null=True)
    representative = ScopedPKField(selectors.people, Person, required=False, allow_null=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = [
            "id",
            "organization",
            "kind",
            "enterprise",
            "person",
            "member_org",
            "representative",
            "rank",
            "joined",
            "left",
            "left_reason",
            "moved_from",
            "name",
            "status",
        ]
        read_only_fields = ["kind", "left", "left_reason", "moved_from", "name"]

    def get_status(self, obj: Membership) -> str:
        return Status.ACTIVE if obj.is_active else Status.LEFT

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["organization"] = instance.organization.code
        return data


class EndSerializer(serializers.Serializer):
    left = api_fields.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TransferSerializer(serializers.Serializer):
    to = OrgCodeField()
    on = api_fields.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MembershipFilter(filters.FilterSet):
    organization = filters.CharFilter(method="in_org", help_text="Organisation code (subtree).")
    status = filters.ChoiceFilter(choices=Status.choices, method="by_status")
    q = filters.CharFilter(method="search")

    class Meta:
        model = Membership
        fields = ["kind", "rank", "enterprise", "person"]

    def in_org(self, qs, name, value):
        org = Organization.objects.filter(code=value).first()
        return qs.filter(organization__path__startswith=org.path) if org else qs.none()

    def by_status(self, qs, name, value):
        return (
            qs.active() if value == Status.ACTIVE else qs.exclude(pk__in=qs.active().values("pk"))
        )

    def search(self, qs, name, value):
        return qs.filter(selectors.search_condition(value))


class _XlsxRenderer(renderers.BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class _CsvRenderer(_XlsxRenderer):
    media_type = "text/csv"
    format = "csv"


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Memberships in the caller's scope. Ending and moving are POST actions, so the
    history is kept: a membership is never deleted."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    pagination_class = CappedCountPagination
    ordering_fields = ["joined", "left", "sort_key", "rank", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.memberships(self.request.user).select_related("organization")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        with service_errors():
            serializer.instance = services.admit_member(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = {
            k: v
            for k, v in serializer.validated_data.items()
            if k in ("rank", "joined", "representative")
        }
        with service_errors():
            serializer.instance = services.update_membership(
                actor=self.request.user, membership=serializer.instance, **data
            )

    @extend_schema(request=EndSerializer, responses={200: MembershipSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk=None) -> Response:
        membership = self.get_object()
        body = EndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.end_membership(
                actor=request.user,
                membership=membership,
                left=body.validated_data["left"],
                reason=body.validated_data.get("reason", ""),
            )
        return Response(self.get_serializer(membership).data)

    @extend_schema(
        request=TransferSerializer,
        responses={201: MembershipSerializer, 400: OpenApiResponse(description="invalid")},
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk=None) -> Response:
        membership = self.get_object()
        body = TransferSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            new = services.transfer_membership(
                actor=request.user, membership=membership, **body.validated_data
            )
        return Response(self.get_serializer(new).data, status=201)

    @extend_schema(
        summary="Export the directory as .xlsx or .csv",
        description="The directory as the caller sees it, with the directory page's filters, "
        "in the import template's columns (it imports back unchanged). Mobile numbers are "
        "masked unless the caller's role may see personal data. Audited.",
        parameters=[
            OpenApiParameter("format", str, enum=["xlsx", "csv"], default="xlsx"),
            OpenApiParameter("q", str, description="name, pinyin, initials or code"),
            OpenApiParameter("org", str, description="organisation code (subtree)"),
            OpenApiParameter("industry", str, description="industry section letter"),
            OpenApiParameter("size_class", str, enum=SizeClass.values),
            OpenApiParameter("rank", str, enum=Rank.values),
            OpenApiParameter("kind", str),
            OpenApiParameter("status", str, description="active (default), left or all"),
            OpenApiParameter("sort", str, enum=["name", "-joined", "joined", "rank"]),
        ],
        filters=False,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(
        detail=False,
        methods=["get"],
        renderer_classes=[_XlsxRenderer, _CsvRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def export(self, request: Request):
        from .io_views import directory_filters, export_response

        fmt = request.query_params.get("format", "xlsx")
        return export_response(request.user, directory_filters(request._request), fmt)


# --- Dues and payments -------------------------------------------------------------------


def _org_from(value: str) -> Organization | None:
    return Organization.objects.filter(code=value).first()


class DueSerializer(serializers.ModelSerializer):
    membership = ScopedPKField(selectors.memberships, Membership)
    organization = serializers.CharField(source="membership.organization.code", read_only=True)
    member = serializers.CharField(source="membership.name", read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    paid = serializers.SerializerMethodField()
    outstanding = serializers.SerializerMethodField()

    class Meta:
        model = Due
        fields = [
            "id",
            "membership",
            "organization",
            "member",
            "year",
            "amount",
            "paid",
            "outstanding",
            "note",
        ]
        read_only_fields = ["note"]
        validators = []  # the service says when a due for that year exists already

    def get_paid(self, obj: Due) -> str:
        return f"{selectors.owed(obj)['paid']:.2f}"

    def get_outstanding(self, obj: Due) -> str:
        return f"{selectors.owed(obj)['outstanding']:.2f}"


class DuesRateSerializer(serializers.ModelSerializer):
    organization = OrgCodeField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)

    class Meta:
        model = DuesRate
        fields = ["id", "organization", "year", "rank", "amount"]
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["organization"] = instance.organization.code
        return data


class DuesRateResultSerializer(DuesRateSerializer):
    """A rate just set, with what setting it did to the members' dues (POST only)."""

    created = serializers.IntegerField(read_only=True, help_text="Dues created by this call.")
    changed = serializers.IntegerField(read_only=True, help_text="Unpaid dues changed.")
    kept = serializers.IntegerField(
        read_only=True, help_text="Dues with payments, kept at their amount."
    )

    class Meta(DuesRateSerializer.Meta):
        fields = [*DuesRateSerializer.Meta.fields, "created", "changed", "kept"]


class DueFilter(filters.FilterSet):
    organization = filters.CharFilter(method="in_org", help_text="Organisation code (subtree).")
    arrears = filters.BooleanFilter(method="in_arrears", help_text="Only dues not paid in full.")

    class Meta:
        model = Due
        fields = ["year", "membership"]

    def in_org(self, qs, name, value):
        org = _org_from(value)
        return qs.filter(membership__organization__path__startswith=org.path) if org else qs.none()

    def in_arrears(self, qs, name, value):
        qs = qs.annotate(due_cents=cents("amount"))
        return (
            qs.filter(paid_cents__lt=F("due_cents"))
            if value
            else qs.filter(paid_cents__gte=F("due_cents"))
        )


class DueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Dues (会费) in the caller's scope, a year per membership, with what was paid and
    what is outstanding. POST sets one member's due; `rates/` sets a year's dues per
    rank per chamber for every member of that rank."""

    serializer_class = DueSerializer
    filterset_class = DueFilter
    pagination_class = CappedCountPagination
    ordering_fields = ["year", "amount", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.with_paid(selectors.dues(self.request.user)).select_related(
            "membership__organization"
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        with service_errors():
            due = services.set_due(
                actor=self.request.user,
                membership=data["membership"],
                year=data["year"],
                amount=data["amount"],
            )
        serializer.instance = selectors.with_paid(Due.objects.filter(pk=due.pk)).get()

    @extend_schema(
        request=DuesRateSerializer,
        responses={200: DuesRateSerializer(many=True), 201: DuesRateResultSerializer},
        parameters=[
            OpenApiParameter("organization", str, description="organisation code (subtree)"),
            OpenApiParameter("year", {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}),
        ],
        filters=False,
        description="GET: the dues rates set per rank per chamber. POST: set a year's dues "
        "for a rank in a chamber (creates the members' dues; audited).",
    )
    @action(detail=False, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def rates(self, request: Request) -> Response:
        if request.method == "GET":
            qs = selectors.dues_rates(request.user).select_related("organization")
            code = request.query_params.get("organization")
            if code:
                org = _org_from(code)
                qs = qs.filter(organization__path__startswith=org.path) if org else qs.none()
            year = request.query_params.get("year")
            if year:
                if not year.isdigit() or check_year(int(year)):
                    raise serializers.ValidationError({"year": _("Enter a year such as 2026.")})
                qs = qs.filter(year=int(year))
            return Response(DuesRateSerializer(qs, many=True).data)
        body = DuesRateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            rate, counts = services.set_dues_rate(actor=request.user, **body.validated_data)
        data = DuesRateSerializer(rate).data
        return Response({**data, **counts}, status=201)


class PaymentSerializer(serializers.ModelSerializer):
    due = ScopedPKField(selectors.dues, Due)
    organization = serializers.CharField(source="due.membership.organization.code", read_only=True)
    member = serializers.CharField(source="due.membership.name", read_only=True)
    year = serializers.IntegerField(source="due.year", read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER)
    receipt_no = serializers.CharField(max_length=40)

    class Meta:
        model = Payment
        fields = [
            "id",
            "due",
            "organization",
            "member",
            "year",
            "paid_on",
            "amount",
            "method",
            "receipt_no",
        ]


class PaymentFilter(filters.FilterSet):
    organization = filters.CharFilter(method="in_org", help_text="Organisation code (subtree).")
    year = YearFilter(
        field_name="due__year", lookup_expr="exact", help_text="The year of the due paid."
    )
    paid_from = filters.DateFilter(field_name="paid_on", lookup_expr="gte")
    paid_to = filters.DateFilter(field_name="paid_on", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["due", "method", "receipt_no"]

    def in_org(self, qs, name, value):
        org = _org_from(value)
        return (
            qs.filter(due__membership__organization__path__startswith=org.path)
            if org
            else qs.none()
        )


class PaymentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Dues payments in the caller's scope, each with its receipt number. A payment is
    recorded, never changed (audited); a due cannot be overpaid."""

    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    pagination_class = CappedCountPagination
    ordering_fields = ["paid_on", "amount", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.payments(self.request.user).select_related("due__membership__organization")

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.record_payment(
                actor=self.request.user, **serializer.validated_data
            )
