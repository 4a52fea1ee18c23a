"""One input rule for every text that reaches Chamber (issue 14): no control characters.

NUL and the other C0 control characters (tab, line feed and carriage return excepted),
DEL and lone surrogates cannot be stored by PostgreSQL (NUL), written to a workbook
(openpyxl refuses them) or shown; no one types them. They are refused with a 400 that
names the field, wherever they come in:

- API bodies: the DRF parsers below (JSON, form, multipart), field paths like `items.0.name`;
- query parameters and page form posts: `InputRuleMiddleware`;
- search boxes (`q`, `search`, `term`) are the exception: there they are stripped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ValidationError

CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
SEARCH_PARAMS = frozenset({"q", "search", "term"})


def has_control(value: str) -> bool:
    return bool(CONTROL_RE.search(value))


def strip_control(value: str) -> str:
    return CONTROL_RE.sub("", value)


def message() -> str:
    return _("Contains a control character (such as NUL) that text cannot hold; remove it.")


def _walk(data: Any, path: str) -> Iterator[str]:
    if isinstance(data, str):
        if has_control(data):
            yield path
    elif isinstance(data, dict):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and has_control(key):
                yield name
            else:
                yield from _walk(value, name)
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            yield from _walk(value, f"{path}.{i}" if path else str(i))


def bad_fields(data: Any) -> list[str]:
    """The names (dotted paths) of the fields in `data` holding a control character."""
    if isinstance(data, QueryDict):
        data = {k: data.getlist(k) if len(data.getlist(k)) > 1 else data.get(k) for k in data}
    return list(dict.fromkeys(_walk(data, "")))


def _check(data: Any) -> Any:
    bad = bad_fields(data)
    if bad:
        raise ValidationError({name or "non_field_errors": [message()] for name in bad})
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _check(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _check(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _check(result.data)
        return result


def _refuse(request: HttpRequest, names: Iterable[str]) -> HttpResponse:
    errors = {name: [message()] for name in names}
    if request.path.startswith("/api/"):
        return JsonResponse(errors, status=400)
    return render(request, "core/bad_input.html", {"fields": list(errors)}, status=400)


class InputRuleMiddleware:
    """Query parameters everywhere, and form posts to pages (API bodies go through the
    parsers above, which DRF runs itself)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            has_control(k) or any(map(has_control, request.GET.getlist(k))) for k in request.GET
        ):
            cleaned = request.GET.copy()
            for key in list(cleaned):
                if key in SEARCH_PARAMS:
                    cleaned.setlist(key, [strip_control(v) for v in cleaned.getlist(key)])
            bad = bad_fields(cleaned)
            if bad:
                return _refuse(request, bad)
            cleaned._mutable = False
            request.GET = cleaned
        if (
            request.method == "POST"
            and not request.path.startswith("/api/")
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            bad = bad_fields(request.POST)
            if bad:
                return _refuse(request, bad)
        return self.get_response(request)
