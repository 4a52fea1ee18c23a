"""Helpers the activities views share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def error_text(error) -> str:
    """A service's ValidationError or a form's errors as one readable line."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    # form.errors: {field: [messages]}
    return " ".join(str(m) for messages in error.values() for m in messages)
