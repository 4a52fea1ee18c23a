"""What notifies whom. Event rules take the record an event is about and return the
notices (and WeCom group posts) it causes; the daily, weekly and monthly rules look at
the day's state. Each rule's notice key names the event, so running a rule twice makes
no second notice."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from chamber.activities.choices import EventStatus, RegistrationStatus
from chamber.activities.models import Event, Registration
from chamber.casework.choices import OPEN_STATUSES, Status
from chamber.casework.models import Case, Visit
from chamber.casework.workdays import add_working_days, working_days_between
from chamber.core.models import AuditEntry
from chamber.members.models import Due, Membership
from chamber.orgs.choices import Role
from chamber.orgs.models import Organization, RoleAssignment
from chamber.politics.choices import AWAITING_REPLY
from chamber.politics.models import Proposal

from .services import Notice, Recipient, shown

Result = tuple[list[Notice], list[tuple]]
User = get_user_model()


def _d(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _when(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


# --- cases ----------------------------------------------------------------------------


def _case_context(case: Case, viewer: Any) -> dict[str, Any]:
    e = case.enterprise
    return {
        "title": case.title,
        "enterprise": e.name if e else "",
        "organization": case.organization.name,
        "department": case.department.name if case.department_id else "",
        "due_on": _d(case.due_on),
        "contact": e.contact_name if e else "",
        "phone": shown(e.contact_phone, viewer, case.organization_id) if e else "",
    }


def case_assign(case: Case, actor: Any, data: dict) -> Result:
    if case.assignee_id is None:
        return [], []
    url = reverse("casework:case", args=[case.pk])
    key = f"case.assign:{case.pk}:{case.assignee_id}:{data.get('step_id', '')}"
    notice = Notice(
        "case.assign",
        key,
        Recipient.of(case.assignee),
        _case_context(case, case.assignee),
        case.organization_id,
        url,
    )
    group = ("case.assign", key, case.organization_id, _case_context(case, None), url)
    return [notice], [group]


def case_hand_over(case: Case, actor: Any, data: dict) -> Result:
    """The department that now holds the case hears by SMS (its contact has no account);
    the staff member on the case and the chamber's group see it in the app / WeCom."""
    url = reverse("casework:case", args=[case.pk])
    key = f"case.hand_over:{case.pk}:{case.department_id}:{data.get('step_id', '')}"
    notices = []
    dept = case.department
    if dept is not None and dept.phone:
        recipient = Recipient(name=dept.contact or dept.name, phone=dept.phone)
        notices.append(
            Notice(
                "case.hand_over", key, recipient, _case_context(case, None), case.organization_id
            )
        )
    if case.assignee_id:
        notices.append(
            Notice(
                "case.hand_over",
                key,
                Recipient.of(case.assignee),
                _case_context(case, case.assignee),
                case.organization_id,
                url,
            )
        )
    return notices, [("case.hand_over", key, case.organization_id, _case_context(case, None), url)]


def secretaries(org_ids: set[int]) -> dict[int, list[Any]]:
    """The secretaries of each organisation (users holding the secretary role there)."""
    out: dict[int, list[Any]] = defaultdict(list)
    for ra in RoleAssignment.objects.filter(
        role=Role.SECRETARY, organization_id__in=org_ids, user__is_active=True
    ).select_related("user"):
        out[ra.organization_id].append(ra.user)
    return out


def cases_daily(today: datetime.date) -> list[Notice]:
    """One digest a day for each holder (cases due within 3 working days or overdue)
    and for each chamber secretary (the same for the chamber, plus cases resolved 5
    working days ago and still awaiting follow-up)."""
    soon = add_working_days(today, 3)
    open_cases = (
        Case.objects.filter(status__in=OPEN_STATUSES, due_on__isnull=False, due_on__lte=soon)
        .select_related("enterprise", "organization", "assignee")
        .order_by("due_on", "pk")
    )
    # 5 working days are at least 5 calendar days, and 14 calendar days always hold 5
    # working days (even around the National Day week): the calendar is read only for
    # the cases in between.
    resolved = list(
        Case.objects.filter(
            status=Status.RESOLVED,
            resolved_on__isnull=False,
            resolved_on__lte=today - datetime.timedelta(days=5),
        )
        .select_related("enterprise", "organization")
        .order_by("resolved_on", "pk")
    )
    sure = today - datetime.timedelta(days=14)
    awaiting = [
        c
        for c in resolved
        if c.resolved_on <= sure or working_days_between(c.resolved_on, today) >= 5
    ]
    per_holder: dict[int, dict] = defaultdict(lambda: {"due": [], "overdue": [], "follow_up": []})
    per_org: dict[int, dict] = defaultdict(lambda: {"due": [], "overdue": [], "follow_up": []})
    holders = {}
    for c in open_cases:
        row = {
            "title": c.title,
            "enterprise": c.enterprise.name if c.enterprise_id else "",
            "due_on": _d(c.due_on),
        }
        which = "overdue" if c.due_on < today else "due"
        if c.assignee_id:
            holders[c.assignee_id] = c.assignee
            per_holder[c.assignee_id][which].append(row)
        per_org[c.organization_id][which].append(row)
    for c in awaiting:
        per_org[c.organization_id]["follow_up"].append(
            {
                "title": c.title,
                "enterprise": c.enterprise.name if c.enterprise_id else "",
                "resolved_on": _d(c.resolved_on),
            }
        )
    url = reverse("casework:queue")
    notices = []
    base = {"date": _d(today)}
    for uid, lists in per_holder.items():
        notices.append(
            Notice(
                "case.digest",
                f"case.digest:{today}",
                Recipient.of(holders[uid]),
                {**base, **lists},
                None,
                url,
            )
        )
    for org_id, users in secretaries(set(per_org)).items():
        for user in users:
            notices.append(
                Notice(
                    "case.digest",
                    f"case.digest:{today}",
                    Recipient.of(user),
                    {**base, **per_org[org_id]},
                    org_id,
                    url,
                )
            )
    # A secretary who also holds cases gets one digest (the key is per day and person):
    # the chamber's list, which includes their own cases.
    by_key: dict[str, Notice] = {}
    for n in notices:
        by_key[n.recipient.key] = n
    return list(by_key.values())


