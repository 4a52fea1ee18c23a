"""Staff pages for spreadsheets: the template, importing (upload, check, preview,
confirm, progress) and exporting the directory as filtered. Thin: the work is in
members.importers and members.exporters."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chamber.core.forms import StyledFormMixin
from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization
from chamber.orgs.selectors import visible_organizations

from . import exporters
from .choices import Status
from .forms import DirectoryForm
from .importers import jobs
from .importers.reader import MB, max_upload_bytes
from .importers.template import write_template
from .selectors import DirectoryFilters

ImportJob = jobs.ImportJob
PAGE_ERRORS = 500


class ImportForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Into the chamber"), queryset=Organization.objects.none()
    )
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(".xlsx, or .csv in UTF-8 or GBK"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv,.txt"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; files up to %(limit)s MB can be imported. Split it.")
                % {"size": f"{upload.size / MB:.1f}", "limit": f"{limit / MB:.0f}"}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


def _require_change(user) -> None:
    if not scope.has_any(user, Perm.CHANGE):
        raise PermissionDenied


def _job(request: HttpRequest, pk: int) -> ImportJob:
    """A job is its uploader's (another user's import answers 404)."""
    job = get_object_or_404(ImportJob.objects.select_related("organization"), pk=pk)
    if job.user_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


@login_required
def template(request: HttpRequest) -> HttpResponse:
    tmp = tempfile.SpooledTemporaryFile(max_size=4 * MB)  # noqa: SIM115 (FileResponse closes it)
    write_template(tmp)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename="会员导入模板.xlsx")


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    _require_change(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        if not scope.has_perm(request.user, Perm.CHANGE, org.pk):
            raise PermissionDenied
        job = jobs.store_upload(form.cleaned_data["file"], user=request.user, organization=org)
        jobs.start(job, "check")
        return redirect("members:import_job", pk=job.pk)
    recent = ImportJob.objects.filter(user=request.user).select_related("organization")[:10]
    return render(
        request,
        "members/io/import_start.html",
        {"form": form, "recent": recent, "limit_mb": max_upload_bytes() // MB},
    )


def _job_context(job: ImportJob) -> dict:
    counts = job.outcome.get("counts") or {}
    return {
        "job": job,
        "counts": counts,
        "errors": job.errors[:PAGE_ERRORS],
        "more_errors": max(0, job.error_count - PAGE_ERRORS),
        "sample": job.outcome.get("sample") or [],
        "ignored": job.outcome.get("ignored") or [],
    }


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    template = (
        "members/io/_job.html" if request.headers.get("HX-Request") else "members/io/job.html"
    )
    return render(request, template, _job_context(job))


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not scope.has_perm(request.user, Perm.CHANGE, job.organization_id):
        raise PermissionDenied
    if job.status != ImportJob.Status.CHECKED:
        messages.error(
            request,
            _("This import can't be confirmed now: it is %(s)s.") % {"s": job.get_status_display()},
        )
        return redirect("members:import_job", pk=job.pk)
    if not job.file or not job.path.is_file():
        messages.error(
            request,
            _(
                "The uploaded file was deleted after %(days)d days (uploads are not kept). "
                "Upload it again."
            )
            % {"days": jobs.keep_days()},
        )
        return redirect("members:import_job", pk=job.pk)
    # Checked again as it is written: the register may have changed since the preview.
    jobs.start(job, "write")
    return redirect("members:import_job", pk=job.pk)


@login_required
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    path = job.error_path
    if path is None or not path.exists():
        raise Http404
    name = f"{Path(job.original_name).stem}-错误.xlsx"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


def directory_filters(request: HttpRequest) -> DirectoryFilters:
    """The directory page's filters from the query string, read by the page's form."""
    form = DirectoryForm(request.GET or None, user=request.user)
    if not form.is_valid():
        return DirectoryFilters()
    d = form.cleaned_data
    return DirectoryFilters(
        q=d["q"],
        org=d["org"],
        industry=d["industry"],
        size_class=d["size_class"],
        rank=d["rank"],
        kind=d["kind"],
        status=d["status"] or Status.ACTIVE,
        sort=d["sort"] or "name",
    )


def export_response(user, filters: DirectoryFilters, fmt: str) -> FileResponse:
    if fmt not in exporters.FORMATS:
        raise Http404
    if not scope.has_any(user, Perm.EXPORT):
        raise PermissionDenied
    # Written to a temporary file first: the export is audited with its row count, and
    # a large workbook must not sit in memory.
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    exporters.export_members(actor=user, filters=filters, fmt=fmt, out=tmp)
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=exporters.filename(fmt),
        content_type=exporters.CONTENT_TYPES[fmt],
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    return export_response(
        request.user, directory_filters(request), request.GET.get("format", "xlsx")
    )
