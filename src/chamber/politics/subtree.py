"""Which people belong to an organisation's subtree over a period: through their own
membership, as an enterprise member's representative, or through their enterprise's
membership. Used by the register's organisation filter and by the figures."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from chamber.members.models import Membership, Person
from chamber.orgs.models import Organization


def memberships_during(
    org: Organization, start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet[Membership]:
    """Memberships in `org`'s subtree that overlap [start, end] (any time when open)."""
    qs = Membership.objects.filter(organization_id__in=org.subtree_ids)
    if end is not None:
        qs = qs.filter(joined__lte=end)
    if start is not None:
        qs = qs.filter(Q(left__isnull=True) | Q(left__gt=start))
    return qs


def _belongs(memberships: QuerySet[Membership], person_id: str, enterprise_id: str) -> Q:
    """The rule: a person belongs through their own membership, as an enterprise
    member's representative, or through their enterprise's membership."""
    return Q(
        Exists(memberships.filter(person=OuterRef(person_id)))
        | Exists(memberships.filter(representative=OuterRef(person_id)))
        | Exists(memberships.filter(enterprise=OuterRef(enterprise_id)))
    )


def people_in(
    org: Organization, start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet[Person]:
    """People who were members of `org`'s subtree at some time in [start, end]. A member
    who moved between two streets in the period is in both, and once in the district."""
    return Person.objects.filter(
        _belongs(memberships_during(org, start, end), "pk", "enterprise_id")
    )


def in_subtree(
    org: Organization,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    *,
    person: str = "person",
) -> Q:
    """The same rule as `people_in`, as a condition on the row's `person` field: the
    filter runs once per row of the (small) outer table, each EXISTS an index lookup,
    instead of first listing every member person of the subtree (a million at district
    scale)."""
    return _belongs(memberships_during(org, start, end), f"{person}_id", f"{person}__enterprise_id")
