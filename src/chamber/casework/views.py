"""Casework pages. Thin: selectors read, services write; every look-up is scoped, so
another chamber's visit or case is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chamber.core import text
from chamber.core.forms import with_occurred_at
from chamber.core.pagination import keyset_page, page_size
from chamber.members import selectors as member_selectors
from chamber.members.selectors import record_search_condition
from chamber.members.sheet_views import sheet_page
from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization
from chamber.orgs.selectors import top_organizations

from . import figures as casework_figures
from . import forms, selectors, services
from .choices import Step
from .models import Case, HolidayCalendar
from .services.visits import check_upload
from .workdays import missing_years

PAGE_SIZE = 50


def _org_choice(user, form) -> Any:
    if form.is_valid():
        return form.cleaned_data.get("org")
    return None


# --- Work queue --------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, Perm.VIEW):
        raise PermissionDenied
    form = forms.QueueForm(request.GET or None, user=request.user)
    org = _org_choice(request.user, form)
    counts = selectors.queue_counts(request.user, org=org)
    which = request.GET.get("queue") or ("mine" if counts["mine"] else "open")
    if which not in selectors.QUEUES:
        which = "open"
    qs = selectors.queue(request.user, which, org=org)
    order = "due_on" if which in ("overdue", "due_soon") else "-id"
    page = keyset_page(
        qs, order=order, cursor=request.GET.get("cursor"), size=page_size(request, PAGE_SIZE)
    )
    params = request.GET.copy()
    params.pop("cursor", None)
    return render(
        request,
        "casework/queue.html",
        {
            "form": form,
            "which": which,
            "counts": counts,
            "page": page,
            "params": params.urlencode(),
            "org": org,
            "today": timezone.localdate(),
            "may_change": scope.has_any(request.user, Perm.CHANGE),
            "tabs": [
                (key, label, counts[key])
                for key, label in [
                    ("mine", _("Mine")),
                    ("overdue", _("Overdue")),
                    ("due_soon", _("Due soon")),
                    ("follow_up", _("Awaiting follow-up")),
                    ("escalated", _("Escalated")),
                    ("open", _("All open")),
                    ("all", _("All")),
                ]
            ],
        },
    )


# --- Cases -------------------------------------------------------------------------------


def _step_form(step: str, case: Case, data=None):
    return with_occurred_at(_bare_step_form(step, case, data))


def _bare_step_form(step: str, case: Case, data=None):
    prefix = step
    if step == Step.ASSIGN:
        return forms.AssignForm(data, case=case, prefix=prefix)
    if step == Step.HAND_OVER:
        return forms.HandOverForm(data, case=case, prefix=prefix)
    if step in (Step.RETURN, Step.REOPEN, Step.REJECT):
        return forms.ReasonForm(data, prefix=prefix)
    if step == Step.RESOLVE:
        return forms.ResolveForm(data, prefix=prefix)
    if step == Step.FOLLOW_UP:
        return forms.FollowUpForm(data, prefix=prefix)
    if step == Step.MERGE:
        return forms.MergeForm(data, prefix=prefix)
    return forms.CommentForm(data, prefix=prefix)


def _run_step(user, step: str, case: Case, d: dict[str, Any]) -> None:
    common = {"actor": user, "case": case, "occurred_at": d.get("occurred_at")}
    if step == Step.ASSIGN:
        services.assign_case(**common, assignee=d["assignee"], comment=d["comment"])
    elif step == Step.START:
        services.start_case(**common, comment=d["comment"])
    elif step == Step.HAND_OVER:
        services.hand_over_case(**common, department=d["department"], comment=d["comment"])
    elif step == Step.RETURN:
        services.return_case(**common, reason=d["reason"])
    elif step == Step.RESOLVE:
        services.resolve_case(**common, resolution=d["resolution"])
    elif step == Step.FOLLOW_UP:
        services.follow_up_case(
            **common, satisfaction=d["satisfaction"], score=d["score"], comment=d["comment"]
        )
    elif step == Step.REOPEN:
        services.reopen_case(**common, reason=d["reason"])
    elif step == Step.CLOSE:
        services.close_case(**common, comment=d["comment"])
    elif step == Step.REJECT:
        services.reject_case(**common, reason=d["reason"])
    elif step == Step.MERGE:
        into = selectors.cases(user, Perm.CHANGE).filter(pk=d["into"]).first()
        if into is None:
            raise ValidationError(
                {"into": _("No case #%(n)s that you may change.") % {"n": d["into"]}}
            )
        services.merge_case(**common, into=into, comment=d["comment"])
    elif step == Step.URGE:
        services.urge_case(**common, comment=d["comment"])
    else:  # pragma: no cover - the URL only routes known steps
        raise Http404


# The step most often taken next from each state: shown first, open.
PRIMARY_STEP = {
    "received": Step.ASSIGN,
    "assigned": Step.HAND_OVER,
    "in_progress": Step.RESOLVE,
    "returned": Step.HAND_OVER,
    "resolved": Step.FOLLOW_UP,
    "followed_up": Step.CLOSE,
    "reopened": Step.RESOLVE,
}


def _case_page(request: HttpRequest, case: Case, bound: Any = None, status: int = 200):
    steps = services.next_steps(case, request.user)
    primary = Step.REOPEN if Step.REOPEN in steps else PRIMARY_STEP.get(case.status)
    steps.sort(key=lambda s: s != primary)  # stable: the rest keep their order
    step_forms = [
        (
            step,
            services.STEP_ACTIONS[step],
            bound[1] if bound and bound[0] == step else _step_form(step, case),
        )
        for step in steps
    ]
    start = case.handed_over_on or case.received_on
    return render(
        request,
        "casework/case_detail.html",
        {
            "case": case,
            "events": selectors.case_timeline(case),
            "step_forms": step_forms,
            "open_step": bound[0] if bound else None,
            "today": timezone.localdate(),
            # the due date counted Monday to Friday over a year without a calendar
            "calendar_missing": missing_years(start, case.due_on) if case.due_on else [],
            "can_edit_calendar": services.calendar.may_edit(request.user),
        },
        status=status,
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, selectors.case_detail(request.user, pk))


@login_required
@require_POST
def case_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in services.STEP_ACTIONS:
        raise Http404
    case = selectors.get_case(request.user, pk, Perm.CHANGE)
    form = _step_form(step, case, request.POST)
    if form.is_valid():
        try:
            _run_step(request.user, step, case, form.cleaned_data)
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(
                request, _("Done: %(action)s.") % {"action": services.STEP_ACTIONS[step]}
            )
            return redirect("casework:case", pk=pk)
    return _case_page(request, selectors.case_detail(request.user, pk), (step, form), status=400)


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, Perm.CHANGE):
        raise PermissionDenied
    initial = {}
    preset = None
    if request.GET.get("enterprise", "").isdigit():
        preset = member_selectors.get_enterprise(request.user, int(request.GET["enterprise"]))
        initial["enterprise"] = preset.pk
    form = forms.CaseForm(request.POST or None, user=request.user, initial=initial)
    _default_org(form, request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.raise_case(
                actor=request.user,
                organization=d["organization"],
                enterprise=d["enterprise"],
                category=d["category"],
                title=d["title"],
                description=d["description"],
                priority=d["priority"],
                source=d["source"],
                received_on=d["received_on"],
            )
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("Case #%(n)s was recorded.") % {"n": case.pk})
            return redirect("casework:case", pk=case.pk)
    chosen = form["enterprise"].value()
    chosen_ent = preset
    if chosen_ent is None and chosen and str(chosen).isdigit():
        chosen_ent = member_selectors.enterprises(request.user).filter(pk=chosen).first()
    return render(
        request,
        "casework/case_form.html",
        {"form": form, "chosen": [chosen_ent] if chosen_ent else []},
    )


def _default_org(form, user) -> None:
    """Preselect the user's own chamber when they work in exactly one."""
    orgs = top_organizations(user)
    change = [o for o in orgs if scope.has_perm(user, Perm.CHANGE, o.pk)]
    if len(change) == 1 and not form.is_bound:
        form.initial.setdefault("organization", change[0].pk)


