"""Reads for the member side. A member account has no staff role, so `visible_to`
gives it nothing; everything here is scoped by the account's person instead: the
person, the enterprises where the person holds a current role (or is recorded), the
memberships of those, and the organisations above them. Every look-up by id goes
through these, so another member's id answers 404."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from chamber.activities.choices import ACTIVE_REGISTRATION, EventStatus
from chamber.activities.models import Event, Registration
from chamber.casework.models import Case
from chamber.members.models import Enterprise, EnterpriseRole, Membership, Person
from chamber.orgs.choices import Role
from chamber.orgs.models import Organization, RoleAssignment
from chamber.politics.models import PoliticalPost, Proposal

from .models import ChangeRequest, MemberAccount, Notice


@dataclass
class Member:
    """What a signed-in member may see, computed once per request."""

    account: MemberAccount

    @property
    def person(self) -> Person:
        return self.account.person

    @cached_property
    def enterprise_ids(self) -> list[int]:
        today = timezone.localdate()
        ids = set(
            EnterpriseRole.objects.current(today)
            .filter(person_id=self.person.pk)
            .values_list("enterprise_id", flat=True)
        )
        if self.person.enterprise_id:
            ids.add(self.person.enterprise_id)
        return sorted(ids)

    def enterprises(self) -> QuerySet[Enterprise]:
        return Enterprise.objects.filter(pk__in=self.enterprise_ids).order_by("name")

    def memberships(self) -> QuerySet[Membership]:
        return (
            Membership.objects.active()
            .filter(Q(person_id=self.person.pk) | Q(enterprise_id__in=self.enterprise_ids))
            .select_related("organization")
            .order_by("organization__path")
        )

    @cached_property
    def org_paths(self) -> list[str]:
        return sorted(set(self.memberships().values_list("organization__path", flat=True)))

    @cached_property
    def ancestor_ids(self) -> list[int]:
        """The member's chambers and every organisation above them ("/1/4/" -> 1, 4)."""
        return sorted({int(p) for path in self.org_paths for p in path.strip("/").split("/") if p})

    def chambers(self) -> QuerySet[Organization]:
        return Organization.objects.filter(path__in=self.org_paths).order_by("path")

    def contacts(self) -> QuerySet[RoleAssignment]:
        """The secretaries of the member's chambers: whom to ask."""
        return (
            RoleAssignment.objects.filter(
                organization__path__in=self.org_paths, role=Role.SECRETARY, user__is_active=True
            )
            .select_related("user", "organization")
            .order_by("organization__path", "user__last_name")
        )

    # --- Notices --------------------------------------------------------------------

    def notices(self) -> QuerySet[Notice]:
        ms = list(self.memberships().values_list("rank", flat=True))
        industries = list(
            self.enterprises()
            .exclude(industry_section="")
            .values_list("industry_section", flat=True)
        )
        return (
            Notice.objects.filter(
                organization_id__in=self.ancestor_ids, published_at__lte=timezone.now()
            )
            .filter(Q(industry_section="") | Q(industry_section__in=industries))
            .filter(Q(rank="") | Q(rank__in=ms))
            .select_related("organization")
        )

    def notice(self, pk: int) -> Notice:
        return _get(self.notices(), pk)

    # --- Problems -------------------------------------------------------------------

    def cases(self) -> QuerySet[Case]:
        return (
            Case.objects.filter(enterprise_id__in=self.enterprise_ids)
            .select_related("category", "enterprise", "organization")
            .order_by("-received_on", "-id")
        )

    def case(self, pk: int) -> Case:
        return _get(self.cases(), pk)

    # --- Events ---------------------------------------------------------------------

    def events(self) -> QuerySet[Event]:
        """Events open to the member: of one of their chambers or an organisation above
        them, open to all or to an organisation above the member's chambers."""
        return (
            Event.objects.filter(organization_id__in=self.ancestor_ids)
            .filter(Q(open_to__isnull=True) | Q(open_to__in=self.ancestor_ids))
            .exclude(status=EventStatus.DRAFT)
            .distinct()
            .select_related("organization")
            .order_by("starts_at")
        )

    def upcoming_events(self) -> QuerySet[Event]:
        return self.events().filter(status=EventStatus.ANNOUNCED, ends_at__gte=timezone.now())

    def event(self, pk: int) -> Event:
        return _get(self.events(), pk)

    def colleagues(self) -> QuerySet[Person]:
        """The member and the people holding a current role at their enterprises."""
        today = timezone.localdate()
        role_people = (
            EnterpriseRole.objects.current(today)
            .filter(enterprise_id__in=self.enterprise_ids)
            .values("person_id")
        )
        return Person.objects.filter(
            Q(pk=self.person.pk) | Q(pk__in=role_people) | Q(enterprise_id__in=self.enterprise_ids)
        ).order_by("name")

    def registrations(self) -> QuerySet[Registration]:
        """Sign-ups of the member's enterprises and of the member themself."""
        return (
            Registration.objects.filter(
                Q(person_id=self.person.pk) | Q(enterprise_id__in=self.enterprise_ids)
            )
            .select_related("event", "person", "enterprise", "check_in")
            .order_by("-event__starts_at", "-id")
        )

    def active_registrations(self) -> QuerySet[Registration]:
        return self.registrations().filter(status__in=ACTIVE_REGISTRATION)

    def registration(self, pk: int) -> Registration:
        return _get(self.registrations(), pk)

    def attendance(self) -> QuerySet[Registration]:
        return self.registrations().filter(person_id=self.person.pk, check_in__isnull=False)

    # --- Political posts and proposals ----------------------------------------------

    def posts(self) -> QuerySet[PoliticalPost]:
        return PoliticalPost.objects.filter(person_id=self.person.pk)

    def proposals(self) -> QuerySet[Proposal]:
        return (
            Proposal.objects.filter(Q(lead_id=self.person.pk) | Q(co_submitters=self.person.pk))
            .distinct()
            .order_by("-session_year", "-id")
        )

    def proposal(self, pk: int) -> Proposal:
        return _get(self.proposals(), pk)

    # --- Change requests ------------------------------------------------------------

    def change_requests(self) -> QuerySet[ChangeRequest]:
        return ChangeRequest.objects.filter(enterprise_id__in=self.enterprise_ids).select_related(
            "enterprise"
        )


def _get(qs: QuerySet, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def account_for(user) -> MemberAccount | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return MemberAccount.objects.select_related("person", "user").filter(user_id=user.pk).first()
