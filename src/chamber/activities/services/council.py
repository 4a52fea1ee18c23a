"""Writes for councils: terms, seats, numbered meetings, attendance, resolutions and
minutes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.core.changes import written_in_bulk
from chamber.members.models import Enterprise, Person
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from ..choices import CouncilKind, CouncilRole
from ..models import Council, Meeting, MeetingAttendance, Resolution, Term, TermMember
from ._common import require, require_visible_member


@transaction.atomic
def create_council(
    *,
    actor: Any,
    organization: Organization,
    kind: str,
    name: str,
    short_name: str,
    name_en: str = "",
    quorum_numerator: int = 2,
    quorum_denominator: int = 3,
) -> Council:
    require(actor, Perm.CHANGE, organization.pk)
    errors: dict[str, str] = {}
    if kind not in CouncilKind.values:
        errors["kind"] = _("Unknown kind of council.")
    elif Council.objects.filter(organization=organization, kind=kind).exists():
        errors["kind"] = _("%(org)s has a %(kind)s already.") % {
            "org": organization,
            "kind": CouncilKind(kind).label,
        }
    if not (name or "").strip():
        errors["name"] = _("The name is required.")
    if not (short_name or "").strip():
        errors["short_name"] = _("The short name is required (meeting names use it).")
    if not 1 <= quorum_numerator <= quorum_denominator:
        errors["quorum_numerator"] = _("A quorum is a fraction of the members, at most all.")
    if errors:
        raise ValidationError(errors)
    council = Council(
        organization=organization,
        kind=kind,
        name=name.strip(),
        short_name=short_name.strip(),
        name_en=(name_en or "").strip(),
        quorum_numerator=quorum_numerator,
        quorum_denominator=quorum_denominator,
    )
    council.full_clean()
    council.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=council,
        organization_id=organization.pk,
        changes={"name": council.name, "kind": kind},
    )
    return council


@transaction.atomic
def create_term(
    *,
    actor: Any,
    council: Council,
    starts: datetime.date,
    number: int | None = None,
    ends: datetime.date | None = None,
) -> Term:
    """A new term (届); numbered after the last one unless `number` is given."""
    require(actor, Perm.CHANGE, council.organization_id)
    last = council.terms.aggregate(n=Max("number"))["n"] or 0
    number = number or last + 1
    errors: dict[str, str] = {}
    if council.terms.filter(number=number).exists():
        errors["number"] = _("Term %(n)s exists already.") % {"n": number}
    if starts is None:
        errors["starts"] = _("When does the term start?")
    elif ends is not None and ends <= starts:
        errors["ends"] = _("A term ends after it starts.")
    if errors:
        raise ValidationError(errors)
    term = Term(council=council, number=number, starts=starts, ends=ends)
    term.full_clean()
    term.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=term,
        organization_id=council.organization_id,
        changes={"number": number, "starts": starts.isoformat()},
    )
    return term


@transaction.atomic
def add_term_member(
    *,
    actor: Any,
    term: Term,
    person: Person,
    role: str = CouncilRole.MEMBER,
    enterprise: Enterprise | None = None,
    since: datetime.date | None = None,
) -> TermMember:
    require(actor, Perm.CHANGE, term.council.organization_id)
    require_visible_member(actor, person=person, enterprise=enterprise)
    if role not in CouncilRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    if term.members.filter(person=person).exists():
        raise ValidationError(
            {"person": _("%(name)s has a seat on this term already.") % {"name": person.name}}
        )
    if enterprise is None and person.enterprise_id:
        enterprise = person.enterprise
    seat = TermMember(term=term, person=person, enterprise=enterprise, role=role, since=since)
    seat.full_clean()
    seat.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=seat,
        subject=enterprise or person,
        organization_id=term.council.organization_id,
        changes={"term": term.name, "role": role},
    )
    return seat


@transaction.atomic
def end_term_member(*, actor: Any, seat: TermMember, until: datetime.date) -> TermMember:
    """A member leaves the council during the term (the seat stays on record)."""
    require(actor, Perm.CHANGE, seat.term.council.organization_id)
    if seat.until is not None:
        raise ValidationError(_("This seat has ended already."))
    if seat.since and until <= seat.since:
        raise ValidationError({"until": _("A seat ends after it starts.")})
    seat.until = until
    seat.save(update_fields=["until"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.UPDATE,
        obj=seat,
        subject=seat.enterprise or seat.person,
        organization_id=seat.term.council.organization_id,
        changes={"until": [None, until.isoformat()]},
    )
    return seat


@transaction.atomic
def create_meeting(
    *,
    actor: Any,
    term: Term,
    date: datetime.date,
    number: int | None = None,
    place: str = "",
    agenda: str = "",
    guests: str = "",
) -> Meeting:
    """A meeting of the term, numbered after the last one unless `number` is given."""
    require(actor, Perm.CHANGE, term.council.organization_id)
    Term.objects.select_for_update().get(pk=term.pk)  # numbers are handed out in turn
    last = term.meetings.aggregate(n=Max("number"))["n"] or 0
    number = number or last + 1
    errors: dict[str, str] = {}
    if term.meetings.filter(number=number).exists():
        errors["number"] = _("Meeting %(n)s of this term exists already.") % {"n": number}
    if date is None:
        errors["date"] = _("When is the meeting?")
    elif date < term.starts or (term.ends is not None and date > term.ends):
        errors["date"] = _("The meeting falls outside the term (%(starts)s to %(ends)s).") % {
            "starts": term.starts.isoformat(),
            "ends": term.ends.isoformat() if term.ends else "…",
        }
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        term=term,
        number=number,
        date=date,
        place=(place or "").strip(),
        agenda=(agenda or "").strip(),
        guests=(guests or "").strip(),
    )
    meeting.full_clean()
    meeting.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=meeting,
        organization_id=term.council.organization_id,
        changes={"number": number, "date": date.isoformat()},
    )
    return meeting


@transaction.atomic
def set_attendance(
    *, actor: Any, meeting: Meeting, members: Iterable[TermMember]
) -> list[TermMember]:
    """Who of the term's members attended (replaces the previous list)."""
    require(actor, Perm.CHANGE, meeting.term.council.organization_id)
    members = list(members)
    strangers = [m for m in members if m.term_id != meeting.term_id]
    if strangers:
        raise ValidationError(
            {
                "members": _("%(names)s do not sit on this term.")
                % {"names": "、".join(m.person.name for m in strangers)}
            }
        )
    not_serving = [m for m in members if not m.serves_on(meeting.date)]
    if not_serving:
        raise ValidationError(
            {
                "members": _("%(names)s did not sit on the council on %(day)s.")
                % {
                    "names": "、".join(m.person.name for m in not_serving),
                    "day": meeting.date.isoformat(),
                }
            }
        )
    before = set(meeting.attendance.values_list("member_id", flat=True))
    after = {m.pk for m in members}
    meeting.attendance.exclude(member_id__in=after).delete()
    MeetingAttendance.objects.bulk_create(
        [MeetingAttendance(meeting=meeting, member_id=pk) for pk in sorted(after - before)]
    )
    written_in_bulk("activities")
    if before != after:
        audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            obj=meeting,
            organization_id=meeting.term.council.organization_id,
            changes={"attendees": [len(before), len(after)]},
        )
    return members


