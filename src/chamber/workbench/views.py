"""The start page (工作台) at `/`: the signed-in user's work to do today."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chamber.orgs.selectors import top_organizations

from . import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The page comes at once; leaders' key figures (the report's sections, a second or
    so at district scale) follow into it through htmx (`part=figures`)."""
    if request.GET.get("part") == "figures":
        return figures(request)
    return render(request, "workbench/home.html", selectors.start_page(request.user))


def figures(request: HttpRequest) -> HttpResponse:
    tops = top_organizations(request.user)
    if not tops or not selectors.is_leader(request.user):
        raise Http404
    today = timezone.localdate()
    return render(
        request,
        "workbench/_figures.html",
        {"org": tops[0], "today": today, "rows": selectors.key_figures(tops[0], today)},
    )
