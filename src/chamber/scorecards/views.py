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


def _with_forms(card: services.Card, failed: int | None = None, failed_form=None):
    """Each manual line gets its form, filled with what was scored (or the refused input)."""
    for _dim, lines, _subtotal in card.dimensions:
        for line in lines:
            if line.figure is None and line.indicator.method == Method.MANUAL:
                if line.indicator.pk == failed:
                    line.form = failed_form
                else:
                    m = line.manual
                    line.form = ScoreForm(
                        initial={"score": m.score, "note": m.note} if m else None,
                        prefix=f"i{line.indicator.pk}",
                    )
    return card


def _get(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.assessments(request.user), pk=pk)


@login_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    a = _get(request, pk)
    card = _with_forms(services.scorecard(a))
    can_score = scope.has_perm(request.user, Perm.CHANGE, a.organization_id)
    return render(request, "scorecards/card.html", {"a": a, "card": card, "can_score": can_score})


@login_required
@require_POST
def score(request: HttpRequest, pk: int, indicator: int) -> HttpResponse:
    a = _get(request, pk)
    if not scope.has_perm(request.user, Perm.CHANGE, a.organization_id):
        raise Http404
    ind = get_object_or_404(
        Indicator, pk=indicator, dimension__scheme=a.scheme, method=Method.MANUAL
    )
    form = ScoreForm(request.POST, request.FILES, prefix=f"i{ind.pk}")
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
    card = _with_forms(services.scorecard(a), ind.pk, form)
    return render(
        request, "scorecards/card.html", {"a": a, "card": card, "can_score": True}, status=400
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
