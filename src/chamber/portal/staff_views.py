"""The staff side of the portal: invitations and their state per chamber, change
requests with their diff, notices to members, and the photos on portal problems."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chamber.activities.qr import qr_svg
from chamber.casework.models import Case
from chamber.members.models import Person
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from . import services
from .forms import DecideForm, InviteForm, NoticeForm
from .models import ChangeRequest, ChangeStatus, MemberAccount, Notice, ProblemPhoto


def _orgs(user):
    return Organization.objects.visible_to(user, Perm.CHANGE).order_by("path")


def invite_rows(actor, organization: Organization, person_ids: list[int]) -> list[dict]:
    """Invite each person (all or nothing is not needed here: each invitation stands
    alone); a row per person with its link or its error."""
    rows = []
    people = {p.pk: p for p in Person.objects.filter(pk__in=person_ids)}
    for pid in person_ids:
        person = people.get(pid)
        if person is None:
            rows.append({"person_id": pid, "error": _("No person %(id)s.") % {"id": pid}})
            continue
        try:
            account, token = services.invite(actor=actor, person=person, organization=organization)
        except (ValidationError, PermissionDenied) as e:
            rows.append(
                {
                    "person_id": pid,
                    "name": person.name,
                    "error": " ".join(getattr(e, "messages", [str(e)])),
                }
            )
        else:
            rows.append({"person_id": pid, "name": person.name, "account": account, "token": token})
    return rows


def read_person_ids(text: str) -> list[int]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if "person_id" not in (reader.fieldnames or []):
        raise ValidationError({"file": _("The CSV needs a column person_id.")})
    ids = []
    for n, row in enumerate(reader, start=2):
        value = (row.get("person_id") or "").strip()
        if not value.isdigit():
            raise ValidationError(
                {"file": _("Row %(n)s: person_id %(v)s is not a number.") % {"n": n, "v": value}}
            )
        ids.append(int(value))
    return ids


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    orgs = _orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied
    form = InviteForm(request.POST or None, request.FILES or None, organizations=orgs)
    rows = None
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        ids: list[int] = []
        try:
            if form.cleaned_data.get("file"):
                raw = form.cleaned_data["file"].read()
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    text = raw.decode("gbk", errors="replace")
                ids = read_person_ids(text)
            elif form.cleaned_data.get("person"):
                ids = [form.cleaned_data["person"]]
            else:
                raise ValidationError({"person": _("Give a person number or a CSV.")})
        except ValidationError as e:
            for field, errs in e.error_dict.items():
                for err in errs:
                    form.add_error(field, err)
        else:
            rows = invite_rows(request.user, org, ids)
            for r in rows:
                if "token" in r:
                    r["link"] = request.build_absolute_uri(
                        reverse("portal:invitation", args=[r["token"]])
                    )
                    r["qr"] = qr_svg(r["link"], scale=3)
    accounts = (
        MemberAccount.objects.visible_to(request.user)
        .select_related("person", "organization")
        .order_by("-invited_at")[:200]
    )
    per_org = (
        MemberAccount.objects.visible_to(request.user)
        .values("organization__name")
        .annotate(invited=Count("id"), active=Count("id", filter=Q(activated_at__isnull=False)))
        .order_by("organization__name")
    )
    per_org = [
        {**r, "rate": round(r["active"] / r["invited"], 4) if r["invited"] else None}
        for r in per_org
    ]
    return render(
        request,
        "portal/staff/invitations.html",
        {"form": form, "rows": rows, "accounts": accounts, "per_org": per_org},
    )


@login_required
@require_POST
def invitation_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a new link for an account (the old one stops working): shown once, with its
    QR code to print or post in a group chat."""
    account = get_object_or_404(MemberAccount.objects.visible_to(request.user, Perm.CHANGE), pk=pk)
    rows = invite_rows(request.user, account.organization, [account.person_id])
    for r in rows:
        if "token" in r:
            r["link"] = request.build_absolute_uri(reverse("portal:invitation", args=[r["token"]]))
            r["qr"] = qr_svg(r["link"], scale=5)
    return render(request, "portal/staff/invitation_link.html", {"rows": rows, "account": account})


@login_required
def changes(request: HttpRequest) -> HttpResponse:
    qs = (
        ChangeRequest.objects.visible_to(request.user)
        .select_related("enterprise", "account__person", "decided_by")
        .order_by("status", "-created")
    )
    status = request.GET.get("status", ChangeStatus.PENDING)
    if status in ChangeStatus.values:
        qs = qs.filter(status=status)
    from chamber.members.models import Enterprise

    labels = {
        f: str(Enterprise._meta.get_field(f).verbose_name) for f in services.CHANGEABLE_FIELDS
    }
    reqs = []
    for r in qs[:200]:
        r.diff = [
            {"field": labels.get(k, k), "old": v[0], "new": v[1]} for k, v in r.changes.items()
        ]
        reqs.append(r)
    return render(
        request,
        "portal/staff/changes.html",
        {
            "requests": reqs,
            "status": status,
            "statuses": ChangeStatus.choices,
            "form": DecideForm(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(ChangeRequest.objects.visible_to(request.user), pk=pk)
    form = DecideForm(request.POST)
    form.is_valid()
    try:
        services.decide_change(
            actor=request.user,
            request=req,
            approve=request.POST.get("decision") == "approve",
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    except PermissionDenied as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Decided: %(r)s.") % {"r": req})
    return redirect("portal_staff:changes")


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    orgs = _orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied
    form = NoticeForm(request.POST or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_notice(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            for field, errs in e.error_dict.items():
                for err in errs:
                    form.add_error(field, err)
        else:
            messages.success(request, _("The notice is published on the portal."))
            return redirect("portal_staff:notices")
    items = Notice.objects.visible_to(request.user).select_related("organization")[:100]
    return render(request, "portal/staff/notices.html", {"form": form, "notices": items})


@login_required
def case_photo(request: HttpRequest, pk: int, photo: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    p = ProblemPhoto.objects.filter(case=case, pk=photo).first()
    if p is None:
        raise Http404
    return FileResponse(p.file.open("rb"), content_type=p.content_type)
