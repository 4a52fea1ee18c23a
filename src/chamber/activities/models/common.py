"""What the activity models share: money fields and "a member in scope"."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from chamber.members.models import Membership

MONEY = {"max_digits": 14, "decimal_places": 2}


def member_in_scope(org_ids: frozenset[int], enterprise_field: str, person_field: str) -> Q:
    """Rows about an enterprise or person that is (or was) a member of an organisation
    in `org_ids`: a chamber sees its members' sign-ups, donations and honours even when
    another organisation recorded them."""
    in_scope = Membership.objects.filter(organization_id__in=org_ids)
    return Q(Exists(in_scope.filter(enterprise=OuterRef(enterprise_field)))) | Q(
        Exists(in_scope.filter(person=OuterRef(person_field)))
    )
