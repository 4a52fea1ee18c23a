"""Pages of the statistical return: an organisation's returns and its children's,
and one return with its figures, corrections, approval and submission."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.reports import drilldown
from chamber.reports.selectors import report_org

from . import services
from .choices import Status
from .forms import CorrectForm, PrepareForm
from .models import Return
from .selectors import children_status, get_return

SECTIONS = {
    "members": pgettext_lazy("return section", "Members"),
    "visits": pgettext_lazy("return section", "Visits"),
    "cases": pgettext_lazy("return section", "Cases"),
    "political": pgettext_lazy("return section", "Political participation"),
    "events": pgettext_lazy("return section", "Events"),
    "charity": pgettext_lazy("return section", "Public welfare"),
    "dues": pgettext_lazy("return section", "Dues"),
}


def _label(figure: str) -> str:
    """The dashboard's name of the figure where it has one, else its section's name
    and its path within the section (the path is shown under it in any case)."""
    section, _dot, rest = figure.partition(".")
    drill = drilldown.get(section, rest)
    if drill:
        return str(drill.label)
    return f"{SECTIONS[section]} · {rest}" if section in SECTIONS else figure


def _errors(request: HttpRequest, e: ValidationError) -> None:
    for message in e.messages:
        messages.error(request, message)


@login_required
def org_returns(request: HttpRequest, code: str) -> HttpResponse:
    org = report_org(request.user, code)
    today = timezone.localdate()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= today.year else today.year - 1
    form = PrepareForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            ret = services.prepare_return(
                actor=request.user,
                organization=org,
                year=form.cleaned_data["year"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            return redirect("returns:detail", pk=ret.pk)
    return render(
        request,
        "returns/org.html",
        {
            "org": org,
            "year": year,
            "years": list(range(today.year, 2012, -1)),
            "returns": Return.objects.filter(organization=org).order_by("-year", "-version"),
            "children": children_status(org, year),
            "form": form,
            "can_prepare": scope.has_perm(request.user, Perm.CHANGE, org.pk),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    ret = get_return(request.user, pk)
    lines = [(line, _label(line.figure)) for line in ret.lines.all()]
    user = request.user
    return render(
        request,
        "returns/detail.html",
        {
            "ret": ret,
            "org": ret.organization,
            "lines": lines,
            "differences": services.differences(ret) if ret.status == Status.SUBMITTED else [],
            "can_change": ret.status == Status.DRAFT
            and scope.has_perm(user, Perm.CHANGE, ret.organization_id),
            "can_approve": ret.status == Status.DRAFT
            and scope.has_perm(user, Perm.APPROVE, ret.organization_id),
            "can_submit": ret.status == Status.APPROVED
            and scope.has_perm(user, Perm.CHANGE, ret.organization_id),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    ret = get_return(request.user, pk)
    try:
        if action == "correct":
            form = CorrectForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Enter the reported value and the reason."))
            line = ret.lines.filter(pk=form.cleaned_data["line"]).first()
            if line is None:
                raise ValidationError(_("No such figure in this return."))
            services.correct_figure(
                actor=request.user,
                line=line,
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
            )
        elif action == "approve":
            services.approve_return(actor=request.user, ret=ret)
            messages.success(request, _("The return is approved."))
        elif action == "submit":
            services.submit_return(actor=request.user, ret=ret)
            messages.success(request, _("The return is submitted to the parent federation."))
        else:
            raise PermissionDenied
    except ValidationError as e:
        _errors(request, e)
    return redirect("returns:detail", pk=ret.pk)
