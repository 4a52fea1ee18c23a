"""Staff pages: self-assessments in scope, starting one, the scorecard, manual scores
with evidence, and the .docx report."""

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

from . import docx, selectors, services
from .forms import ScoreForm, StartForm
from .models import Evidence, Indicator, Method


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    can_start = scope.has_any(request.user, Perm.CHANGE)
    form = StartForm(request.POST or None, user=request.user) if can_start else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                a = services.start_assessment(actor=request.user, **form.cleaned_data)
            except ValidationError as e:
                form.add_service_error(e)
            else:
                return redirect("scorecards:assessment", pk=a.pk)
    rows = selectors.assessments(request.user).order_by("-year", "organization__path", "scheme")
    return render(request, "scorecards/list.html", {"rows": rows[:200], "form": form})


def _get(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.assessments(request.user), pk=pk)


@login_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    a = _get(request, pk)
    card = services.scorecard(a)
    can_score = scope.has_perm(request.user, Perm.CHANGE, a.organization_id)
    return render(
        request,
        "scorecards/card.html",
        {"a": a, "card": card, "can_score": can_score, "score_form": ScoreForm()},
    )


@login_required
@require_POST
def score(request: HttpRequest, pk: int, indicator: int) -> HttpResponse:
    a = _get(request, pk)
    if not scope.has_perm(request.user, Perm.CHANGE, a.organization_id):
        raise Http404
    ind = get_object_or_404(
        Indicator, pk=indicator, dimension__scheme=a.scheme, method=Method.MANUAL
    )
    form = ScoreForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.score_indicator(
                actor=request.user, assessment=a, indicator=ind, **form.cleaned_data
            )
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("Scored: %(name)s.") % {"name": ind.name})
            return redirect("scorecards:assessment", pk=a.pk)
    card = services.scorecard(a)
    return render(
        request,
        "scorecards/card.html",
        {
            "a": a,
            "card": card,
            "can_score": True,
            "score_form": ScoreForm(),
            "failed": ind.pk,
            "failed_form": form,
        },
        status=400,
    )


@login_required
def evidence(request: HttpRequest, pk: int, file: int) -> FileResponse:
    a = _get(request, pk)
    ev = get_object_or_404(Evidence, pk=file, score__assessment=a)
    return FileResponse(ev.file.open("rb"), as_attachment=True, filename=ev.name)


@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    a = _get(request, pk)
    body = docx.docx_bytes(services.scorecard(a))
    response = HttpResponse(
        body,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{a.organization.code}-{a.year}-{a.scheme.code}.docx"'
    )
    return response
