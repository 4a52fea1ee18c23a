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
from chamber.orgs.models import Organization

from .models import MemberAccount


def portal_figures(org: Organization, period: Any) -> dict[str, Any]:
    """The figures at the end of `period` (a reports.period.Period)."""
    _start, until = day_span(period.end, period.end)  # the instant after the last day
    row = MemberAccount.objects.filter(
        organization_id__in=org.subtree_ids, invited_at__lt=until
    ).aggregate(
        invited=Count("id"),
        activated=Count("id", filter=Q(activated_at__isnull=False, activated_at__lt=until)),
    )
    invited, activated = row["invited"], row["activated"]
    return {
        "invited": invited,
        "activated": activated,
        "activation_rate": round(activated / invited, 4) if invited else None,
    }
