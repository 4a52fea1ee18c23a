"""Staff pages of the register beyond the directory: people and their roles at
enterprises, individual and group members, milestones, dues, payments and arrears.
Thin: selectors read (scoped, so another chamber's record is a 404), services write."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chamber.core import masking
from chamber.core.audit import trail_for
from chamber.core.pagination import page_size
from chamber.orgs import scope
from chamber.orgs.choices import Perm

from . import exporters, selectors, services
from .forms import (
    AdmissionForm,
    DuesFilterForm,
    DuesRateForm,
    EndRoleForm,
    GroupAdmissionForm,
    MilestoneForm,
    PaymentForm,
    PersonForm,
    PersonSearchForm,
    RegisteringOrgForm,
    RepresentativeForm,
    RoleForm,
)
from .models import EnterpriseRole

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_change_any(user) -> None:
    if not scope.has_any(user, Perm.CHANGE):
        raise PermissionDenied


# --- People --------------------------------------------------------------------------------


@login_required
def people(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None, user=request.user)
    q, org = "", None
    if form.is_valid():
        q, org = form.cleaned_data["q"], form.cleaned_data["org"]
    qs = selectors.people_list(request.user, q=q, org=org).order_by("name", "id")
    page = Paginator(qs, page_size(request, PAGE_SIZE)).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "members/people.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "may_change": scope.has_any(request.user, Perm.CHANGE),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = selectors.person_profile(request.user, pk)
    person = context["person"]
    may_change = selectors.may(request.user, person)
    may_view_personal = selectors.may(request.user, person, Perm.VIEW_PERSONAL)
    if not may_view_personal:  # the trail's mobiles and ID numbers too
        context["trail"] = masking.mask_entries(context["trail"])
    context.update(
        may_change=may_change,
        may_view_personal=may_view_personal,
        revealed=request.session.pop(f"revealed-person-{person.pk}", None),
        admission_form=AdmissionForm(user=request.user, prefix="m") if may_change else None,
        end_role_form=EndRoleForm(),
        today=timezone.localdate(),
    )
    return render(request, "members/person_detail.html", context)


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    """A new person, on their own or at an enterprise (?enterprise=ID); as an individual
    member too when `admit` is ticked (the individual-member page)."""
    _may_change_any(request.user)
    enterprise = None
    ent_id = request.GET.get("enterprise") or request.POST.get("enterprise")
    if ent_id and str(ent_id).isdigit():
        enterprise = selectors.get_enterprise(request.user, int(ent_id), Perm.CHANGE)
    as_member = request.GET.get("member") == "individual" or "m-organization" in request.POST
    form = PersonForm(request.POST or None)
    org_form = RegisteringOrgForm(
        request.POST or None, user=request.user, enterprise=enterprise, prefix="o"
    )
    admission = AdmissionForm(request.POST or None, user=request.user, prefix="m")
    forms_ok = form.is_valid() and (admission.is_valid() if as_member else org_form.is_valid())
    if request.method == "POST" and forms_ok:
        org = (admission if as_member else org_form).cleaned_data["organization"]
        try:
            with transaction.atomic():
                person = services.create_person(
                    actor=request.user,
                    organization=org,
                    enterprise=enterprise,
                    **form.service_fields(),
                )
                if as_member:
                    services.admit_member(
                        actor=request.user,
                        organization=org,
                        person=person,
                        rank=admission.cleaned_data["rank"],
                        joined=admission.cleaned_data["joined"],
                    )
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("%(name)s was added to the register.") % {"name": person})
            return redirect("members:person", pk=person.pk)
    return render(
        request,
        "members/person_form.html",
        {
            "form": form,
            "org_form": None if as_member else org_form,
            "admission": admission if as_member else None,
            "enterprise": enterprise,
            "as_member": as_member,
        },
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person(request.user, pk, Perm.CHANGE)
    personal = selectors.may(request.user, person, Perm.VIEW_PERSONAL)
    form = PersonForm(request.POST or None, instance=person, may_view_personal=personal)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(actor=request.user, person=person, **form.service_fields())
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("Saved."))
            return redirect("members:person", pk=pk)
    return render(request, "members/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person(request.user, pk)
    data = services.reveal_personal_data(actor=request.user, person=person)
    request.session[f"revealed-person-{person.pk}"] = data
    return redirect("members:person", pk=pk)


@login_required
@require_POST
def person_admit(request: HttpRequest, pk: int) -> HttpResponse:
    """Admit a person already on record as an individual member."""
    person = selectors.get_person(request.user, pk)
    form = AdmissionForm(request.POST, user=request.user, prefix="m")
    if form.is_valid():
        try:
            services.admit_member(actor=request.user, person=person, **form.cleaned_data)
            messages.success(request, _("%(name)s is now an individual member.") % {"name": person})
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    else:
        messages.error(request, _("Check the form: %(e)s") % {"e": form.errors.as_text()})
    return redirect("members:person", pk=pk)


@login_required
def individual_create(request: HttpRequest) -> HttpResponse:
    return redirect(f"{_url('members:person_create')}?member=individual")


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


# --- Roles at enterprises ------------------------------------------------------------------


@login_required
@require_POST
def role_add(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.get_enterprise(request.user, pk, Perm.CHANGE)
    form = RoleForm(request.POST, enterprise=enterprise, prefix="role")
    if form.is_valid():
        try:
            services.add_enterprise_role(
                actor=request.user, enterprise=enterprise, **form.cleaned_data
            )
            messages.success(request, _("The role was recorded."))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    else:
        messages.error(request, _("Check the form: %(e)s") % {"e": form.errors.as_text()})
    return redirect("members:enterprise", pk=pk)


@login_required
@require_POST
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(
        EnterpriseRole.objects.visible_to(request.user, Perm.CHANGE).select_related("enterprise"),
        pk=pk,
    )
    form = EndRoleForm(request.POST)
    if form.is_valid():
        try:
            services.end_enterprise_role(
                actor=request.user, role=role, end=form.cleaned_data["end"]
            )
            messages.success(request, _("The role was ended; it stays in the history."))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    else:
        messages.error(request, _("Check the form: %(e)s") % {"e": form.errors.as_text()})
    back = request.POST.get("back")
    if back == "person":
        return redirect("members:person", pk=role.person_id)
    return redirect("members:enterprise", pk=role.enterprise_id)


@login_required
@require_POST
def membership_representative(request: HttpRequest, pk: int) -> HttpResponse:
    """A new representative for an enterprise member: the old one's role ends that day
    and stays in the history; both show on the enterprise's trail."""
    m = get_object_or_404(
        selectors.memberships(request.user, Perm.CHANGE).select_related("enterprise"),
        pk=pk,
        enterprise__isnull=False,
    )
    form = RepresentativeForm(request.POST, enterprise=m.enterprise, prefix="rep")
    if form.is_valid():
        try:
            services.replace_representative(
                actor=request.user,
                membership=m,
                person=form.cleaned_data["person"],
                on=form.cleaned_data["on"],
            )
            messages.success(request, _("The representative was changed."))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    else:
        messages.error(request, _("Check the form: %(e)s") % {"e": form.errors.as_text()})
    return redirect("members:enterprise", pk=m.enterprise_id)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.get_enterprise(request.user, pk, Perm.CHANGE)
    form = MilestoneForm(request.POST, prefix="ms")
    if form.is_valid():
        try:
            services.add_milestone(actor=request.user, enterprise=enterprise, **form.cleaned_data)
            messages.success(request, _("The milestone was added."))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    else:
        messages.error(request, _("Check the form: %(e)s") % {"e": form.errors.as_text()})
    return redirect("members:enterprise", pk=pk)


