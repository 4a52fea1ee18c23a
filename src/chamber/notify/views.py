"""The inbox page and the bell's unread count (fetched by htmx after the page loads, so
no page pays a query for it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .kinds import KINDS, STAFF_KINDS
from .models import Channel, Notification, Preference
from .services import mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user).order_by("-created", "-id")
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request, "notify/inbox.html", {"page": page, "unread_only": bool(request.GET.get("unread"))}
    )


@login_required
def bell(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "notify/bell.html", {"count": count})


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return redirect(note.url or "notify:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    mark_read(request.user)
    return redirect("notify:inbox")


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """Which notices also come by e-mail (the inbox always has them)."""
    prefs = {p.kind: p.channels for p in Preference.objects.filter(user=request.user)}
    rows = []
    for kind in STAFF_KINDS:
        k = KINDS[kind]
        chosen = prefs.get(kind, list(k.user_channels))
        rows.append({"kind": kind, "label": k.label, "email": Channel.EMAIL in chosen})
    if request.method == "POST":
        for row in rows:
            channels = [Channel.INAPP]
            if request.POST.get(f"email-{row['kind']}"):
                channels.append(Channel.EMAIL)
            Preference.objects.update_or_create(
                user=request.user, kind=row["kind"], defaults={"channels": channels}
            )
        return redirect("notify:settings")
    return render(
        request, "notify/settings.html", {"rows": rows, "has_email": bool(request.user.email)}
    )
