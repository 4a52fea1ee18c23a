"""Scoped reads of posts and proposals, shared by pages, the API and exports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chamber.core import text
from chamber.members.models import Enterprise, Person
from chamber.members.selectors import get_enterprise
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from .choices import FINAL
from .models import HandlingUnit, PoliticalPost, Proposal, ProposalStep, Reply, Topic
from .subtree import people_in


def posts(user: Any, perm: str = Perm.VIEW) -> QuerySet[PoliticalPost]:
    """Posts `user` may see, each knowing whether it is in force today."""
    return PoliticalPost.objects.visible_to(user, perm).with_in_force()


def to_rerecord(user: Any, on: datetime.date | None = None) -> QuerySet[PoliticalPost]:
    """After an election: posts `user` may see whose term is over by `on` (default
    today) while their holder has no post of a later term of that body: the people to
    re-record (or to end)."""
    on = on or timezone.localdate()
    return (
        PoliticalPost.objects.visible_to(user)
        .ended_with_term(on)
        .select_related("person__enterprise")
        .order_by("level", "body", "place", "-term", "person__name")
    )


def get_post(user: Any, pk: int, perm: str = Perm.VIEW) -> PoliticalPost:
    """The post if `user` may see it (or change it, with perm=CHANGE), else 404."""
    return get_object_or_404(posts(user, perm).select_related("person", "organization"), pk=pk)


@dataclass
class RegisterFilters:
    q: str = ""
    body: str = ""
    level: str = ""
    term: int | None = None
    org: Organization | None = None
    sector: str = ""
    on: datetime.date | None = None  # posts in force on that day; None: every post


def register(user: Any, filters: RegisterFilters) -> QuerySet[PoliticalPost]:
    """The delegate register: posts `user` may see, filtered."""
    qs = posts(user)
    if filters.on is not None:
        qs = qs.in_force(filters.on)
    if filters.body:
        qs = qs.filter(body=filters.body)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.term:
        qs = qs.filter(term=filters.term)
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    if filters.org is not None:
        qs = qs.filter(person__in=people_in(filters.org, filters.on, filters.on))
    if filters.q:
        qs = qs.filter(
            Q(person__search_text__contains=text.normalize(filters.q))
            | Q(person__enterprise__search_text__contains=text.normalize(filters.q))
        )
    return qs.select_related("person__enterprise", "organization").order_by(
        "level", "body", "-term", "person__name", "id"
    )


def register_people_count(qs: QuerySet[PoliticalPost]) -> int:
    """Distinct people in a register selection (a person may hold several posts)."""
    return qs.order_by().values("person_id").distinct().count()


# --- proposals ---------------------------------------------------------------------------


def proposals(user: Any, perm: str = Perm.VIEW) -> QuerySet[Proposal]:
    return Proposal.objects.visible_to(user, perm)


@dataclass
class ProposalFilters:
    q: str = ""
    kind: str = ""
    status: str = ""  # a Status value, or "open", "final", "overdue"
    year: int | None = None
    topic: Topic | None = None
    unit: HandlingUnit | None = None
    org: Organization | None = None
    level: str = ""


def proposal_list(user: Any, filters: ProposalFilters) -> QuerySet[Proposal]:
    qs = proposals(user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.status == "overdue":
        qs = qs.overdue()
    elif filters.status == "open":
        qs = qs.exclude(status__in=FINAL)
    elif filters.status == "final":
        qs = qs.filter(status__in=FINAL)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(session_year=filters.year)
    if filters.topic is not None:
        qs = qs.filter(topics=filters.topic)
    if filters.unit is not None:
        qs = qs.filter(lead_unit=filters.unit)
    if filters.org is not None:
        people = people_in(filters.org)
        co = Proposal.co_submitters.through.objects.filter(
            proposal=OuterRef("pk"), person__in=people
        )
        qs = qs.filter(Q(lead__in=people) | Exists(co))
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(number__icontains=q)
            | Q(file_number__icontains=q)
            | Q(lead__search_text__contains=text.normalize(q))
        )
    return qs.select_related("lead", "lead_unit").order_by("-session_year", "-submitted_on", "-id")


def get_proposal(user: Any, pk: int, perm: str = Perm.VIEW) -> Proposal:
    return get_object_or_404(proposals(user, perm), pk=pk)


def proposal_page(user: Any, pk: int) -> Proposal:
    """A proposal with everything its page shows, in a fixed number of queries."""
    return get_object_or_404(
        proposals(user)
        .select_related("lead__enterprise", "lead_unit", "organization", "merged_into")
        .prefetch_related(
            Prefetch("co_submitters", queryset=Person.objects.select_related("enterprise")),
            "topics",
            "co_handlers",
            Prefetch("replies", queryset=Reply.objects.select_related("unit").order_by("round")),
            Prefetch(
                "steps",
                queryset=ProposalStep.objects.select_related("actor", "unit").order_by("on", "id"),
            ),
            Prefetch("merged", queryset=Proposal.objects.only("id", "title", "merged_into")),
        ),
        pk=pk,
    )


def merge_targets(user: Any, proposal: Proposal) -> QuerySet[Proposal]:
    """Proposals `proposal` may be merged into: same kind, body and year, still open."""
    return (
        proposals(user)
        .filter(
            kind=proposal.kind,
            level=proposal.level,
            place=proposal.place,
            session_year=proposal.session_year,
        )
        .exclude(pk=proposal.pk)
        .exclude(status__in=(*FINAL, "drafted"))
        .order_by("title")
    )


def handling_units() -> QuerySet[HandlingUnit]:
    return HandlingUnit.objects.filter(active=True).order_by("name")


def overdue_count(user: Any) -> int:
    return proposals(user).overdue().count()


# --- the member page section -------------------------------------------------------------


def member_section(user: Any, enterprise_pk: int) -> dict[str, Any]:
    """The posts and proposals of an enterprise's people, for its member page: 404
    unless the user may see the enterprise."""
    ent: Enterprise = get_enterprise(user, enterprise_pk)
    people = list(
        Person.objects.visible_to(user)
        .filter(Q(enterprise=ent) | Q(represents__enterprise=ent))
        .distinct()
        .order_by("name", "id")
    )
    person_ids = {p.pk for p in people}
    post_rows = list(
        posts(user)
        .filter(person_id__in=person_ids)
        .select_related("person")
        .order_by("person__name", "level", "-start")
    )
    co = Proposal.co_submitters.through.objects.filter(
        proposal=OuterRef("pk"), person_id__in=person_ids
    )
    proposal_rows = list(
        proposals(user)
        .filter(Q(lead_id__in=person_ids) | Exists(co))
        .select_related("lead")
        .order_by("-session_year", "-submitted_on", "-id")[:20]
    )
    changeable = set(
        Person.objects.visible_to(user, Perm.CHANGE)
        .filter(pk__in=person_ids)
        .values_list("pk", flat=True)
    )
    return {
        "enterprise": ent,
        "changeable": changeable,
        "people": people,
        "posts": post_rows,
        "proposals": proposal_rows,
    }
