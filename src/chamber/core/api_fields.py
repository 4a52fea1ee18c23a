"""Dates in API bodies, range-checked (moments 1949-2100, plain dates 1900-2100).

A year such as 0001 or 0368 made a naive datetime overflow when it was put in
Asia/Shanghai (a 500), or was stored and came back with the zone's local mean time
(+08:05:43). Every ModelSerializer builds its date fields from these classes
(CoreConfig.ready), and serializers that declare a date field use them too.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from .validators import MAX_YEAR, MIN_DATE_YEAR, MIN_YEAR, check_year


def _validate_year(value) -> None:
    problem = check_year(value)
    if problem:
        raise serializers.ValidationError(problem)


def _validate_date_year(value) -> None:
    problem = check_year(value, MIN_DATE_YEAR)
    if problem:
        raise serializers.ValidationError(problem)


class DateField(serializers.DateField):
    """A plain date: 1900-2100 (birth and founding dates reach back before 1949)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(_validate_date_year)
        super().__init__(**kwargs)


class DateTimeField(serializers.DateTimeField):
    """A moment (events, steps): 1949-2100."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(_validate_year)
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except (OverflowError, ValueError) as e:
            raise serializers.ValidationError(
                _("The year must be between %(min)d and %(max)d.")
                % {"min": MIN_YEAR, "max": MAX_YEAR}
            ) from e


def install() -> None:
    """Make every ModelSerializer build its date fields from the classes above."""
    from django.db import models

    mapping = serializers.ModelSerializer.serializer_field_mapping
    mapping[models.DateField] = DateField
    mapping[models.DateTimeField] = DateTimeField
