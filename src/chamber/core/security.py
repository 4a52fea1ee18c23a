"""Client address behind proxies, the Permissions-Policy header, and the log filter
that puts the client address on each request's log lines."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind CHAMBER_PROXY_COUNT proxies the
    N-th address from the right of X-Forwarded-For. Each proxy appends the address it
    saw, so the right-most N are written by proxies we run; anything further left was
    sent by the client and could be forged. Too short a header (a request that bypassed
    a proxy) falls back to the left-most entry the proxies vouched for."""
    count = getattr(settings, "PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR") or None
    if count <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if not forwarded:
        return remote
    return forwarded[-count] if len(forwarded) >= count else forwarded[0]


class PermissionsPolicyMiddleware:
    """Adds `Permissions-Policy` (settings.PERMISSIONS_POLICY): Django has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


class ClientIPFilter(logging.Filter):
    """Sets `record.client_ip` (from the record's request, as Django's request logger
    attaches it; "-" when there is none) for the log format."""

    def filter(self, record: logging.LogRecord) -> bool:
        request: Any = getattr(record, "request", None)
        ip = None
        if request is not None and hasattr(request, "META"):
            ip = client_ip(request)
        record.client_ip = ip or "-"
        return True
