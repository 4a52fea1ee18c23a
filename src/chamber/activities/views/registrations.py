"""Sign-ups: the printable ticket with its QR code, the staff check-in page (camera or
typed code), check-in from the list, cancelling, and the member picker."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chamber.members import selectors as member_selectors
from chamber.members.choices import MemberKind
from chamber.members.models import Person
from chamber.members.selectors import DirectoryFilters
from chamber.members.sheet_views import sheet_page
from chamber.orgs.choices import Perm

from .. import selectors, services
from ..choices import CheckInMethod
from ..forms import CheckInForm, ReasonForm
from ..models import CheckIn
from ..qr import qr_svg
from .common import error_text, is_htmx


@login_required
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The sign-up with its QR code, to show on a phone or print."""
    reg = selectors.get_registration(request.user, pk)
    return render(
        request,
        "activities/ticket.html",
        {"reg": reg, "event": reg.event, "qr": qr_svg(reg.qr_payload, scale=8)},
    )


@login_required
def ticket_qr(request: HttpRequest, pk: int) -> HttpResponse:
    reg = selectors.get_registration(request.user, pk)
    response = HttpResponse(qr_svg(reg.qr_payload, inline=False), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _back(reg) -> HttpResponse:
    return redirect(reverse("activities:event", args=[reg.event_id]) + "#registrations")


@login_required
@require_POST
def registration_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Check in from the list on the event page."""
    reg = selectors.get_registration_to_handle(request.user, pk)
    headcount = request.POST.get("headcount")
    try:
        services.check_in(
            actor=request.user,
            registration=reg,
            method=CheckInMethod.LIST,
            headcount=int(headcount) if headcount and headcount.isdigit() else None,
        )
        messages.success(request, _("%(name)s checked in.") % {"name": reg.registrant_name})
    except ValidationError as e:
        messages.error(request, error_text(e))
    return _back(reg)


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    reg = selectors.get_registration_to_handle(request.user, pk)
    try:
        services.cancel_registration(
            actor=request.user, registration=reg, reason=request.POST.get("reason", "")
        )
        messages.success(
            request, _("The sign-up of %(name)s was cancelled.") % {"name": reg.registrant_name}
        )
    except ValidationError as e:
        messages.error(request, error_text(e))
    return _back(reg)


@login_required
@require_POST
def registration_undo_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    reg = selectors.get_registration_to_handle(request.user, pk)
    form = ReasonForm(request.POST)
    try:
        services.undo_check_in(
            actor=request.user, registration=reg, reason=form.data.get("reason", "")
        )
        messages.success(request, _("The check-in was taken back."))
    except ValidationError as e:
        messages.error(request, error_text(e))
    return _back(reg)


@login_required
def check_in_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The staff check-in page. GET shows the scanner; POST checks a code in (from
    the camera or typed) and answers with the result panel (htmx) or a redirect."""
    event = selectors.get_event(request.user, pk, Perm.CHANGE)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        method = (
            CheckInMethod.CAMERA
            if request.POST.get("method") == CheckInMethod.CAMERA
            else CheckInMethod.TYPED
        )
        result: dict = {}
        if form.is_valid():
            try:
                check = services.check_in_by_code(
                    actor=request.user,
                    event=event,
                    code=form.cleaned_data["code"],
                    method=method,
                    headcount=form.cleaned_data["headcount"],
                )
                result = {"ok": True, "check": check, "reg": check.registration}
            except ValidationError as e:
                result = {"ok": False, "error": error_text(e)}
            except PermissionDenied:
                result = {"ok": False, "error": _("You may not check people in to this event.")}
        else:
            result = {"ok": False, "error": error_text(form.errors)}
        if is_htmx(request):
            response = render(request, "activities/_check_in_result.html", result)
            if result["ok"]:
                response["HX-Trigger"] = "checked-in"
            return response
        if result["ok"]:
            messages.success(
                request, _("%(name)s checked in.") % {"name": result["reg"].registrant_name}
            )
        else:
            messages.error(request, result["error"])
        return redirect("activities:check_in", pk=pk)
    recent = (
        CheckIn.objects.filter(registration__event=event)
        .select_related("registration__enterprise", "registration__person")
        .order_by("-at", "-id")[:10]
    )
    return render(
        request,
        "activities/check_in.html",
        {
            "event": event,
            "form": CheckInForm(),
            "figures": selectors.attendance(event),
            "recent": recent,
        },
    )


@login_required
def recent_check_ins(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event(request.user, pk, Perm.CHANGE)
    recent = (
        CheckIn.objects.filter(registration__event=event)
        .select_related("registration__enterprise", "registration__person")
        .order_by("-at", "-id")[:10]
    )
    return render(request, "activities/_recent_check_ins.html", {"recent": recent})


@login_required
def member_options(request: HttpRequest) -> HttpResponse:
    """Members matching the picker's search, as radio options (htmx)."""
    name = request.GET.get("name", "member")
    if not name.replace("_", "").isalnum():
        name = "member"
    q = request.GET.get("q", "").strip()
    persons_only = request.GET.get("persons") == "1"
    rows = []
    if q:
        memberships = list(
            member_selectors.directory(request.user, DirectoryFilters(q=q))
            .select_related("person")
            .prefetch_related(
                Prefetch("enterprise__people", queryset=Person.objects.order_by("name"))
            )
            .order_by("sort_key", "id")[:12]
        )
        seen = set()
        for m in memberships:
            if m.kind == MemberKind.ENTERPRISE and m.enterprise_id not in seen:
                seen.add(m.enterprise_id)
                options = []
                if not persons_only:
                    options.append((f"e:{m.enterprise_id}", m.enterprise.name, ""))
                for p in m.enterprise.people.all():
                    options.append((f"p:{p.pk}", p.name, f"{p.title} · {m.enterprise.name}"))
                rows.append({"membership": m, "options": options})
            elif m.kind == MemberKind.INDIVIDUAL and m.person_id:
                rows.append({"membership": m, "options": [(f"p:{m.person_id}", m.person.name, "")]})
    return render(
        request,
        "activities/_member_options.html",
        {"rows": rows, "name": name, "q": q},
    )


@login_required
def sign_in_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The event's paper sign-in sheet, typed in after the event."""
    event = selectors.get_event(request.user, pk, Perm.CHANGE)
    url = reverse("activities:event", args=[event.pk])
    return sheet_page(
        request,
        kind="sign-ins",
        target=event,
        title=_("Enter the sign-in sheet of %(title)s") % {"title": event.title},
        done_url=url,
        back_url=url,
    )
