"""The member side's pages. Each is thin: the `Member` selectors scope every read to
the signed-in member, the services do every write."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from chamber.activities.qr import qr_svg
from chamber.casework.choices import FINAL_STATUSES, Status, Step
from chamber.casework.models import CaseEvent
from chamber.members.models import Due

from . import selectors, services
from .forms import (
    ChangeForm,
    CodeForm,
    MobileForm,
    PasswordSignInForm,
    ProblemForm,
    RatingForm,
    SetPasswordForm,
    SignUpForm,
)
from .models import MemberRating, ProblemPhoto
from .selectors import Member

LOGIN_MOBILE = "portal_login_mobile"
BACKEND = "chamber.orgs.backends.ChamberBackend"


def _errors(form, e: ValidationError) -> None:
    form.add_service_error(e)


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def member_view(view: Callable) -> Callable:
    """Signed in with a member account (else to the portal's sign-in; a staff user
    gets 403), the personal-information notice accepted (else to it)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('portal:login')}?next={request.path}")
        account = selectors.account_for(request.user)
        if account is None:
            return render(request, "portal/members_only.html", status=403)
        if account.consent_version != services.CONSENT_VERSION and view.__name__ != "consent":
            return redirect(f"{reverse('portal:consent')}?next={request.path}")
        request.member = Member(account)
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _sign_in(request: HttpRequest, account) -> HttpResponse:
    nxt = request.session.pop("portal_next", "")
    login(request, account.user, backend=BACKEND)  # rotates the session key
    request.session.pop(LOGIN_MOBILE, None)
    if account.consent_version != services.CONSENT_VERSION:
        return redirect("portal:consent")
    if nxt and nxt.startswith("/portal/") and url_has_allowed_host_and_scheme(nxt, None):
        return redirect(nxt)
    return redirect("portal:home")


