"""The page for a record sheet typed in after the fact (a visit sheet, a sign-in
sheet): upload, check and write all or nothing, the located errors listed and the error
workbook to download. The apps above members (casework, activities) call
`sheet_page` with their kind of sheet and where it goes; the work is in
`importers.sheets`."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chamber.core.forms import StyledFormMixin

from .importers.reader import max_upload_bytes
from .importers.sheets import SHEET_KINDS

SESSION_KEY = "sheet_error_files"


class SheetForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=gettext_lazy("Check only, write nothing"), required=False)


def _error_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "sheets" / "errors"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sheet_page(
    request: HttpRequest,
    *,
    kind: str,
    target: Any,
    title: str,
    done_url: str,
    back_url: str,
) -> HttpResponse:
    """Upload and import a sheet of `kind` into `target` (an organisation, an event)."""
    sheet = SHEET_KINDS[kind]
    form = SheetForm(request.POST or None, request.FILES or None)
    outcome = None
    error_name = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            form.add_error("file", _("The file is too large."))
        else:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / Path(upload.name).name
                with open(path, "wb") as f:
                    for chunk in upload.chunks():
                        f.write(chunk)
                error_name = f"{uuid.uuid4().hex}.xlsx"
                outcome = sheet.run(
                    path,
                    actor=request.user,
                    target=target,
                    dry_run=form.cleaned_data["dry_run"],
                    error_file=_error_dir() / error_name,
                )
            if outcome.problem:
                form.add_error("file", outcome.problem)
            elif outcome.errors:
                # Only this session may fetch its error workbook.
                request.session[SESSION_KEY] = [
                    *request.session.get(SESSION_KEY, [])[-9:],
                    error_name,
                ]
            elif form.cleaned_data["dry_run"]:
                messages.info(
                    request,
                    _("%(n)s rows checked: no errors. Nothing was written.") % {"n": outcome.rows},
                )
            else:
                messages.success(request, _("%(n)s rows entered.") % {"n": outcome.rows})
                return redirect(done_url)
    return render(
        request,
        "members/sheet_import.html",
        {
            "form": form,
            "title": title,
            "columns": sheet.layout.columns,
            "outcome": outcome,
            "error_name": error_name if outcome and outcome.errors else "",
            "back_url": back_url,
        },
        status=400 if outcome is not None and not outcome.ok else 200,
    )


@login_required
def sheet_errors(request: HttpRequest, name: str) -> HttpResponse:
    if name not in request.session.get(SESSION_KEY, []):
        raise Http404
    path = _error_dir() / name
    if not path.is_file():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename="错误说明.xlsx")
