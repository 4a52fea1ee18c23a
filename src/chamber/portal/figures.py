"""The portal's figure in the annual report (会员线上激活率), per organisation subtree:

- portal.invited: member accounts invited by a chamber in the subtree by the period's end;
- portal.activated: those whose member had signed in by the period's end;
- portal.activation_rate: activated over invited (4 decimal places), null when nobody
  was invited.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from chamber.core.dates import day_span
from chamber.orgs.grouping import child_of
from chamber.orgs.models import Organization

from .models import MemberAccount


def _shape(invited: int, activated: int) -> dict[str, Any]:
    return {
        "invited": invited,
        "activated": activated,
        "activation_rate": round(activated / invited, 4) if invited else None,
    }


def portal_figures_with_children(
    org: Organization, children: list[Organization], period: Any
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """`portal_figures` of `org` and of each child: the org's from one aggregate, the
    children's from one query grouped by child."""
    _start, until = day_span(period.end, period.end)  # the instant after the last day
    accounts = MemberAccount.objects.filter(
        organization_id__in=org.subtree_ids, invited_at__lt=until
    )
    counts = {
        "invited": Count("id"),
        "activated": Count("id", filter=Q(activated_at__isnull=False, activated_at__lt=until)),
    }
    row = accounts.aggregate(**counts)
    by_child: dict[int, dict[str, Any]] = {}
    if children:
        for r in (
            accounts.annotate(child=child_of(children))
            .order_by()
            .values("child")
            .annotate(**counts)
        ):
            by_child[r["child"]] = r
    empty = {"invited": 0, "activated": 0}
    return _shape(row["invited"], row["activated"]), {
        c.pk: _shape(by_child.get(c.pk, empty)["invited"], by_child.get(c.pk, empty)["activated"])
        for c in children
    }


def portal_figures(org: Organization, period: Any) -> dict[str, Any]:
    """The figures at the end of `period` (a reports.period.Period)."""
    return portal_figures_with_children(org, [], period)[0]
