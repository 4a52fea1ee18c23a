"""Pages of political participation: the delegate register, posts, proposals with
their timeline and next steps, and the member page section. Thin: selectors read,
services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chamber.core import text
from chamber.core.pagination import page_size
from chamber.members.models import Person
from chamber.orgs import scope
from chamber.orgs.choices import Perm

from . import selectors, services
from .choices import NEXT_STEPS, Body, Level, Status, Step
from .forms import (
    STEP_FORMS,
    PostForm,
    ProposalFilterForm,
    ProposalForm,
    RegisterForm,
    person_label,
)
from .selectors import ProposalFilters, RegisterFilters

PAGE_SIZE = 50


# --- the delegate register ----------------------------------------------------------------


def _summary(qs) -> dict[str, Any]:
    """Distinct people by body and level over the register's selection (scoped)."""
    rows = list(qs.order_by().values_list("person_id", "body", "level").distinct())
    table = [
        {
            "level": Level(lv).label,
            "cells": [len({p for p, b, v in rows if b == body and v == lv}) for body in Body],
            "people": len({p for p, _b, v in rows if v == lv}),
        }
        for lv in Level
    ]
    return {
        "people": len({r[0] for r in rows}),
        "bodies": [b.label for b in Body],
        "by_body": [len({p for p, b, _v in rows if b == body}) for body in Body],
        "table": table,
    }


@login_required
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    filters = RegisterFilters(on=today)
    if form.is_valid():
        d = form.cleaned_data
        filters = RegisterFilters(
            q=d["q"],
            body=d["body"],
            level=d["level"],
            term=d["term"],
            org=d["org"],
            on=None if d["status"] == "all" else (d["on"] or today),
        )
    qs = selectors.register(request.user, filters)
    page = Paginator(qs, page_size(request, PAGE_SIZE)).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "politics/register.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "filters": filters,
            "summary": _summary(qs),
            "may_change": scope.has_any(request.user, Perm.CHANGE),
            # at most a screenful: who must be re-recorded after an election
            "to_rerecord": list(selectors.to_rerecord(request.user, filters.on or today)[:50]),
        },
    )


@login_required
def post_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, Perm.CHANGE):
        raise PermissionDenied
    initial = {}
    if request.GET.get("person", "").isdigit():
        initial["person"] = request.GET["person"]
    form = PostForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.record_post(actor=request.user, **form.service_fields())
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(
                request,
                _("The post of %(name)s was recorded: %(post)s.")
                % {"name": post.person.name, "post": post.body_label},
            )
            return redirect(_after_post(request, post))
    return render(request, "politics/post_form.html", {"form": form})


