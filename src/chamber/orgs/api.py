from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets

from chamber.core.api import service_errors

from . import services
from .choices import OrgKind
from .models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.all(), required=False, allow_null=True
    )
    depth = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id",
            "code",
            "parent",
            "kind",
            "name",
            "name_en",
            "division_code",
            "division_code_year",
            "founded",
            "closed",
            "sort_order",
            "depth",
        ]

    @extend_schema_field(serializers.IntegerField())
    def get_depth(self, obj: Organization) -> int:
        return obj.depth

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["parent"].queryset = Organization.objects.visible_to(request.user)


class OrganizationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrgKind.choices)
    parent = filters.CharFilter(field_name="parent__code")
    in_force_on = filters.DateFilter(method="filter_in_force")

    class Meta:
        model = Organization
        fields = ["kind", "parent", "code"]

    def filter_in_force(self, qs, name, value):
        return qs.in_force(value)


class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations in the caller's scope. Look-ups by id or by `code`."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    ordering_fields = ["code", "name", "sort_order", "founded"]
    ordering = ["path", "sort_order"]
    lookup_value_regex = r"[a-z0-9_.\-]+"

    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user).select_related("parent")

    def get_object(self):
        lookup = self.kwargs["pk"]
        field = "pk" if lookup.isdigit() else "code"
        self.kwargs = {**self.kwargs, field: lookup}
        self.lookup_field = field
        self.lookup_url_kwarg = field
        return super().get_object()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        with service_errors():
            serializer.instance = services.create_organization(actor=self.request.user, **data)

    def perform_update(self, serializer):
        org = serializer.instance
        data = dict(serializer.validated_data)
        new_parent = data.pop("parent", org.parent)
        with service_errors():
            if new_parent is not None and new_parent != org.parent:
                services.move_organization(actor=self.request.user, org=org, new_parent=new_parent)
            serializer.instance = services.update_organization(
                actor=self.request.user, org=org, **data
            )
