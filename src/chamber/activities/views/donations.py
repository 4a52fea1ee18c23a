"""Donation and fund pages, and the donation certificate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from chamber.core.pagination import page_size
from chamber.orgs import scope
from chamber.orgs.choices import Perm

from .. import figures, selectors, services
from ..certificate import build_certificate, certificate_number
from ..forms import DonationFilterForm, DonationForm, FundForm, ReasonForm, SpendingForm
from ..money import exact_sum
from ..selectors import DonationFilters
from .common import error_text
from .events import summary_org

PAGE_SIZE = 50


@login_required
def donation_list(request: HttpRequest) -> HttpResponse:
    form = DonationFilterForm(request.GET or None, user=request.user)
    filters = DonationFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = DonationFilters(
            q=d["q"], org=d["org"], year=d["year"], kind=d["kind"], purpose=d["purpose"]
        )
    qs = selectors.donation_list(request.user, filters)
    page = Paginator(qs, page_size(request, PAGE_SIZE)).get_page(request.GET.get("page"))
    year = filters.year or timezone.localdate().year
    org = summary_org(request.user, filters.org)
    charity = figures.donation_figures(org, *figures.year_span(year)) if org else None
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "activities/donation_list.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "listed_total": exact_sum(qs),
            "charity": charity,
            "summary_org": org,
            "summary_year": year,
            "may_change": scope.has_any(request.user, Perm.CHANGE),
        },
    )


@login_required
def donation_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, Perm.CHANGE):
        raise PermissionDenied
    initial = {}
    if fund_id := request.GET.get("fund"):
        fund = selectors.funds(request.user, Perm.CHANGE).filter(pk=fund_id).first()
        if fund:
            initial.update(fund=fund, purpose="fund", organization=fund.organization)
    if event_id := request.GET.get("event"):
        event = selectors.events(request.user).filter(pk=event_id).first()
        if event:
            initial.update(event=event, purpose="event")
    form = DonationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            donation = services.record_donation(actor=request.user, **form.service_fields())
        except ValidationError as e:
            form.add_service_error(e)
        except PermissionDenied:
            form.add_error("organization", _("You may not record donations there."))
        else:
            messages.success(request, _("The donation was recorded."))
            return redirect("activities:donation", pk=donation.pk)
    return render(request, "activities/donation_form.html", {"form": form})


@login_required
def donation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    donation = selectors.get_donation(request.user, pk)
    return render(
        request,
        "activities/donation_detail.html",
        {
            "donation": donation,
            "certificate_no": certificate_number(donation),
            "may_change": scope.has_perm(request.user, Perm.CHANGE, donation.organization_id),
            "reason_form": ReasonForm(),
        },
    )


@login_required
def donation_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    donation = selectors.get_donation(request.user, pk)
    if donation.is_voided:
        raise Http404
    response = HttpResponse(
        build_certificate(donation),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"certificate-{certificate_number(donation)}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def donation_void(request: HttpRequest, pk: int) -> HttpResponse:
    donation = selectors.get_donation(request.user, pk, Perm.CHANGE)
    try:
        services.void_donation(
            actor=request.user, donation=donation, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The donation was voided."))
    except ValidationError as e:
        messages.error(request, error_text(e))
    except PermissionDenied:
        messages.error(request, _("Only the organisation that recorded it can void it."))
    return redirect("activities:donation", pk=pk)


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    rows = [
        {"fund": f, **selectors.fund_totals(f)}
        for f in selectors.funds(request.user).order_by("organization__path", "name")
    ]
    return render(
        request,
        "activities/fund_list.html",
        {
            "rows": rows,
            "form": FundForm(user=request.user),
            "may_change": scope.has_any(request.user, Perm.CHANGE),
        },
    )


@login_required
@require_POST
def fund_create(request: HttpRequest) -> HttpResponse:
    form = FundForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            fund = services.create_fund(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, error_text(e))
        else:
            messages.success(request, _("The fund was opened."))
            return redirect("activities:fund", pk=fund.pk)
    else:
        messages.error(request, error_text(form.errors))
    return redirect("activities:fund_list")


@login_required
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = selectors.get_fund(request.user, pk)
    gifts = (
        selectors.donations(request.user)
        .valid()
        .filter(fund=fund)
        .select_related("enterprise", "person")
        .order_by("-date", "-id")
    )
    return render(
        request,
        "activities/fund_detail.html",
        {
            "fund": fund,
            "totals": selectors.fund_totals(fund),
            "donations": Paginator(gifts, page_size(request, PAGE_SIZE)).get_page(
                request.GET.get("page")
            ),
            "spendings": fund.spendings.select_related("event").order_by("-date", "-id")[:100],
            "may_change": scope.has_perm(request.user, Perm.CHANGE, fund.organization_id),
            "spending_form": SpendingForm(user=request.user),
        },
    )


@login_required
@require_POST
def fund_spend(request: HttpRequest, pk: int) -> HttpResponse:
    fund = selectors.get_fund(request.user, pk, Perm.CHANGE)
    form = SpendingForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.record_spending(actor=request.user, fund=fund, **form.cleaned_data)
            messages.success(request, pgettext("fund", "The payment was recorded."))
        except ValidationError as e:
            messages.error(request, error_text(e))
    else:
        messages.error(request, error_text(form.errors))
    return redirect("activities:fund", pk=pk)
