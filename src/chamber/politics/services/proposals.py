"""Drafting and submitting proposals. The lifecycle (DOMAIN.md): drafted → submitted →
filed, not filed or merged → assigned → signed for, or returned → replied → evaluated →
handled again → closed; the steps after submission are in `steps`, what they share in
`lifecycle`.

Each step is one function: it checks the actor may change the proposal's records, locks
the row, checks the step is legal from the current status (and its own condition: a
return within the window, a close after the evaluation ...), validates, writes, and
records a timeline row and an audit entry."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.core.text import join_list
from chamber.members.models import Person
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from ..choices import BODY_OF_KIND, Body, Level, ProposalKind, Status, Step
from ..models import PoliticalPost, Proposal, Topic
from .common import may_on_person, require
from .lifecycle import _begin, _record, _today

PROPOSAL_FIELDS = [
    "organization",
    "kind",
    "level",
    "place",
    "session_year",
    "session_term",
    "session_sitting",
    "number",
    "title",
    "lead",
]
DRAFT_EDITABLE = set(PROPOSAL_FIELDS) - {"organization"} | {"text", "co_submitters", "topics"}

# --- submitters --------------------------------------------------------------------------


def _submitter_errors(
    *,
    kind: str,
    level: str,
    place: str,
    term: int,
    on: datetime.date,
    lead: Person,
    co_submitters: list[Person],
) -> dict[str, list[str]]:
    """Every submitter must hold a post of the matching body (CPPCC for a proposal, the
    congress for a motion or suggestion), level, place and term, in force on `on`."""
    body = BODY_OF_KIND[kind]
    people = [lead, *co_submitters]
    holders = set(
        PoliticalPost.objects.in_force(on)
        .filter(person__in=people, body=body, level=level, place=place, term=term)
        .values_list("person_id", flat=True)
    )
    label = f"{place}{Body(body).label}"

    def problem(p: Person) -> str:
        return _(
            "%(name)s holds no post in the %(body)s (%(level)s, term %(term)s) on %(on)s, "
            "so cannot submit a %(kind)s there."
        ) % {
            "name": p.name,
            "body": label,
            "level": Level(level).label,
            "term": term,
            "on": on.isoformat(),
            "kind": ProposalKind(kind).label,
        }

    errors: dict[str, list[str]] = {}
    if lead.pk not in holders:
        errors["lead"] = [problem(lead)]
    missing = [problem(p) for p in co_submitters if p.pk not in holders]
    if missing:
        errors["co_submitters"] = missing
    return errors


def _check_people(actor: Any, lead: Person | None, co_submitters: list[Person]) -> None:
    errors: dict[str, list[str]] = {}
    if lead is None:
        errors["lead"] = [_("Name the lead submitter.")]
    elif lead in co_submitters:
        errors["co_submitters"] = [
            _("%(name)s is the lead submitter, not a co-submitter.") % {"name": lead.name}
        ]
    if len({p.pk for p in co_submitters}) != len(co_submitters):
        errors.setdefault("co_submitters", []).append(_("A co-submitter is named twice."))
    if errors:
        raise ValidationError(errors)
    for p in [lead, *co_submitters]:
        if not may_on_person(actor, Perm.VIEW, p):
            raise PermissionDenied(_("You may not name %(name)s as a submitter.") % {"name": p})


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    for key in ("title", "place", "number", "text"):
        if key in data:
            data[key] = (data[key] or "").strip()
    if "title" in data and not data["title"]:
        errors["title"] = _("The title is required.")
    if "kind" in data and data["kind"] not in ProposalKind.values:
        errors["kind"] = _("Choose a proposal, a motion or a suggestion.")
    if "level" in data:
        if data["level"] not in Level.values:
            errors["level"] = _("Choose national, provincial, municipal or district.")
        elif data["level"] == Level.NATIONAL:
            data["place"] = ""
        elif not data.get("place"):
            errors["place"] = _("Say where the body sits, e.g. 宝安区 or 深圳市.")
    if errors:
        raise ValidationError(errors)
    return data


def _set_topics(proposal: Proposal, topics: Iterable[str | Topic]) -> None:
    objs = [
        t if isinstance(t, Topic) else Topic.objects.get_or_create(name=t.strip()[:50])[0]
        for t in topics
        if isinstance(t, Topic) or t.strip()
    ]
    proposal.topics.set(objs)


# --- drafting ----------------------------------------------------------------------------


@transaction.atomic
def create_proposal(
    *,
    actor: Any,
    organization: Organization,
    kind: str,
    level: str,
    session_year: int,
    session_term: int,
    session_sitting: int,
    title: str,
    lead: Person,
    place: str = "",
    text: str = "",
    number: str = "",
    co_submitters: Iterable[Person] = (),
    topics: Iterable[str | Topic] = (),
    submit_on: datetime.date | None = None,
) -> Proposal:
    """Draft a proposal recorded by `organization`; with `submit_on`, submit it too."""
    require(actor, Perm.CHANGE, organization.pk)
    co = list(co_submitters)
    _check_people(actor, lead, co)
    data = _clean_fields(
        {
            "kind": kind,
            "level": level,
            "place": place,
            "title": title,
            "text": text,
            "number": number,
        }
    )
    proposal = Proposal(
        organization=organization,
        session_year=session_year,
        session_term=session_term,
        session_sitting=session_sitting,
        lead=lead,
        **data,
    )
    proposal.full_clean()
    proposal.save()
    proposal.co_submitters.set(co)
    _set_topics(proposal, topics)
    _record(
        actor=actor,
        proposal=proposal,
        step=Step.DRAFT,
        on=min(submit_on or _today(), _today()),
        from_status="",
        changes={
            **audit.snapshot(proposal, PROPOSAL_FIELDS),
            "co_submitters": [p.name for p in co],
        },
    )
    if submit_on is not None:
        submit_proposal(actor=actor, proposal=proposal, on=submit_on)
    return proposal


@transaction.atomic
def update_proposal(*, actor: Any, proposal: Proposal, **fields: Any) -> Proposal:
    """Change a draft. Once submitted, a proposal's content is what was submitted."""
    require(actor, Perm.CHANGE, proposal.organization_id)
    if proposal.status != Status.DRAFTED:
        raise ValidationError(
            _("Only a draft can be edited; this proposal is “%(status)s”.")
            % {"status": proposal.get_status_display()}
        )
    unknown = set(fields) - DRAFT_EDITABLE
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": join_list(sorted(unknown))}
        )
    co = list(fields.pop("co_submitters", proposal.co_submitters.all()))
    topics = fields.pop("topics", None)
    _check_people(actor, fields.get("lead", proposal.lead), co)
    if "level" in fields and "place" not in fields:
        fields["place"] = proposal.place
    data = _clean_fields(fields)
    before = audit.snapshot(proposal, PROPOSAL_FIELDS)
    for key, value in data.items():
        setattr(proposal, key, value)
    proposal.full_clean()
    proposal.save()
    proposal.co_submitters.set(co)
    if topics is not None:
        _set_topics(proposal, topics)
    changes = audit.diff(before, audit.snapshot(proposal, PROPOSAL_FIELDS))
    _record(
        actor=actor,
        proposal=proposal,
        step=Step.EDIT,
        on=_today(),
        from_status=proposal.status,
        changes=changes,
    )
    return proposal


# --- steps -------------------------------------------------------------------------------


@transaction.atomic
def submit_proposal(*, actor: Any, proposal: Proposal, on: datetime.date) -> Proposal:
    """Submit to the session. Refused unless every submitter holds a matching post on
    `on`; the error names each one who does not."""
    p = _begin(actor, proposal, Step.SUBMIT, on)
    errors = _submitter_errors(
        kind=p.kind,
        level=p.level,
        place=p.place,
        term=p.session_term,
        on=on,
        lead=p.lead,
        co_submitters=list(p.co_submitters.all()),
    )
    if errors:
        raise ValidationError(errors)
    before = p.status
    p.status, p.submitted_on = Status.SUBMITTED, on
    p.save(update_fields=["status", "submitted_on", "updated"])
    _record(actor=actor, proposal=p, step=Step.SUBMIT, on=on, from_status=before)
    return proposal
