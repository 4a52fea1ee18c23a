"""Enterprise roles derived from memberships, for records that predate the roles table
(the data migration) and bulk-loaded ones (the demo): one representative role per
enterprise and representative, from the first day they represented it until its
membership ended (open while a membership of the enterprise is in force)."""

from __future__ import annotations

from typing import Any

from chamber.core.changes import written_in_bulk

ROLE_REPRESENTATIVE = "representative"


def backfill_representatives(Membership: Any, EnterpriseRole: Any) -> int:
    """Create the missing representative roles; returns how many. Takes the model
    classes so a migration can pass its historical models."""
    spans: dict[tuple[int, int], list] = {}
    rows = (
        Membership.objects.filter(enterprise__isnull=False, representative__isnull=False)
        .values_list("enterprise_id", "representative_id", "joined", "left")
        .order_by()
    )
    for ent, person, joined, left in rows.iterator(chunk_size=5000):
        span = spans.setdefault((ent, person), [joined, left, left is None])
        span[0] = min(span[0], joined)
        if left is None:
            span[2] = True
        elif span[1] is None or left > span[1]:
            span[1] = left
    have = set(
        EnterpriseRole.objects.filter(role=ROLE_REPRESENTATIVE).values_list(
            "enterprise_id", "person_id"
        )
    )
    new = [
        EnterpriseRole(
            enterprise_id=ent,
            person_id=person,
            role=ROLE_REPRESENTATIVE,
            start=start,
            end=None if open_ else end,
        )
        for (ent, person), (start, end, open_) in spans.items()
        if (ent, person) not in have
    ]
    EnterpriseRole.objects.bulk_create(new, batch_size=2000)
    if new and EnterpriseRole.__module__ != "__fake__":  # not from a migration
        written_in_bulk("members")
    return len(new)
