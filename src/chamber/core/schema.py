"""The OpenAPI document tells the truth about what responses hold (issue 14).

drf-spectacular reads nullability and blank choices from a model field only when the
serializer builds the field itself. Fields we declare by hand as read-only (a related
record shown by name, a value reached through a nullable foreign key) lost that. This
schema class puts it back from the model: a read-only field whose source path crosses a
nullable column is nullable, and a read-only choice of a blank-able column may be "".
A field may also say `nullable_in_response = True` (a value hidden from a role as null).
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


def _source_model_field(field: serializers.Field):
    """(any step nullable, the last model field) along the field's source, or None."""
    parent = getattr(field, "parent", None)
    if isinstance(parent, serializers.ListSerializer):
        return None
    model = getattr(getattr(parent, "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or source == "*":
        return None
    nullable, model_field = False, None
    for part in source.split("."):
        if model is None:
            return None
        try:
            model_field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        nullable = nullable or bool(getattr(model_field, "null", False))
        model = getattr(model_field, "related_model", None)
    return nullable, model_field


class ChamberAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if direction == "response" and getattr(field, "nullable_in_response", False):
            field.allow_null = True
        if field.read_only:
            found = _source_model_field(field)
            if found is not None:
                nullable, model_field = found
                if nullable:
                    field.allow_null = True
                if getattr(model_field, "blank", False) and isinstance(
                    field, serializers.ChoiceField
                ):
                    field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)