# --- Group members and other memberships ---------------------------------------------------


@login_required
def membership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A membership's own page: for group members (an organisation that joined), and any
    membership the directory links to that has no enterprise or person page."""
    m = get_object_or_404(
        selectors.memberships(request.user)
        .select_related("organization", "member_org", "person", "representative")
        .prefetch_related("dues__payments"),
        pk=pk,
    )
    if m.enterprise_id:
        return redirect("members:enterprise", pk=m.enterprise_id)
    if m.person_id:
        return redirect("members:person", pk=m.person_id)
    return render(
        request,
        "members/membership_detail.html",
        {
            "m": m,
            "may_change": scope.has_perm(request.user, Perm.CHANGE, m.organization_id),
            "trail": _trail_as_seen(request.user, m),
        },
    )


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    _may_change_any(request.user)
    form = GroupAdmissionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            m = services.admit_member(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(
                request, _("%(name)s was admitted as a group member.") % {"name": m.name}
            )
            return redirect("members:membership", pk=m.pk)
    return render(request, "members/group_form.html", {"form": form})


# --- Dues ----------------------------------------------------------------------------------


def _dues_filters(request: HttpRequest) -> tuple[DuesFilterForm, dict]:
    form = DuesFilterForm(request.GET or None, user=request.user)
    f = {"org": None, "year": timezone.localdate().year, "arrears": False, "q": ""}
    if form.is_valid():
        d = form.cleaned_data
        f.update(org=d["org"], year=d["year"] or f["year"], arrears=d["arrears"], q=d["q"])
    return form, f


@login_required
def dues(request: HttpRequest) -> HttpResponse:
    """A year's dues per chamber with what was paid; `arrears=on` lists only those not
    paid in full, and `format=xlsx` downloads that list."""
    form, f = _dues_filters(request)
    if request.GET.get("format") == "xlsx":
        if not scope.has_any(request.user, Perm.EXPORT):
            raise PermissionDenied
        out = io.BytesIO()
        exporters.export_arrears(
            actor=request.user, org=f["org"], year=f["year"], out=out, q=f["q"]
        )
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        code = f["org"].code if f["org"] else "all"
        response["Content-Disposition"] = f'attachment; filename="arrears-{code}-{f["year"]}.xlsx"'
        return response
    qs = selectors.dues_list(request.user, **f)
    page = Paginator(qs, page_size(request, PAGE_SIZE)).get_page(request.GET.get("page"))
    rows = [(due, selectors.owed(due)) for due in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    org = f["org"]
    rates = selectors.dues_rates(request.user).filter(year=f["year"]).select_related("organization")
    if org is not None:
        rates = rates.filter(organization__path__startswith=org.path)
    return render(
        request,
        "members/dues.html",
        {
            "form": form,
            "filters": f,
            "page": page,
            "rows": rows,
            "params": params.urlencode(),
            "summary": selectors.dues_summary(request.user, org=org, year=f["year"]),
            "rates": list(rates.order_by("organization__path", "rank")[:100]),
            "may_change": scope.has_any(request.user, Perm.CHANGE),
            "may_export": scope.has_any(request.user, Perm.EXPORT),
        },
    )


@login_required
def dues_rate(request: HttpRequest) -> HttpResponse:
    _may_change_any(request.user)
    form = DuesRateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            rate, counts = services.set_dues_rate(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(
                request,
                _(
                    "Dues set: %(created)d members' dues created, %(changed)d changed, "
                    "%(kept)d already paid kept."
                )
                % counts,
            )
            return redirect(f"{_url('members:dues')}?org={rate.organization_id}&year={rate.year}")
    return render(request, "members/dues_rate_form.html", {"form": form})


@login_required
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    due = selectors.get_due(request.user, pk, Perm.CHANGE)
    owed = selectors.owed(selectors.with_paid(type(due).objects.filter(pk=due.pk)).get())
    form = PaymentForm(request.POST or None, initial={"amount": owed["outstanding"]})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_payment(actor=request.user, due=due, **form.cleaned_data)
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect(
                f"{_url('members:dues')}?org={due.membership.organization_id}&year={due.year}"
            )
    return render(request, "members/payment_form.html", {"form": form, "due": due, "owed": owed})


def _trail_as_seen(user, m) -> list:
    trail = list(selectors.visible_trail(user, trail_for(m))[:100])
    if scope.has_perm(user, Perm.VIEW_PERSONAL, m.organization_id):
        return trail
    return masking.mask_entries(trail)
