"""API helpers shared by every app's endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status

from .names import user_name
from .steps import StepRefused, parse_moment


class StepConflict(exceptions.APIException):
    """A step that is not possible from the record's state: 409 with the state and the
    steps possible from it, the same shape in every workflow."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "step_refused"

    def __init__(self, refused: StepRefused) -> None:
        super().__init__(
            {
                "detail": refused.detail,
                "state": refused.state,
                "allowed_steps": refused.allowed_steps,
            }
        )


class StepRefusedSerializer(serializers.Serializer):
    """The body of a refused step (409)."""

    detail = serializers.CharField(help_text="Why the step is not possible now.")
    state = serializers.CharField(help_text="The record's current state.")
    allowed_steps = serializers.ListField(
        child=serializers.CharField(), help_text="The steps possible from that state."
    )


@extend_schema_field(OpenApiTypes.STR)
class OccurredAtField(serializers.Field):
    """When a step happened: an ISO date (2016-03-10) or datetime (2016-03-10T15:30,
    Asia/Shanghai when it has no offset). Empty: now."""

    def to_internal_value(self, data: Any) -> Any:
        if data in (None, ""):
            return None
        try:
            return parse_moment(data)
        except ValidationError as e:
            raise serializers.ValidationError(e.message_dict["occurred_at"]) from e

    def to_representation(self, value: Any) -> Any:
        return value.isoformat() if value is not None else None


class StepBody(serializers.Serializer):
    """What every step body accepts."""

    occurred_at = OccurredAtField(
        required=False,
        allow_null=True,
        help_text="When it happened: ISO date or datetime (Asia/Shanghai when naive); "
        "default now. Not in the future, not before the previous step.",
    )


def step_schema(*, request: Any, response: Any, status_code: int = 200) -> Any:
    """extend_schema for a step endpoint: its body, its answer, and the 409 of a
    refused step."""
    return extend_schema(
        request=request,
        responses={status_code: response, 409: StepRefusedSerializer},
    )


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's Django errors into DRF's: a refused step 409, per-field 400s
    and 403s."""
    try:
        yield
    except StepRefused as e:
        raise StepConflict(e) from e
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
