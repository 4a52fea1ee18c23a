"""A request id on every request, its response and every log line it causes, so the
traceback of a 500 (logged by django.request when debug is off, settings.LOGGING) can be
found from what the user saw (the X-Request-ID header)."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.http import HttpRequest, HttpResponse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# A proxy's id is kept when it looks like one; anything else is replaced (log injection).
_INCOMING = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _INCOMING.match(incoming) else uuid.uuid4().hex[:16]
        request.id = rid
        token = _request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request logs a 4xx after the middleware has returned: its record
            # carries the request itself.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "id", None) or _request_id.get()
        return True
