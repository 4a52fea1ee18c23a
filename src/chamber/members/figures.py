"""Dues figures (会费应收/实收/收缴率) for an organisation's subtree and a period.

- dues.receivable: what the dues of the period's years ask of the subtree's members
  (a year's dues are set per rank per chamber; see services.set_dues_rate).
- dues.received: what was paid against those dues by the period's end.
- dues.collection_rate: received over receivable (4 decimal places), null when
  nothing was receivable.
- dues.members_owing: memberships with a due for those years, and members_in_arrears
  those not paid in full by the period's end.

Money is summed exactly in whole fen (core.money) and reported as decimal strings.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Q

from chamber.core.money import cents, exact_sum, subquery_cents
from chamber.orgs.models import Organization

from .models import Due, Payment


def dues_of(org: Organization, start: datetime.date, end: datetime.date):
    """The dues of the period's years owed to `org`'s subtree."""
    return Due.objects.filter(
        membership__organization_id__in=org.subtree_ids, year__range=(start.year, end.year)
    )


def dues_figures(org: Organization, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    dues = dues_of(org, start, end)
    paid = Payment.objects.filter(paid_on__lte=end)
    receivable = exact_sum(dues)
    received = exact_sum(paid.filter(due__in=dues.values("pk")))
    counts = (
        dues.annotate(paid_cents=subquery_cents(paid, "due"), due_cents=cents("amount"))
        .order_by()
        .aggregate(
            owing=Count("membership_id", distinct=True),
            arrears=Count("membership_id", distinct=True, filter=Q(paid_cents__lt=F("due_cents"))),
        )
    )
    return {
        "receivable": f"{receivable:.2f}",
        "received": f"{received:.2f}",
        "outstanding": f"{receivable - received:.2f}",
        "collection_rate": round(float(received / receivable), 4) if receivable else None,
        "members_owing": counts["owing"],
        "members_in_arrears": counts["arrears"],
    }