def _after_post(request: HttpRequest, post) -> str:
    """Back where the form was opened from (the member page), else the register."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt.startswith("/") and not nxt.startswith("//"):
        return nxt
    return reverse("politics:register")


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.get_post(request.user, pk)
    if not (
        scope.has_perm(request.user, Perm.CHANGE, post.organization_id)
        or Person.objects.visible_to(request.user, Perm.CHANGE).filter(pk=post.person_id).exists()
    ):
        raise Http404
    form = PostForm(request.POST or None, instance=post, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_post(actor=request.user, post=post, **form.service_fields())
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("Saved."))
            return redirect(_after_post(request, post))
    return render(request, "politics/post_form.html", {"form": form, "post": post})


@login_required
@require_GET
def person_options(request: HttpRequest) -> HttpResponse:
    """<option>s of people matching ?q= (name, pinyin, mobile), for the person picker."""
    q = text.normalize(request.GET.get("q", ""))
    people = []
    if q:
        people = list(
            Person.objects.visible_to(request.user, Perm.CHANGE)
            .filter(search_text__contains=q)
            .select_related("enterprise")
            .order_by("name", "id")[:30]
        )
    return render(
        request,
        "politics/_person_options.html",
        {"options": [(p.pk, person_label(p)) for p in people], "q": q},
    )


# --- proposals ---------------------------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    form = ProposalFilterForm(request.GET or None, user=request.user)
    filters = ProposalFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = ProposalFilters(
            q=d["q"],
            kind=d["kind"],
            status=d["status"],
            year=d["year"],
            topic=d["topic"],
            unit=d["unit"],
            org=d["org"],
            level=d["level"],
        )
    qs = selectors.proposal_list(request.user, filters)
    page = Paginator(qs, page_size(request, PAGE_SIZE)).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "politics/proposal_list.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "today": timezone.localdate(),
            "overdue": selectors.overdue_count(request.user),
            "may_change": scope.has_any(request.user, Perm.CHANGE),
        },
    )


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, Perm.CHANGE):
        raise PermissionDenied
    form = ProposalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.service_fields()
            proposal = services.create_proposal(
                actor=request.user,
                submit_on=form.cleaned_data.get("submit_on"),
                **fields,
            )
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("The proposal was recorded."))
            return redirect("politics:proposal", pk=proposal.pk)
    return render(request, "politics/proposal_form.html", {"form": form})


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal(request.user, pk)
    if not scope.has_perm(request.user, Perm.CHANGE, proposal.organization_id):
        raise Http404
    if proposal.status != Status.DRAFTED:
        messages.info(request, _("Only a draft can be edited; later changes are steps."))
        return redirect("politics:proposal", pk=pk)
    form = ProposalForm(request.POST or None, instance=proposal, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_proposal(actor=request.user, proposal=proposal, **form.service_fields())
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(request, _("Saved."))
            return redirect("politics:proposal", pk=pk)
    return render(request, "politics/proposal_form.html", {"form": form, "proposal": proposal})


def _step_forms(request: HttpRequest, proposal, bound: dict | None = None) -> list[dict]:
    """The forms of the steps legal now (the bound one, with its errors, in place)."""
    if not scope.has_perm(request.user, Perm.CHANGE, proposal.organization_id):
        return []
    out = []
    for step in services.legal_steps(proposal):
        form = (bound or {}).get(step) or STEP_FORMS[step](
            proposal=proposal, user=request.user, prefix=step
        )
        out.append({"step": step, "label": Step(step).label, "form": form})
    return out


def _page(request: HttpRequest, pk: int, bound: dict | None = None):
    proposal = selectors.proposal_page(request.user, pk)
    today = timezone.localdate()
    blocked = [
        {"label": Step(s).label, "why": services.step_problem(proposal, s)}
        for s in NEXT_STEPS[proposal.status]
        if services.step_problem(proposal, s)
    ]
    steps = _step_forms(request, proposal, bound)
    # A refused step whose form is not offered now (the status moved on): its errors
    # still have to be shown.
    offered = {s["step"] for s in steps}
    refused = [
        {"label": Step(step).label, "errors": form.errors}
        for step, form in (bound or {}).items()
        if step not in offered
    ]
    return render(
        request,
        "politics/proposal_detail.html",
        {
            "proposal": proposal,
            "refused": refused,
            "steps": steps,
            "blocked": blocked,
            "today": today,
            "overdue": proposal.is_overdue(today),
            "may_change": scope.has_perm(request.user, Perm.CHANGE, proposal.organization_id),
        },
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


@login_required
@require_POST
def proposal_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_FORMS:
        raise Http404
    proposal = selectors.get_proposal(request.user, pk)
    if not scope.has_perm(request.user, Perm.CHANGE, proposal.organization_id):
        raise PermissionDenied
    form = STEP_FORMS[step](
        request.POST, request.FILES, proposal=proposal, user=request.user, prefix=step
    )
    if form.is_valid():
        try:
            services.STEP_FUNCTIONS[step](
                actor=request.user, proposal=proposal, **form.service_kwargs()
            )
        except ValidationError as e:
            form.add_service_error(e)
        else:
            messages.success(
                request,
                _("Done: %(step)s. The proposal is now “%(status)s”.")
                % {"step": Step(step).label, "status": proposal.get_status_display()},
            )
            return redirect("politics:proposal", pk=pk)
    # 200 with the errors in place, as any Django form page answers an invalid form.
    return _page(request, pk, bound={step: form})


@login_required
def reply_attachment(request: HttpRequest, pk: int, round_no: int) -> FileResponse:
    proposal = selectors.get_proposal(request.user, pk)
    reply = get_object_or_404(proposal.replies, round=round_no)
    if not reply.attachment:
        raise Http404
    return FileResponse(
        reply.attachment.open("rb"),
        as_attachment=True,
        filename=reply.attachment.name.rsplit("/", 1)[-1],
    )


# --- the member page section -------------------------------------------------------------


@login_required
def member_section(request: HttpRequest, pk: int) -> HttpResponse:
    context = selectors.member_section(request.user, pk)
    context["may_change"] = bool(context["changeable"])
    return render(request, "politics/_member_section.html", context)
