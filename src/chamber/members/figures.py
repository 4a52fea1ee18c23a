"""Dues figures (会费应收/实收/收缴率) for an organisation's subtree and a period.

- dues.receivable: what the dues of the period's years ask of the subtree's members
  (a year's dues are set per rank per chamber; see services.set_dues_rate).
- dues.received: what was paid against those dues by the period's end.
- dues.collection_rate: received over receivable, rounded once (core.rates), null when
  nothing was receivable.
- dues.members_owing: memberships with a due for those years, and members_in_arrears
  those not paid in full by the period's end.

Money is summed exactly in whole fen (core.money) and reported as decimal strings.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Q, Sum

from chamber.core.money import cents, from_cents, subquery_cents
from chamber.core.rates import rate
from chamber.orgs.models import Organization

from .models import Due, Payment


def dues_of(org: Organization, start: datetime.date, end: datetime.date):
    """The dues of the period's years owed to `org`'s subtree."""
    return Due.objects.filter(
        membership__organization_id__in=org.subtree_ids, year__range=(start.year, end.year)
    )


def _dues_by_organisation(org: Organization, start: datetime.date, end: datetime.date):
    """Per organisation of the subtree holding memberships with dues for the period's
    years: the dues, what was paid against them by the period's end (in fen), the
    memberships owing and those not paid in full. A membership is in one organisation,
    so every figure adds up over organisations: one grouped query serves the subtree
    and each of its children."""
    paid = Payment.objects.filter(paid_on__lte=end)
    return (
        dues_of(org, start, end)
        .annotate(paid_cents=subquery_cents(paid, "due"), due_cents=cents("amount"))
        .order_by()
        .values_list("membership__organization_id")
        .annotate(
            receivable=Sum("due_cents"),
            received=Sum("paid_cents"),
            owing=Count("membership_id", distinct=True),
            arrears=Count("membership_id", distinct=True, filter=Q(paid_cents__lt=F("due_cents"))),
        )
    )


def _shape(receivable: int, received: int, owing: int, arrears: int) -> dict[str, Any]:
    return {
        "receivable": f"{from_cents(receivable):.2f}",
        "received": f"{from_cents(received):.2f}",
        "outstanding": f"{from_cents(receivable - received):.2f}",
        "collection_rate": rate(received, receivable),
        "members_owing": owing,
        "members_in_arrears": arrears,
    }


def dues_figures_with_children(
    org: Organization, children: list[Organization], start: datetime.date, end: datetime.date
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """`dues_figures` of `org` and of each child, from one grouped query."""
    owner = {org_id: child.pk for child in children for org_id in child.subtree_ids}
    keys: list[Any] = ["total", *(c.pk for c in children)]
    sums = {key: [0, 0, 0, 0] for key in keys}
    for org_id, *row in _dues_by_organisation(org, start, end):
        for key in ("total", owner.get(org_id)):
            if key in sums:
                sums[key] = [a + (b or 0) for a, b in zip(sums[key], row, strict=True)]
    return _shape(*sums["total"]), {c.pk: _shape(*sums[c.pk]) for c in children}


def dues_figures(org: Organization, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    return dues_figures_with_children(org, [], start, end)[0]