# --- Visits ------------------------------------------------------------------------------


@login_required
def visit_sheet(request: HttpRequest) -> HttpResponse:
    """A paper visit sheet typed in after the fact, into `?org=CODE` (default: the
    user's own chamber)."""
    change = [
        o
        for o in top_organizations(request.user)
        if scope.has_perm(request.user, Perm.CHANGE, o.pk)
    ]
    code = request.GET.get("org")
    if code:
        org = Organization.objects.filter(code=code).first()
        if org is None or not scope.has_perm(request.user, Perm.CHANGE, org.pk):
            raise Http404
    elif change:
        org = change[0]
    else:
        raise PermissionDenied
    return sheet_page(
        request,
        kind="visits",
        target=org,
        title=_("Enter a visit sheet into %(org)s") % {"org": org.name},
        done_url=reverse("casework:visits"),
        back_url=reverse("casework:visits"),
    )


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, Perm.VIEW):
        raise PermissionDenied
    form = forms.QueueForm(request.GET or None, user=request.user)
    org = _org_choice(request.user, form)
    page = keyset_page(
        selectors.visit_list(request.user, org=org),
        order="-date",
        cursor=request.GET.get("cursor"),
        size=page_size(request, PAGE_SIZE),
    )
    params = request.GET.copy()
    params.pop("cursor", None)
    return render(
        request,
        "casework/visit_list.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "may_change": scope.has_any(request.user, Perm.CHANGE),
        },
    )