# --- Signing in ------------------------------------------------------------------------


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Step one: the mobile number. The answer is the same for every number."""
    if request.GET.get("next", "").startswith("/portal/"):
        request.session["portal_next"] = request.GET["next"]
    form = MobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mobile = services.normalize_mobile(form.cleaned_data["mobile"])
            services.request_code(mobile=mobile, ip=_ip(request))
        except ValidationError as e:
            _errors(form, e)
        else:
            request.session[LOGIN_MOBILE] = mobile
            return redirect("portal:login_code")
    return render(
        request,
        "portal/login.html",
        {"form": form, "demo": _is_demo()},
    )


def _is_demo() -> bool:
    from chamber.orgs.models import Organization

    return Organization.objects.filter(is_demo=True).exists()


@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the SMS."""
    mobile = request.session.get(LOGIN_MOBILE)
    if not mobile:
        return redirect("portal:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.verify_code(mobile=mobile, code=form.cleaned_data["code"])
        except ValidationError as e:
            _errors(form, e)
        else:
            return _sign_in(request, account)
    from chamber.core.validators import mask

    return render(
        request,
        "portal/login_code.html",
        {"form": form, "mobile": mask(mobile), "demo": _is_demo()},
    )


@never_cache
def login_password(request: HttpRequest) -> HttpResponse:
    form = PasswordSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.sign_in_with_password(
                mobile=form.cleaned_data["mobile"], password=form.cleaned_data["password"]
            )
        except ValidationError as e:
            _errors(form, e)
        else:
            if account is not None:
                return _sign_in(request, account)
            form.add_error(None, _("The number or the password is wrong."))
    return render(request, "portal/login_password.html", {"form": form})


@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: it names the chamber and the member, and leads to the
    sign-in with the number filled in. The link alone signs nobody in."""
    account = services.account_for_token(token)
    if account is None:
        return render(request, "portal/invitation.html", {"account": None}, status=404)
    if request.method == "POST":
        # Send the code straight away: the page never shows the number in full.
        try:
            services.request_code(mobile=account.person.mobile, ip=_ip(request))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect("portal:login")
        request.session[LOGIN_MOBILE] = account.person.mobile
        return redirect("portal:login_code")
    return render(request, "portal/invitation.html", {"account": account})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:login")


@member_view
def consent(request: HttpRequest) -> HttpResponse:
    account = request.member.account
    if request.method == "POST":
        if request.POST.get("accept") != "yes":
            messages.error(request, _("Tick the box to accept the notice."))
        else:
            services.accept_notice(account=account)
            return redirect("portal:home")
    return render(
        request,
        "portal/consent.html",
        {"version": services.CONSENT_VERSION, "accepted": account.consent_version},
    )


@member_view
def account_page(request: HttpRequest) -> HttpResponse:
    account = request.member.account
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(account=account, password=form.cleaned_data["password"])
        except ValidationError as e:
            _errors(form, e)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, account.user)
            messages.success(request, _("Your password is set."))
            return redirect("portal:account")
    return render(request, "portal/account.html", {"form": form, "account": account})


# --- Home ------------------------------------------------------------------------------


@member_view
def home(request: HttpRequest) -> HttpResponse:
    m: Member = request.member
    return render(
        request,
        "portal/home.html",
        {
            "chambers": list(m.chambers()),
            "contacts": list(m.contacts()),
            "notices": list(m.notices()[:5]),
            "events": list(m.upcoming_events()[:5]),
            "open_cases": list(m.cases().exclude(status__in=FINAL_STATUSES)[:10]),
            "enterprises": list(m.enterprises()),
        },
    )


@member_view
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "portal/notice.html", {"notice": request.member.notice(pk)})


# --- My enterprise -------------------------------------------------------------------


@member_view
def enterprise(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    m: Member = request.member
    ents = list(m.enterprises())
    if not ents:
        return render(request, "portal/enterprise.html", {"enterprise": None})
    if pk is None:
        ent = ents[0]
    else:
        ent = next((e for e in ents if e.pk == pk), None)
        if ent is None:
            raise Http404
    initial = {f: getattr(ent, f) for f in services.CHANGEABLE_FIELDS}
    form = ChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "note"}
        try:
            services.propose_change(
                member=m, enterprise=ent, data=data, note=form.cleaned_data["note"]
            )
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("Your change is sent to the chamber for approval."))
            return redirect("portal:enterprise_detail", pk=ent.pk)
    roles = ent.roles.current().filter(person_id=m.person.pk)
    return render(
        request,
        "portal/enterprise.html",
        {
            "enterprise": ent,
            "enterprises": ents,
            "form": form,
            "roles": roles,
            "requests": m.change_requests().filter(enterprise=ent)[:10],
        },
    )


@member_view
def membership(request: HttpRequest) -> HttpResponse:
    m: Member = request.member
    ms = list(
        m.memberships().prefetch_related(
            Prefetch("dues", queryset=Due.objects.order_by("-year").prefetch_related("payments"))
        )
    )
    rows = []
    for ms_ in ms:
        dues = []
        for due in ms_.dues.all():
            payments = list(due.payments.all())
            paid = sum((p.amount for p in payments), start=type(due.amount)(0))
            dues.append(
                {"due": due, "paid": paid, "owing": due.amount - paid, "payments": payments}
            )
        rows.append({"membership": ms_, "dues": dues})
    return render(request, "portal/membership.html", {"rows": rows})


# --- Problems --------------------------------------------------------------------------


@member_view
def problems(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/problems.html", {"cases": list(request.member.cases()[:100])})


@member_view
def problem_new(request: HttpRequest) -> HttpResponse:
    m: Member = request.member
    ents = list(m.enterprises())
    form = ProblemForm(request.POST or None, request.FILES or None, enterprises=ents)
    if request.method == "POST" and form.is_valid():
        ent = next(e for e in ents if e.pk == form.cleaned_data["enterprise"])
        try:
            case = services.raise_problem(
                member=m,
                enterprise=ent,
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                photos=request.FILES.getlist("photos"),
            )
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(
                request, _("Your problem is sent to %(org)s.") % {"org": case.organization}
            )
            return redirect("portal:problem", pk=case.pk)
    return render(request, "portal/problem_new.html", {"form": form})


# Steps a member sees on the timeline, and whether the step's comment is shown: what
# was asked, what was done and the follow-up; assignments, urging and staff remarks
# are internal.
PUBLIC_STEPS = {
    Step.RAISE: False,
    Step.ASSIGN: False,
    Step.START: False,
    Step.HAND_OVER: False,
    Step.RETURN: False,
    Step.RESOLVE: True,
    Step.FOLLOW_UP: True,
    Step.REOPEN: False,
    Step.CLOSE: False,
    Step.REJECT: True,
    Step.MERGE: False,
}


@member_view
def problem(request: HttpRequest, pk: int) -> HttpResponse:
    m: Member = request.member
    case = m.case(pk)
    ratings = {r.round: r for r in MemberRating.objects.filter(case=case)}
    timeline = []
    follow_ups = 0
    for ev in CaseEvent.objects.filter(case=case, step__in=list(PUBLIC_STEPS)).order_by("at", "id"):
        item = {"event": ev, "comment": ev.comment if PUBLIC_STEPS[ev.step] else ""}
        if ev.step == Step.FOLLOW_UP:
            item["by_member"] = follow_ups in ratings
            follow_ups += 1
        if ev.step == Step.HAND_OVER:
            item["department"] = (ev.data or {}).get("department") or ""
        timeline.append(item)
    can_rate = case.status == Status.RESOLVED and case.reopen_count not in ratings
    form = RatingForm(request.POST or None)
    if request.method == "POST" and can_rate and form.is_valid():
        try:
            services.rate_case(
                member=m,
                case=case,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("portal:problem", pk=case.pk)
    return render(
        request,
        "portal/problem.html",
        {
            "case": case,
            "timeline": timeline,
            "photos": list(ProblemPhoto.objects.filter(case=case)),
            "form": form if can_rate else None,
        },
    )


@member_view
def problem_photo(request: HttpRequest, pk: int, photo: int) -> HttpResponse:
    case = request.member.case(pk)
    p = ProblemPhoto.objects.filter(case=case, pk=photo).first()
    if p is None:
        raise Http404
    return FileResponse(p.file.open("rb"), content_type=p.content_type)


# --- Events ----------------------------------------------------------------------------


@member_view
def events(request: HttpRequest) -> HttpResponse:
    m: Member = request.member
    regs = list(m.active_registrations().filter(event__ends_at__gte=timezone.now()))
    return render(
        request,
        "portal/events.html",
        {"events": list(m.upcoming_events()[:50]), "registrations": regs},
    )


@member_view
def event(request: HttpRequest, pk: int) -> HttpResponse:
    m: Member = request.member
    ev = m.event(pk)
    people = list(m.colleagues())
    form = SignUpForm(request.POST or None, people=people, initial={"person": m.person.pk})
    if request.method == "POST" and form.is_valid():
        person = next(p for p in people if p.pk == form.cleaned_data["person"])
        try:
            reg = services.sign_up(member=m, event=ev, person=person)
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("%(name)s is signed up.") % {"name": person.name})
            return redirect("portal:ticket", pk=reg.pk)
    regs = list(m.active_registrations().filter(event=ev))
    return render(request, "portal/event.html", {"event": ev, "form": form, "registrations": regs})


@member_view
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    m: Member = request.member
    reg = m.registration(pk)  # another member's sign-up: 404 before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.cancel(member=m, registration=reg)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The sign-up is cancelled."))
    return redirect("portal:event", pk=reg.event_id)


@member_view
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR ticket: the code is drawn inline (SVG), the page needs nothing more once
    loaded, and the service worker keeps a copy for when the network drops."""
    reg = request.member.registration(pk)
    return render(
        request,
        "portal/ticket.html",
        {"reg": reg, "event": reg.event, "qr": qr_svg(reg.qr_payload, scale=8)},
    )


@member_view
def attendance(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/attendance.html",
        {"registrations": list(request.member.attendance()[:200])},
    )


# --- Political posts ---------------------------------------------------------------


@member_view
def proposals(request: HttpRequest) -> HttpResponse:
    m: Member = request.member
    return render(
        request,
        "portal/proposals.html",
        {"posts": list(m.posts()), "proposals": list(m.proposals()[:100])},
    )


@member_view
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.member.proposal(pk)
    return render(
        request,
        "portal/proposal.html",
        {"proposal": p, "replies": list(p.replies.order_by("round"))},
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /portal/ so that its scope is the portal."""
    path = Path(__file__).parent / "static" / "portal" / "sw.js"
    response = HttpResponse(path.read_text(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response
