"""API helpers shared by every app's endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from .names import user_name


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's Django errors into DRF's: per-field 400s and 403s."""
    try:
        yield
    except ValidationError as e:
        if hasattr(e, "error_dict"):
            raise exceptions.ValidationError(e.message_dict) from e
        raise exceptions.ValidationError({"non_field_errors": e.messages}) from e
    except PermissionDenied as e:
        raise exceptions.PermissionDenied(str(e) or None) from e


@extend_schema_field(OpenApiTypes.STR)
class UserNameField(serializers.Field):
    """A user as people read them (姓名, chamber.core.names.user_name); read-only."""

    def __init__(self, **kwargs) -> None:
        kwargs["read_only"] = True
        kwargs.setdefault("allow_null", True)  # null where nobody is (an unassigned case)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str | None:
        return user_name(value) or None
