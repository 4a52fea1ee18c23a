"""Evaluation schemes are reference data: a federation sets its own indicators, weights
and thresholds here (the shipped ones are Chamber's defaults)."""

from django.contrib import admin

from chamber.orgs.admin_scope import ManagedAdmin

from .models import Dimension, Indicator, Scheme


class ReferenceAdmin(ManagedAdmin):
    """Not scoped: every user sees the same schemes."""

    def get_queryset(self, request):
        return self.model.objects.all()


@admin.register(Scheme)
class SchemeAdmin(ReferenceAdmin):
    list_display = ["code", "name", "applies_to"]


@admin.register(Dimension)
class DimensionAdmin(ReferenceAdmin):
    list_display = ["name", "scheme", "order"]
    list_filter = ["scheme"]


@admin.register(Indicator)
class IndicatorAdmin(ReferenceAdmin):
    list_display = [
        "name",
        "dimension",
        "weight",
        "method",
        "figure",
        "comparison",
        "threshold",
        "threshold_is_default",
    ]
    list_filter = ["dimension__scheme", "method", "threshold_is_default"]
