"""Staff pages of the member register. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chamber.core import masking
from chamber.core.pagination import keyset_page, page_size
from chamber.orgs import scope
from chamber.orgs.choices import Perm

from . import selectors, services
from .choices import Status
from .forms import (
    AdmissionForm,
    DirectoryForm,
    EnterpriseForm,
    LeaveForm,
    MilestoneForm,
    RepresentativeForm,
    RoleForm,
    TransferForm,
)
from .selectors import DirectoryFilters

PAGE_SIZE = 50


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None, user=request.user)
    filters = DirectoryFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = DirectoryFilters(
            q=d["q"],
            org=d["org"],
            industry=d["industry"],
            size_class=d["size_class"],
            rank=d["rank"],
            kind=d["kind"],
            status=d["status"] or Status.ACTIVE,
            sort=d["sort"] or "name",
        )
    qs, order = selectors.directory_page_order(
        selectors.directory_rows(request.user, filters), filters
    )
    # Counting stops at 1,000: an exact count of a broad search at a million rows costs
    # more than the page itself, and "more than 1,000" is what a person needs to know.
    page = keyset_page(
        qs,
        order=order,
        cursor=request.GET.get("cursor"),
        size=page_size(request, PAGE_SIZE),
        count_cap=1000,
    )
    params = request.GET.copy()
    params.pop("cursor", None)
    context = {
        "form": form,
        "page": page,
        "params": params.urlencode(),
        "may_change": scope.has_any(request.user, Perm.CHANGE),
        "may_export": scope.has_any(request.user, Perm.EXPORT),
    }
    template = (
        "members/_directory_rows.html"
        if request.headers.get("HX-Request")
        else "members/directory.html"
    )
    return render(request, template, context)


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = selectors.enterprise_profile(request.user, pk)
    ent = context["enterprise"]
    perms = _perms_on(request.user, context["memberships"])
    if Perm.VIEW_PERSONAL not in perms:  # the trail's mobiles and ID numbers too
        context["trail"] = masking.mask_entries(context["trail"])
    context.update(
        may_change=Perm.CHANGE in perms,
        may_view_personal=scope.has_any(request.user, Perm.VIEW_PERSONAL),
        may_manage_personal=scope.has_any(request.user, Perm.MANAGE),
        transfer_form=TransferForm(user=request.user),
        leave_form=LeaveForm(),
        admission_form=AdmissionForm(user=request.user),
        roles=selectors.enterprise_roles(request.user, ent),
        role_form=RoleForm(enterprise=ent, prefix="role"),
        representative_form=RepresentativeForm(enterprise=ent, prefix="rep"),
        milestone_form=MilestoneForm(prefix="ms"),
        revealed=request.session.pop(f"revealed-{ent.pk}", None),
    )
    return render(request, "members/enterprise_detail.html", context)


def _perms_on(user, memberships) -> set[str]:
    perms = set()
    for m in memberships:
        for perm in (Perm.CHANGE, Perm.VIEW_PERSONAL):
            if scope.has_perm(user, perm, m.organization_id):
                perms.add(perm)
    return perms


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, Perm.CHANGE):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, user=request.user)
    admission = AdmissionForm(request.POST or None, user=request.user, prefix="m")
    if request.method == "POST" and form.is_valid() and admission.is_valid():
        try:
            with transaction.atomic():
                org = admission.cleaned_data["organization"]
                ent = services.create_enterprise(
                    actor=request.user,
                    organization=org,
                    tags=form.tag_list(),
                    accept_invalid_code=form.cleaned_data.get("accept_invalid_code", False),
                    **form.service_fields(),
                )
                services.admit_member(
                    actor=request.user,
                    organization=org,
                    enterprise=ent,
                    rank=admission.cleaned_data["rank"],
                    joined=admission.cleaned_data["joined"],
                )
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("%(name)s was added to the register.") % {"name": ent.name})
            return redirect("members:enterprise", pk=ent.pk)
    return render(request, "members/enterprise_form.html", {"form": form, "admission": admission})


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ent = selectors.get_enterprise(request.user, pk, Perm.CHANGE)
    form = EnterpriseForm(request.POST or None, instance=ent, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_enterprise(
                actor=request.user,
                enterprise=ent,
                tags=form.tag_list(),
                accept_invalid_code=form.cleaned_data.get("accept_invalid_code", False),
                **form.service_fields(),
            )
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("Saved."))
            return redirect("members:enterprise", pk=pk)
    return render(request, "members/enterprise_form.html", {"form": form, "enterprise": ent})


@login_required
@require_POST
def reveal_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person(request.user, pk)
    data = services.reveal_personal_data(actor=request.user, person=person)
    if person.enterprise_id is None:
        raise Http404
    request.session[f"revealed-{person.enterprise_id}"] = {"person": person.pk, **data}
    return redirect("members:enterprise", pk=person.enterprise_id)


def _membership_for_change(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.memberships(request.user, Perm.CHANGE), pk=pk)


@login_required
@require_POST
def membership_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    m = _membership_for_change(request, pk)
    form = TransferForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.transfer_membership(
                actor=request.user,
                membership=m,
                to=form.cleaned_data["to"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The member was moved."))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    else:
        messages.error(request, _("Check the transfer: %(e)s") % {"e": form.errors.as_text()})
    return (
        redirect("members:enterprise", pk=m.enterprise_id)
        if m.enterprise_id
        else redirect("members:directory")
    )


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    m = _membership_for_change(request, pk)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.end_membership(
                actor=request.user,
                membership=m,
                left=form.cleaned_data["left"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The membership was ended."))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    else:
        messages.error(request, _("Check the form: %(e)s") % {"e": form.errors.as_text()})
    return (
        redirect("members:enterprise", pk=m.enterprise_id)
        if m.enterprise_id
        else redirect("members:directory")
    )
