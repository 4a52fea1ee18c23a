"""Leaders' dashboard, drill-down lists and report downloads."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify

from chamber.core.pagination import page_size
from chamber.orgs.models import Organization
from chamber.orgs.selectors import top_organizations

from . import charts, drilldown, exporters
from .annual import annual_report
from .forms import period_from
from .models import ReportFile
from .period import Period
from .selectors import report_org
from .tasks import build_report_file

FIRST_YEAR = 2013


def _context(org, period: Period, form) -> dict:
    return {
        "org": org,
        "period": period,
        "year": period.start.year,
        "period_query": urlencode(period.query()),
        "period_form": form,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    tops = top_organizations(request.user)
    if not tops:
        raise Http404
    return redirect("reports:dashboard", code=tops[0].code)


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """The page comes at once with the period's controls; the figures, which take
    seconds at district scale, follow into it (htmx, `part=body`) under a progress
    indicator. `part=inline` gives the whole page in one response (no JavaScript)."""
    org = report_org(request.user, code)
    period, form = period_from(request.GET)
    part = request.GET.get("part")
    context = {
        **_context(org, period, form),
        "years": list(range(timezone.localdate().year, FIRST_YEAR - 1, -1)),
    }
    if part in ("body", "inline"):
        report = annual_report(org, period)
        context["report"] = report
        context["charts"] = charts.dashboard_charts(org, period, report)
    if part == "body":
        return render(request, "reports/_dashboard_body.html", context)
    return render(request, "reports/dashboard.html", context)


@login_required
def records(request: HttpRequest, code: str, section: str, figure: str) -> HttpResponse:
    org = report_org(request.user, code)
    drill = drilldown.get(section, figure)
    if drill is None:
        raise Http404
    period, form = period_from(request.GET)
    qs = drill.rows(org, period).order_by("id")
    page = Paginator(qs, page_size(request, 100)).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/records.html",
        {
            **_context(org, period, form),
            "drill": drill,
            "page": page,
            "section": section,
            "figure": figure,
        },
    )


def large(org) -> bool:
    """A scope whose file takes more than a moment: built by a background worker."""
    from chamber.members.models import Membership

    limit = getattr(settings, "CHAMBER_REPORT_INLINE_MEMBERS", 3000)
    subtree = Organization.objects.filter(path__startswith=org.path)
    return Membership.objects.filter(organization__in=subtree)[: limit + 1].count() > limit


@login_required
def download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    org = report_org(request.user, code)
    period, _form = period_from(request.GET)
    label = period.label().replace(" ", "-")
    name = f"{slugify(org.code)}-{slugify(label)}-{'annual' if period.kind == 'year' else 'period'}-report"
    if fmt in ("docx", "xlsx") and large(org):
        rf = ReportFile.objects.create(
            user=request.user,
            organization=org,
            start=period.start,
            end=period.end,
            fmt=fmt,
            name=f"{name}.{fmt}",
        )
        build_report_file.enqueue(rf.pk)
        return redirect("reports:file", pk=rf.pk)
    report = annual_report(org, period)
    if fmt == "json":
        body = json.dumps(report, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "docx":
        response = HttpResponse(
            exporters.docx_bytes(report),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            exporters.xlsx_bytes(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A background report file's progress (the page polls itself while it runs)."""
    rf = get_object_or_404(
        ReportFile.objects.select_related("organization"), pk=pk, user=request.user
    )
    template = "reports/_file.html" if request.headers.get("HX-Request") else "reports/file.html"
    return render(request, template, {"rf": rf})


@login_required
def report_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    rf = get_object_or_404(ReportFile, pk=pk, user=request.user, status=ReportFile.Status.DONE)
    return FileResponse(open(rf.path, "rb"), as_attachment=True, filename=rf.name)
