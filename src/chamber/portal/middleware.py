"""The portal's boundary: a member's session reaches only the portal (and the language
switch and static files). Every staff page and staff API answers 403 to it, whatever
the page's own checks, so a new staff route cannot be missed."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from .signals import SESSION_KEY

ALLOWED_PREFIXES = ("/portal/", "/i18n/")


class PortalBoundaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        static = "/" + settings.STATIC_URL.lstrip("/")
        self.allowed = (*ALLOWED_PREFIXES, static)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and not request.path.startswith(self.allowed)
            and request.session.get(SESSION_KEY)
        ):
            return HttpResponse(
                render_to_string("portal/staff_only.html", request=request), status=403
            )
        return self.get_response(request)
