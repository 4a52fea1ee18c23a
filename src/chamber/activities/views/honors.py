"""The honours page, and the activities section of the member page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chamber.members.selectors import get_enterprise
from chamber.orgs import scope
from chamber.orgs.choices import Perm

from .. import selectors, services
from ..choices import level_rank
from ..forms import HonorFilterForm, HonorForm
from .common import error_text


@login_required
def honor_list(request: HttpRequest) -> HttpResponse:
    filters = HonorFilterForm(request.GET or None, user=request.user)
    qs = selectors.honors(request.user)
    if filters.is_valid():
        d = filters.cleaned_data
        if d["org"]:
            qs = qs.filter(organization__path__startswith=d["org"].path)
        if d["level"]:
            qs = qs.filter(level=d["level"])
        if d["year"]:
            qs = qs.filter(year=d["year"])
    form = HonorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        member = d.pop("member") or {}
        try:
            services.award_honor(
                actor=request.user,
                enterprise=None if member.get("person") else member.get("enterprise"),
                person=member.get("person"),
                **d,
            )
        except ValidationError as e:
            form.add_service_error(e)
        except PermissionDenied:
            form.add_error("organization", _("You may not record honours there."))
        else:
            messages.success(request, _("The honour was recorded."))
            return redirect("activities:honors")
    return render(
        request,
        "activities/honor_list.html",
        {
            "filters": filters,
            "page": Paginator(qs.order_by("-year", level_rank(), "id"), 100).get_page(
                request.GET.get("page")
            ),
            "form": form,
            "may_change": scope.has_any(request.user, Perm.CHANGE),
        },
    )


@login_required
@require_POST
def honor_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    honor = get_object_or_404(selectors.honors(request.user, Perm.CHANGE), pk=pk)
    try:
        services.withdraw_honor(
            actor=request.user, honor=honor, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The honour was removed."))
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, error_text(e) if isinstance(e, ValidationError) else str(e))
    return redirect("activities:honors")


@login_required
def member_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The member page's activities card, loaded by htmx. The enterprise is looked up
    within the user's scope first: another chamber's member is a 404 here too."""
    enterprise = get_enterprise(request.user, pk)
    context = selectors.member_activities(request.user, enterprise)
    context["enterprise"] = enterprise
    return render(request, "activities/_member_section.html", context)
