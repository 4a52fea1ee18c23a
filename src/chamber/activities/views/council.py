"""The council page (terms, seats, meetings) and the meeting page (attendance and
quorum, agenda, resolutions, minutes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chamber.orgs import scope
from chamber.orgs.choices import Perm

from .. import selectors, services
from ..forms import (
    AttendanceForm,
    CouncilForm,
    MeetingForm,
    MinutesForm,
    ResolutionForm,
    SeatForm,
    TermForm,
)
from .common import error_text


@login_required
def council_page(request: HttpRequest) -> HttpResponse:
    overview = selectors.council_overview(request.user)
    for block in overview:
        block["may_change"] = scope.has_perm(
            request.user, Perm.CHANGE, block["council"].organization_id
        )
    return render(
        request,
        "activities/council.html",
        {
            "overview": overview,
            "council_form": CouncilForm(user=request.user),
            "term_form": TermForm(),
            "seat_form": SeatForm(user=request.user),
            "meeting_form": MeetingForm(),
            "may_change": scope.has_any(request.user, Perm.CHANGE),
        },
    )


def _done(request, func, ok: str, **kwargs):
    try:
        result = func(actor=request.user, **kwargs)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return None
    except PermissionDenied:
        messages.error(request, _("You may not do this in that organisation."))
        return None
    messages.success(request, ok)
    return result


@login_required
@require_POST
def council_create(request: HttpRequest) -> HttpResponse:
    form = CouncilForm(request.POST, user=request.user)
    if form.is_valid():
        _done(request, services.create_council, _("The council was added."), **form.cleaned_data)
    else:
        messages.error(request, error_text(form.errors))
    return redirect("activities:council")


@login_required
@require_POST
def term_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_object_or_404(selectors.councils(request.user, Perm.CHANGE), pk=pk)
    form = TermForm(request.POST)
    if form.is_valid():
        _done(
            request,
            services.create_term,
            _("The term was added."),
            council=council,
            **form.cleaned_data,
        )
    else:
        messages.error(request, error_text(form.errors))
    return redirect("activities:council")


@login_required
@require_POST
def seat_create(request: HttpRequest, pk: int) -> HttpResponse:
    term = selectors.get_term(request.user, pk, Perm.CHANGE)
    form = SeatForm(request.POST, user=request.user)
    if form.is_valid():
        member = form.cleaned_data["member"]
        _done(
            request,
            services.add_term_member,
            _("The seat was added."),
            term=term,
            person=member["person"],
            enterprise=member["enterprise"],
            role=form.cleaned_data["role"],
            since=form.cleaned_data["since"],
        )
    else:
        messages.error(request, error_text(form.errors))
    return redirect("activities:council")


@login_required
@require_POST
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    term = selectors.get_term(request.user, pk, Perm.CHANGE)
    form = MeetingForm(request.POST)
    if form.is_valid():
        meeting = _done(
            request,
            services.create_meeting,
            _("The meeting was added."),
            term=term,
            **form.cleaned_data,
        )
        if meeting is not None:
            return redirect("activities:meeting", pk=meeting.pk)
    else:
        messages.error(request, error_text(form.errors))
    return redirect("activities:council")


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting(request.user, pk)
    may_change = scope.has_perm(request.user, Perm.CHANGE, meeting.term.council.organization_id)
    return render(
        request,
        "activities/meeting_detail.html",
        {
            "meeting": meeting,
            "quorum": selectors.quorum(meeting),
            "attendees": [a.member for a in meeting.attendance.all()],
            "may_change": may_change,
            "attendance_form": AttendanceForm(meeting=meeting) if may_change else None,
            "resolution_form": ResolutionForm(),
            "minutes_form": MinutesForm(),
        },
    )


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting(request.user, pk, Perm.CHANGE)
    form = AttendanceForm(request.POST, meeting=meeting)
    if form.is_valid():
        _done(
            request,
            services.set_attendance,
            _("Attendance saved."),
            meeting=meeting,
            members=form.cleaned_data["members"],
        )
    else:
        messages.error(request, error_text(form.errors))
    return redirect("activities:meeting", pk=pk)


@login_required
@require_POST
def meeting_resolution(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting(request.user, pk, Perm.CHANGE)
    form = ResolutionForm(request.POST)
    if form.is_valid():
        _done(
            request,
            services.add_resolution,
            _("The resolution was recorded."),
            meeting=meeting,
            **form.cleaned_data,
        )
    else:
        messages.error(request, error_text(form.errors))
    return redirect("activities:meeting", pk=pk)


@login_required
@require_POST
def meeting_minutes_upload(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting(request.user, pk, Perm.CHANGE)
    form = MinutesForm(request.POST, request.FILES)
    if form.is_valid():
        _done(
            request,
            services.attach_minutes,
            _("The minutes were attached."),
            meeting=meeting,
            file=form.cleaned_data["minutes"],
        )
    else:
        messages.error(request, error_text(form.errors))
    return redirect("activities:meeting", pk=pk)


@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> FileResponse:
    meeting = selectors.get_meeting(request.user, pk)
    if not meeting.minutes:
        raise Http404
    try:
        handle = meeting.minutes.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=meeting.minutes.name.rsplit("/", 1)[-1]
    )
