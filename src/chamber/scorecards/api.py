"""/api/v1/scorecards/: self-assessments in the caller's scope; a single one carries its
scorecard (each indicator's value, threshold and score)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets

from chamber.core.api import service_errors
from chamber.core.pagination import CappedCountPagination
from chamber.members.api import OrgCodeField

from . import selectors, services
from .models import Assessment, Scheme


class LineSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    method = serializers.CharField()
    figure = serializers.CharField(allow_blank=True)
    value = serializers.FloatField(allow_null=True)
    comparison = serializers.CharField(allow_blank=True)
    threshold = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    threshold_is_default = serializers.BooleanField()
    met = serializers.BooleanField(allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    evidence = serializers.ListField(child=serializers.CharField())


class DimensionSerializer(serializers.Serializer):
    name = serializers.CharField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2)
    indicators = LineSerializer(many=True)


class CardSerializer(serializers.Serializer):
    total = serializers.DecimalField(max_digits=8, decimal_places=2)
    maximum = serializers.DecimalField(max_digits=8, decimal_places=2)
    unscored = serializers.IntegerField(help_text="Manual indicators not scored yet.")
    dimensions = DimensionSerializer(many=True)


def card_data(card: services.Card) -> dict[str, Any]:
    return {
        "total": card.total,
        "maximum": card.maximum,
        "unscored": card.unscored,
        "dimensions": [
            {
                "name": dim.name,
                "score": subtotal,
                "indicators": [
                    {
                        "indicator": line.indicator.name,
                        "weight": line.indicator.weight,
                        "method": line.indicator.method,
                        "figure": line.indicator.figure,
                        "value": None if line.value is None else float(line.value),
                        "comparison": line.indicator.comparison,
                        "threshold": line.indicator.threshold,
                        "threshold_is_default": line.indicator.threshold_is_default,
                        "met": line.met,
                        "score": line.score,
                        "evidence": [e.name for e in line.evidence],
                    }
                    for line in lines
                ],
            }
            for dim, lines, subtotal in card.dimensions
        ],
    }


class AssessmentSerializer(serializers.ModelSerializer):
    scheme = serializers.SlugRelatedField(slug_field="code", queryset=Scheme.objects.all())
    organization = OrgCodeField()

    class Meta:
        model = Assessment
        fields = ["id", "scheme", "organization", "year"]
        validators = []  # the service says when one exists already

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["organization"] = instance.organization.code
        return data


class AssessmentDetailSerializer(AssessmentSerializer):
    scorecard = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "scorecard"]

    @extend_schema_field(CardSerializer)
    def get_scorecard(self, obj: Assessment) -> dict[str, Any]:
        return CardSerializer(card_data(services.scorecard(obj))).data


class ScorecardViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Self-assessments (自评) against evaluation schemes (五好, 四好, 双强). POST starts
    one (audited); GET of one computes its scorecard from the annual report's figures."""

    pagination_class = CappedCountPagination
    filterset_fields = ["year"]
    ordering_fields = ["year", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.assessments(self.request.user)

    def get_serializer_class(self):
        return AssessmentDetailSerializer if self.action == "retrieve" else AssessmentSerializer

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.start_assessment(
                actor=self.request.user, **serializer.validated_data
            )
