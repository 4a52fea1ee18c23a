from rest_framework import serializers, viewsets

from .models import Return, ReturnLine
from .selectors import returns_for


class ReturnLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnLine
        fields = ["figure", "computed", "reported", "reason"]


class ReturnSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lines = ReturnLineSerializer(many=True, read_only=True)

    class Meta:
        model = Return
        fields = [
            "id",
            "organization",
            "year",
            "version",
            "status",
            "source",
            "reason",
            "computed_at",
            "approved_at",
            "submitted_at",
            "signer",
            "lines",
        ]


class ReturnViewSet(viewsets.ReadOnlyModelViewSet):
    """Statistical returns (统计年报) of the federations in the caller's scope — their
    own and their children's, every version; `?year=` and `?organization=` (code)
    narrow the list."""

    serializer_class = ReturnSerializer

    def get_queryset(self):
        qs = (
            returns_for(self.request.user)
            .prefetch_related("lines")
            .order_by("organization__path", "-year", "-version")
        )
        params = self.request.query_params
        if params.get("year", "").isdigit():
            qs = qs.filter(year=int(params["year"]))
        if params.get("organization"):
            qs = qs.filter(organization__code=params["organization"])
        return qs