@transaction.atomic
def add_resolution(
    *,
    actor: Any,
    meeting: Meeting,
    text: str,
    adopted: bool = True,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
) -> Resolution:
    require(actor, Perm.CHANGE, meeting.term.council.organization_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the resolution.")})
    present = meeting.attendance.count()
    votes = [v for v in (votes_for, votes_against, abstentions) if v is not None]
    if votes and present and sum(votes) > present:
        raise ValidationError(
            {
                "votes_for": _("%(votes)s votes, but only %(present)s members attended.")
                % {"votes": sum(votes), "present": present}
            }
        )
    number = (meeting.resolutions.aggregate(n=Max("number"))["n"] or 0) + 1
    res = Resolution(
        meeting=meeting,
        number=number,
        text=text,
        adopted=adopted,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
    )
    res.full_clean()
    res.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=res,
        organization_id=meeting.term.council.organization_id,
        changes={"meeting": meeting.name, "number": number, "adopted": adopted},
    )
    return res


@transaction.atomic
def attach_minutes(*, actor: Any, meeting: Meeting, file: Any) -> Meeting:
    require(actor, Perm.CHANGE, meeting.term.council.organization_id)
    if not file:
        raise ValidationError({"minutes": _("Choose the minutes file.")})
    replaced = bool(meeting.minutes)
    meeting.minutes = file
    meeting.full_clean()
    meeting.save(update_fields=["minutes"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.UPDATE,
        obj=meeting,
        organization_id=meeting.term.council.organization_id,
        changes={"minutes": meeting.minutes.name},
        note=_("minutes replaced") if replaced else "",
    )
    return meeting
