"""API helpers shared by every app's endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import exceptions


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
