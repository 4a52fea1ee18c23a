"""Staff pages for party organisations: a scoped list, add and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from chamber.orgs import scope
from chamber.orgs.choices import Perm

from . import selectors, services
from .forms import PartyOrganizationForm


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    qs = (
        selectors.party_organizations(request.user)
        .select_related("organization", "secretary")
        .prefetch_related("enterprises")
        .order_by("organization__path", "name", "id")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "party/organization_list.html",
        {"page": page, "can_add": scope.has_any(request.user, Perm.CHANGE)},
    )


def _form_page(request: HttpRequest, instance=None) -> HttpResponse:
    form = PartyOrganizationForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.save_party_organization(
                actor=request.user, instance=instance, **form.service_fields()
            )
        except ValidationError as e:
            form.add_service_error(e)
        except PermissionDenied as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Saved: %(name)s.") % {"name": obj.name})
            return redirect("party:organizations")
    return render(request, "party/organization_form.html", {"form": form, "obj": instance})


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, Perm.CHANGE):
        raise PermissionDenied
    return _form_page(request)


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(selectors.party_organizations(request.user), pk=pk)
    if not scope.has_perm(request.user, Perm.CHANGE, obj.organization_id):
        raise Http404
    return _form_page(request, obj)
