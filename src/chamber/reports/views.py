"""Leaders' dashboard, drill-down lists and report downloads."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from chamber.orgs.selectors import top_organizations

from . import charts, drilldown, exporters
from .annual import annual_report
from .period import Period
from .selectors import report_org

FIRST_YEAR = 2013


def _year(request: HttpRequest) -> int:
    default = timezone.localdate().year - 1
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return min(max(year, FIRST_YEAR), timezone.localdate().year)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    tops = top_organizations(request.user)
    if not tops:
        raise Http404
    return redirect("reports:dashboard", code=tops[0].code)


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    org = report_org(request.user, code)
    year = _year(request)
    report = annual_report(org, year)
    context = {
        "org": org,
        "year": year,
        "years": list(range(timezone.localdate().year, FIRST_YEAR - 1, -1)),
        "report": report,
        "charts": charts.dashboard_charts(org, year, report),
    }
    return render(request, "reports/dashboard.html", context)


@login_required
def records(request: HttpRequest, code: str, section: str, figure: str) -> HttpResponse:
    org = report_org(request.user, code)
    drill = drilldown.get(section, figure)
    if drill is None:
        raise Http404
    year = _year(request)
    qs = drill.rows(org, Period.year(year)).order_by("id")
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/records.html",
        {
            "org": org,
            "year": year,
            "drill": drill,
            "page": page,
            "section": section,
            "figure": figure,
        },
    )


@login_required
def download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    org = report_org(request.user, code)
    year = _year(request)
    report = annual_report(org, year)
    name = f"{slugify(org.code)}-{year}-annual-report"
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