def _case_specs(formset, visit_enterprises) -> list[dict[str, Any]]:
    specs = []
    for row in formset:
        d = getattr(row, "cleaned_data", None) or {}
        if not d or not d.get("title"):
            continue
        enterprise = d.get("enterprise")
        if enterprise is None and len(visit_enterprises) == 1:
            enterprise = visit_enterprises[0]
        specs.append(
            {
                "enterprise": enterprise,
                "category": d["category"],
                "title": d["title"],
                "description": d.get("description", ""),
                "priority": d.get("priority"),
            }
        )
    return specs


@login_required
def visit_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, Perm.CHANGE):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    if request.GET.get("enterprise", "").isdigit():
        ent = member_selectors.get_enterprise(request.user, int(request.GET["enterprise"]))
        initial["enterprises"] = [ent.pk]
    form = forms.VisitForm(request.POST or None, user=request.user, initial=initial)
    _default_org(form, request.user)
    formset = forms.CaseRowFormSet(request.POST or None, user=request.user, prefix="cases")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        ents = list(d["enterprises"])
        try:
            with transaction.atomic():
                visit = services.log_visit(
                    actor=request.user,
                    organization=d["organization"],
                    date=d["date"],
                    kind=d["kind"],
                    enterprises=ents,
                    staff=list(d["staff"]),
                    leaders=list(d["leaders"]),
                    experts=list(d["experts"]),
                    others=d["others"],
                    purpose=d["purpose"],
                    notes=d["notes"],
                    cases=_case_specs(formset, ents),
                )
        except ValidationError as e:
            form.add_service_error(e)
        else:
            n = visit.cases.count()
            messages.success(
                request,
                _("The visit was logged with %(n)s case(s) raised.") % {"n": n},
            )
            return redirect("casework:visit", pk=visit.pk)
    chosen_ids = [v for v in (form["enterprises"].value() or []) if str(v).isdigit()]
    chosen = list(member_selectors.enterprises(request.user).filter(pk__in=chosen_ids))
    return render(
        request,
        "casework/visit_form.html",
        {"form": form, "formset": formset, "chosen": chosen},
    )


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_detail(request.user, pk)
    may_change = scope.has_perm(request.user, Perm.CHANGE, visit.organization_id)
    form = forms.AttachmentForm()
    if request.method == "POST":
        if not may_change:
            raise Http404
        form = forms.AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            saved = 0
            try:
                # Check every file before storing any: a stored file is not rolled back.
                for upload in form.cleaned_data["files"]:
                    check_upload(upload)
                with transaction.atomic():
                    for upload in form.cleaned_data["files"]:
                        services.add_attachment(actor=request.user, visit=visit, upload=upload)
                        saved += 1
            except ValidationError as e:
                for msg in e.message_dict.get("file", e.messages):
                    form.add_error("files", msg)
            else:
                messages.success(request, _("%(n)s file(s) attached.") % {"n": saved})
                return redirect("casework:visit", pk=pk)
        visit = selectors.visit_detail(request.user, pk)
    return render(
        request,
        "casework/visit_detail.html",
        {"visit": visit, "may_change": may_change, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    att = selectors.get_attachment(request.user, pk)
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as e:
        raise Http404 from e
    inline = att.content_type.startswith("image/") or att.content_type == "application/pdf"
    response = FileResponse(
        handle, as_attachment=not inline, filename=att.name, content_type=att.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    att = selectors.get_attachment(request.user, pk, Perm.CHANGE)
    visit_pk = att.visit_id
    services.delete_attachment(actor=request.user, attachment=att)
    messages.success(request, _("The file was removed."))
    return redirect("casework:visit", pk=visit_pk)


@login_required
@require_GET
def enterprise_search(request: HttpRequest) -> HttpResponse:
    """Enterprises matching `q` (name, pinyin, initials, code), for the pickers."""
    q = request.GET.get("q", "")
    multi = request.GET.get("multi") == "1"
    rows = []
    if len(text.normalize(q)) >= 1:
        rows = list(
            member_selectors.enterprises(request.user)
            .filter(record_search_condition(q))
            .order_by("name")
            .only("id", "name", "uscc")[:15]
        )
    return render(
        request, "casework/_enterprise_options.html", {"rows": rows, "multi": multi, "q": q}
    )


# --- The member page section -------------------------------------------------------------


@login_required
@require_GET
def member_section(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = member_selectors.get_enterprise(request.user, pk)
    context = selectors.enterprise_casework(request.user, enterprise)
    context.update(
        enterprise=enterprise,
        may_change=scope.has_any(request.user, Perm.CHANGE),
        today=timezone.localdate(),
    )
    return render(request, "casework/_member_section.html", context)


# --- Figures -----------------------------------------------------------------------------


def _period(request: HttpRequest):
    form = forms.PeriodForm(request.GET or None, user=request.user)
    tops = top_organizations(request.user)
    if not tops:
        raise PermissionDenied
    org, start, end = tops[0], None, None
    if form.is_bound and form.is_valid():
        org = form.cleaned_data["org"] or org
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if start is None:
        year = timezone.localdate().year
        start, end = casework_figures.year_range(year)
    if not form.is_bound:
        form = forms.PeriodForm(
            initial={"org": org.code, "start": start, "end": end}, user=request.user
        )
    return form, org, start, end


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    form, org, start, end = _period(request)
    data = casework_figures.figures(org, start, end) if not form.errors else None
    return render(
        request,
        "casework/figures.html",
        {"form": form, "org": org, "start": start, "end": end, "data": data},
    )


@login_required
def leaders_page(request: HttpRequest) -> HttpResponse:
    form, org, start, _end = _period(request)
    rows = casework_figures.leader_progress(org, start.year) if not form.errors else []
    return render(
        request,
        "casework/leaders.html",
        {
            "form": form,
            "org": org,
            "year": start.year,
            "rows": rows,
            "met": sum(r["met"] for r in rows),
        },
    )


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The working calendar's years; staff who manage reference data add or correct a
    year (the package has no data for a year until the State Council announces it)."""
    editable = services.calendar.may_edit(request.user)
    form = None
    if editable:
        if request.method == "POST":
            form = forms.HolidayYearForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                try:
                    services.save_year(
                        actor=request.user,
                        year=d["year"],
                        holidays=d["holidays"],
                        workdays=d["workdays"],
                        note=d["note"],
                    )
                except ValidationError as e:
                    form.add_service_error(e)
                else:
                    messages.success(
                        request, _("The calendar of %(year)s is saved.") % {"year": d["year"]}
                    )
                    return redirect("casework:calendar")
        else:
            year = request.GET.get("year", "")
            existing = (
                HolidayCalendar.objects.filter(year=int(year)).first() if year.isdigit() else None
            )
            form = (
                forms.HolidayYearForm.for_year(existing)
                if existing
                else forms.HolidayYearForm(initial={"year": int(year) if year.isdigit() else None})
            )
    elif request.method == "POST":
        raise PermissionDenied
    this_year = timezone.localdate().year
    years = selectors.calendar_years()
    known = {y["year"] for y in years}
    missing = [y for y in range(this_year, this_year + 2) if y not in known]
    return render(
        request,
        "casework/calendar.html",
        {"years": years, "missing": missing, "form": form, "editable": editable},
        status=400 if form is not None and form.is_bound else 200,
    )
