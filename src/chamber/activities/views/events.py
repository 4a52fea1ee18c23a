"""Event pages: list, calendar, the event page with its sign-ups and live attendance,
create and edit, the workflow steps, attachments. Thin: selectors read, services
write."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chamber.core.pagination import page_size
from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.orgs.selectors import top_organizations

from .. import figures, selectors, services
from ..choices import EventKind
from ..forms import (
    AttachmentForm,
    EventFilterForm,
    EventForm,
    ReasonForm,
    RegisterForm,
    SpeakerFormSet,
    month_param,
)
from ..models import EventAttachment
from ..selectors import EventFilters
from .common import error_text

PAGE_SIZE = 50


def summary_org(user, chosen):
    """The organisation a page's figures are for: the one chosen, else the user's
    single top organisation (none when the scope has several tops)."""
    if chosen is not None:
        return chosen
    tops = top_organizations(user)
    return tops[0] if len(tops) == 1 else None


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None, user=request.user)
    filters = EventFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = EventFilters(
            q=d["q"], org=d["org"], kind=d["kind"], year=d["year"], status=d["status"]
        )
    page = Paginator(
        selectors.event_list(request.user, filters), page_size(request, PAGE_SIZE)
    ).get_page(request.GET.get("page"))
    year = filters.year or timezone.localdate().year
    org = summary_org(request.user, filters.org)
    by_kind = None
    if org is not None:
        by_kind = figures.event_figures(org, *figures.year_span(year))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "activities/event_list.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "summary_org": org,
            "summary_year": year,
            "by_kind": [(k, label, by_kind[k]) for k, label in EventKind.choices]
            if by_kind
            else None,
            "by_kind_total": by_kind["total"] if by_kind else None,
            "may_change": scope.has_any(request.user, Perm.CHANGE),
        },
    )


@login_required
def event_calendar(request: HttpRequest) -> HttpResponse:
    first = month_param(request.GET.get("month"))
    prev = (first - datetime.timedelta(days=1)).replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    weeks = selectors.month_calendar(request.user, first.year, first.month)
    return render(
        request,
        "activities/event_calendar.html",
        {
            "month": first,
            "weeks": weeks,
            "prev": prev.strftime("%Y-%m"),
            "next": nxt.strftime("%Y-%m"),
            "this_month": timezone.localdate().strftime("%Y-%m"),
            "days": [d for week in weeks for d in week if d["in_month"] and d["events"]],
        },
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = selectors.event_page(request.user, pk)
    context.update(
        register_form=RegisterForm(user=request.user),
        reason_form=ReasonForm(),
        attachment_form=AttachmentForm(),
        now=timezone.now(),
    )
    return render(request, "activities/event_detail.html", context)


@login_required
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The live attendance panel (polled by htmx)."""
    event = selectors.get_event(request.user, pk)
    return render(
        request,
        "activities/_attendance.html",
        {"event": event, "figures": selectors.attendance(event)},
    )


def _speakers(formset) -> list[dict]:
    return [f.cleaned_data for f in formset if f.cleaned_data and f.cleaned_data.get("name")]


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, Perm.CHANGE):
        raise PermissionDenied
    initial = {}
    if kind := request.GET.get("kind"):
        initial["kind"] = kind
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    speakers = SpeakerFormSet(request.POST or None, prefix="speakers")
    if request.method == "POST" and form.is_valid() and speakers.is_valid():
        try:
            event = services.create_event(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                co_organizers=form.cleaned_data["co_organizers"],
                open_to=form.cleaned_data["open_to"],
                speakers=_speakers(speakers),
                **form.service_fields(),
            )
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(
                request, _("The event was saved as a draft. Open it for sign-up when ready.")
            )
            return redirect("activities:event", pk=event.pk)
    return render(request, "activities/event_form.html", {"form": form, "speakers": speakers})


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event(request.user, pk, Perm.CHANGE)
    if not scope.has_perm(request.user, Perm.CHANGE, event.organization_id):
        # A co-organiser handles sign-ups and check-in; the details are the organiser's.
        raise PermissionDenied
    form = EventForm(request.POST or None, instance=event, user=request.user)
    initial = list(event.speakers.values("name", "affiliation", "topic", "is_expert"))
    speakers = SpeakerFormSet(request.POST or None, prefix="speakers", initial=initial)
    if request.method == "POST" and form.is_valid() and speakers.is_valid():
        try:
            services.update_event(
                actor=request.user,
                event=event,
                co_organizers=form.cleaned_data["co_organizers"],
                open_to=form.cleaned_data["open_to"],
                speakers=_speakers(speakers),
                **form.service_fields(),
            )
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("Saved."))
            return redirect("activities:event", pk=pk)
    return render(
        request,
        "activities/event_form.html",
        {"form": form, "speakers": speakers, "event": event},
    )


STEPS = {
    "announce": (services.announce_event, _("Sign-up is open.")),
    "close": (services.close_registration, _("Sign-up is closed; check-in goes on.")),
}


@login_required
@require_POST
def event_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    event = selectors.get_event(request.user, pk, Perm.CHANGE)
    try:
        if step == "cancel":
            form = ReasonForm(request.POST)
            services.cancel_event(
                actor=request.user,
                event=event,
                reason=form.data.get("reason", ""),
            )
            messages.success(request, _("The event was cancelled."))
        elif step in STEPS:
            func, done = STEPS[step]
            func(actor=request.user, event=event)
            messages.success(request, done)
        else:
            raise Http404
    except ValidationError as e:
        messages.error(request, error_text(e))
    except PermissionDenied:
        messages.error(request, _("Only the organiser can do this."))
    return redirect("activities:event", pk=pk)


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign up a member, or (action=walk_in) admit and check in a walk-in."""
    event = selectors.get_event(request.user, pk, Perm.CHANGE)
    form = RegisterForm(request.POST, user=request.user)
    walk_in = request.POST.get("action") == "walk_in"
    if form.is_valid():
        member = form.cleaned_data["member"]
        try:
            reg = services.register(
                actor=request.user,
                event=event,
                enterprise=member["enterprise"],
                person=member["person"],
                party_size=form.cleaned_data["party_size"],
                note=form.cleaned_data["note"],
                walk_in=walk_in,
                over_capacity=form.cleaned_data["over_capacity"],
            )
        except ValidationError as e:
            messages.error(request, error_text(e))
        else:
            if walk_in:
                msg = _("%(name)s was admitted and checked in.")
            elif reg.status == "waitlisted":
                msg = _("The event is full: %(name)s is on the waiting list.")
            else:
                msg = _("%(name)s is signed up.")
            messages.success(request, msg % {"name": reg.registrant_name})
    else:
        messages.error(request, error_text(form.errors))
    return redirect(reverse("activities:event", args=[pk]) + "#registrations")


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event(request.user, pk, Perm.CHANGE)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                actor=request.user,
                event=event,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
            messages.success(request, _("The file was attached."))
        except ValidationError as e:
            messages.error(request, error_text(e))
    else:
        messages.error(request, error_text(form.errors))
    return redirect("activities:event", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    att = get_object_or_404(
        EventAttachment.objects.filter(event__in=selectors.events(request.user)), pk=pk
    )
    try:
        handle = att.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=att.file.name.rsplit("/", 1)[-1])
