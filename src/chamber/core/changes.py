"""Set-based writes (bulk_create, queryset.update, raw SQL) send no model signals; they
announce themselves here so whatever keeps derived data (the stored figures of
`chamber.reports.store`) learns of them. Model saves and deletes need no call."""

from __future__ import annotations

from django.dispatch import Signal

bulk_written = Signal()  # kwargs: app_label


def written_in_bulk(app_label: str) -> None:
    """Records of `app_label` were written without model signals."""
    bulk_written.send(sender=None, app_label=app_label)
