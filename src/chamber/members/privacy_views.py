"""Staff pages for personal-data requests (PIPL): a person's data page (export of
everything held, erasure) and the retention review. MANAGE right only."""

from __future__ import annotations

import json
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chamber.orgs import scope
from chamber.orgs.choices import Perm

from . import privacy
from .models import Person


def _require_manage(user) -> None:
    if not scope.has_any(user, Perm.MANAGE):
        raise PermissionDenied


def _person(request: HttpRequest, pk: int) -> Person:
    _require_manage(request.user)
    return get_object_or_404(privacy.manageable_people(request.user), pk=pk)


@login_required
def person_data(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    return render(
        request,
        "members/privacy/person.html",
        {"person": person, "erased": privacy.is_erased(person), "fields": privacy.PERSONAL_FIELDS},
    )


@login_required
def person_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    person = _person(request, pk)
    if fmt not in ("json", "xlsx"):
        raise Http404
    data = privacy.personal_data(actor=request.user, person=person)
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    if fmt == "json":
        tmp.write(json.dumps(data, ensure_ascii=False, indent=2, default=str).encode())
        content_type = "application/json"
    else:
        privacy.write_xlsx(data, tmp)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=f"个人信息-{person.pk}.{fmt}",
        content_type=content_type,
    )


@login_required
@require_POST
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    try:
        privacy.erase_person(
            actor=request.user, person=person, reason=request.POST.get("reason", "")
        )
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return redirect("members:person_data", pk=person.pk)
    messages.success(
        request,
        _("The person's personal data was erased; their records and every figure remain."),
    )
    return redirect("members:person_data", pk=person.pk)


@login_required
def retention(request: HttpRequest) -> HttpResponse:
    _require_manage(request.user)
    try:
        years = max(1, min(100, int(request.GET.get("years") or privacy.retention_years())))
    except ValueError:
        years = privacy.retention_years()
    rows = privacy.due_for_review(actor=request.user, years=years)
    privacy.record_review(actor=request.user, people=[r["person"] for r in rows], years=years)
    return render(request, "members/privacy/retention.html", {"rows": rows, "years": years})