# --- proposals ------------------------------------------------------------------------


def followers(proposals: list[Proposal]) -> dict[int, Any]:
    """The staff member following each proposal: whoever recorded its latest step."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Proposal)
    out = {}
    entries = (
        AuditEntry.objects.filter(
            object_type=ct, object_id__in=[p.pk for p in proposals], actor__isnull=False
        )
        .select_related("actor")
        .order_by("object_id", "-at", "-id")
    )
    for e in entries:
        out.setdefault(e.object_id, e.actor)
    return out


def proposals_daily(today: datetime.date) -> list[Notice]:
    soon = add_working_days(today, 3)
    due = list(
        Proposal.objects.filter(
            status__in=AWAITING_REPLY, reply_due__isnull=False, reply_due__lte=soon
        ).order_by("reply_due", "pk")
    )
    who = followers(due)
    per_user: dict[int, list] = defaultdict(list)
    users = {}
    for p in due:
        user = who.get(p.pk)
        if user is None or not user.is_active:
            continue
        users[user.pk] = user
        per_user[user.pk].append(
            {"title": p.title, "reply_due": _d(p.reply_due), "overdue": p.reply_due < today}
        )
    url = reverse("politics:proposals")
    return [
        Notice(
            "proposal.reply_due",
            f"proposal.reply_due:{today}",
            Recipient.of(users[uid]),
            {"proposals": rows},
            None,
            url,
        )
        for uid, rows in per_user.items()
    ]


# --- events ---------------------------------------------------------------------------


def registrant(reg: Registration) -> Recipient | None:
    """A registrant hears on their own mobile: the person's, else the enterprise's
    contact phone."""
    person, ent = reg.person, reg.enterprise
    phone = (person.mobile if person else "") or (ent.contact_phone if ent else "")
    if not phone:
        return None
    name = person.name if person else (ent.contact_name or ent.name)
    return Recipient(name=name, phone=phone)


def _event_context(event: Event, reg: Registration | None = None) -> dict[str, Any]:
    ctx = {"event": event.title, "starts": _when(event.starts_at), "place": event.place}
    if reg is not None:
        from .services import absolute

        ctx["ticket"] = absolute(reverse("activities:ticket", args=[reg.pk]))
    return ctx


def registration_notice(kind: str, reg: Registration, **extra: Any) -> Notice | None:
    r = registrant(reg)
    if r is None:
        return None
    return Notice(
        kind,
        f"{kind}:{reg.pk}",
        r,
        {**_event_context(reg.event, reg), **extra},
        reg.event.organization_id,
    )


def registration_made(reg: Registration, actor: Any, data: dict) -> Result:
    kind = "event.confirmed" if reg.status == RegistrationStatus.CONFIRMED else "event.waitlisted"
    if reg.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
        return [], []
    n = registration_notice(kind, reg)
    return ([n] if n else []), []


def registration_promoted(reg: Registration, actor: Any, data: dict) -> Result:
    n = registration_notice("event.promoted", reg)
    return ([n] if n else []), []


def event_cancelled(event: Event, actor: Any, data: dict) -> Result:
    # the sign-ups active when the event was cancelled (they are cancelled with it)
    regs = event.registrations.filter(pk__in=data.get("registrations", [])).select_related(
        "person", "enterprise", "event"
    )
    notices = [
        registration_notice("event.cancelled", r, reason=data.get("reason", "")) for r in regs
    ]
    return [n for n in notices if n], []


def event_reminders(today: datetime.date) -> list[Notice]:
    """The day before: every confirmed registrant of tomorrow's events."""
    tomorrow = today + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    regs = (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            event__starts_at__gte=start,
            event__starts_at__lt=start + datetime.timedelta(days=1),
        )
        .exclude(event__status=EventStatus.CANCELLED)
        .select_related("event", "person", "enterprise")
        .order_by("pk")
    )
    return [n for r in regs if (n := registration_notice("event.reminder", r))]


# --- dues -----------------------------------------------------------------------------


def dues_notices(today: datetime.date) -> list[Notice]:
    """On each chamber's chosen day, its members' contacts hear of the year's dues."""
    from .models import DuesNoticeDay

    orgs = [
        d.organization_id for d in DuesNoticeDay.objects.filter(month=today.month, day=today.day)
    ]
    if not orgs:
        return []
    dues = (
        Due.objects.filter(year=today.year, membership__organization_id__in=orgs)
        .select_related("membership__enterprise", "membership__person", "membership__organization")
        .order_by("pk")
    )
    notices = []
    for due in dues:
        m = due.membership
        ent, person = m.enterprise, m.person
        phone = (ent.contact_phone if ent else "") or (person.mobile if person else "")
        if not phone:
            continue
        name = ent.name if ent else person.name
        notices.append(
            Notice(
                "dues.notice",
                f"dues.notice:{due.pk}",
                Recipient(name=name, phone=phone),
                {
                    "member": name,
                    "organization": m.organization.name,
                    "year": due.year,
                    "amount": f"{due.amount:,.2f}",
                },
                m.organization_id,
            )
        )
    return notices


# --- leaders' digests ----------------------------------------------------------------


def leaders() -> list[tuple[Any, Organization]]:
    return [
        (ra.user, ra.organization)
        for ra in RoleAssignment.objects.filter(role=Role.LEADER, user__is_active=True)
        .select_related("user", "organization")
        .order_by("pk")
    ]


def week_figures(org: Organization, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The week's work in the org's subtree: each figure counted once."""
    ids = list(
        Organization.objects.filter(Q(pk=org.pk) | Q(path__startswith=org.path)).values_list(
            "pk", flat=True
        )
    )
    day0 = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    day1 = timezone.make_aware(
        datetime.datetime.combine(end, datetime.time.min)
    ) + datetime.timedelta(days=1)
    visits = Visit.objects.filter(organization_id__in=ids, date__gte=start, date__lte=end)
    return {
        "organization": org.name,
        "start": _d(start),
        "end": _d(end),
        "joined": Membership.objects.filter(
            organization_id__in=ids, joined__gte=start, joined__lte=end
        ).count(),
        # 家次: (visit, enterprise) pairs
        "visits": Visit.enterprises.through.objects.filter(visit__in=visits).count(),
        "cases_raised": Case.objects.filter(
            organization_id__in=ids, received_on__gte=start, received_on__lte=end
        ).count(),
        "cases_overdue": Case.objects.filter(organization_id__in=ids).overdue(end).count(),
        "events": Event.objects.filter(
            organization_id__in=ids, starts_at__gte=day0, starts_at__lt=day1
        )
        .exclude(status=EventStatus.CANCELLED)
        .count(),
    }


def weekly_digests(today: datetime.date) -> tuple[list[Notice], list[tuple]]:
    end = today - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=6)
    url = reverse("reports:home")
    notices, groups, seen = [], [], set()
    for user, org in leaders():
        figures = week_figures(org, start, end)
        key = f"digest.weekly:{today}:{org.pk}"
        notices.append(Notice("digest.weekly", key, Recipient.of(user), figures, org.pk, url))
        if org.pk not in seen:
            seen.add(org.pk)
            groups.append(("digest.weekly", key, org.pk, figures, url))
    return notices, groups


def import_finished(job: Any, actor: Any, data: dict) -> Result:
    """Whoever started an import hears how it ended."""
    if job.user_id is None:
        return [], []
    kind = "import.done" if job.status == "done" else "import.failed"
    ctx = {
        "file": job.original_name,
        "organization": job.organization.name,
        "changes": job.changes,
        "problem": job.problem or "",
    }
    url = reverse("members:import_job", args=[job.pk])
    return [
        Notice(
            kind,
            f"import:{job.pk}:{job.status}",
            Recipient.of(job.user),
            ctx,
            job.organization_id,
            url,
        )
    ], []


EVENT_RULES: dict[str, Callable[[Any, Any, dict], Result]] = {
    "case.assign": case_assign,
    "case.hand_over": case_hand_over,
    "registration.made": registration_made,
    "registration.promoted": registration_promoted,
    "event.cancel": event_cancelled,
    "import.finished": import_finished,
}
