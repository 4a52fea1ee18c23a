"""Figures at once: reports answered from stored figures, exact.

Every committed write to a record that figures read raises one counter
(`FiguresVersion`), through model signals and, for set-based writes that send none,
an explicit `figures_changed()`. A stored document is served only while its version is
the counter's current value; otherwise it is computed live and stored again. Why this
is exact: the version is read *before* the figures are computed, and the counter rises
only *after* the write commits, so figures that might have missed a write carry an older
version than the counter then holds and are never served again.

A connection with uncommitted figure writes of its own (a service that writes and then
reads a report in one transaction, and every test inside a test transaction) always
reads live figures, and stores nothing.

`refresh_stale()` recomputes the stored documents a write made stale (the scheduler
runs `chamber report refresh`), so the next reader finds them ready.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from chamber.orgs.models import Organization

from .models import FiguresVersion, StoredFigures
from .period import Period

log = logging.getLogger(__name__)

# Apps whose records the figures read; a write to any of their models raises the counter.
FIGURE_APPS = frozenset({"orgs", "members", "casework", "activities", "politics"})
# Models of those apps that no figure reads, and that change often.
IGNORED_MODELS = frozenset({"members.importjob"})


def _bump() -> None:
    if not FiguresVersion.objects.filter(pk=1).update(version=F("version") + 1):
        FiguresVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def _pending() -> bool:
    """Whether this connection's open transaction holds figure writes not yet counted."""
    return any(entry[1] is _bump for entry in connection.run_on_commit)


def figures_changed() -> None:
    """Records that figures read have changed (or will, when the transaction commits).
    Signals call this for every model save/delete; set-based writes call it themselves."""
    if not connection.in_atomic_block:
        _bump()
    elif not _pending():
        transaction.on_commit(_bump)


def current_version() -> int:
    row = FiguresVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def stored(
    org: Organization,
    period: Period,
    document: str,
    compute: Callable[[], dict[str, Any] | list[Any]],
) -> Any:
    """The document for (org, period), from the store if it is current, else computed
    by `compute()` and stored."""
    if connection.in_atomic_block and _pending():
        return compute()
    version = current_version()
    key = dict(
        organization=org, start=period.start, end=period.end, period_kind=period.kind,
        document=document,
    )  # fmt: skip
    row = StoredFigures.objects.filter(**key, version=version).values_list("data", flat=True)
    for data in row:
        return data
    data = compute()
    computed_at = data.get("computed_at") if isinstance(data, dict) else None
    values = {
        "version": version,
        "data": data,
        "computed_at": computed_at or timezone.now(),
    }
    try:
        with transaction.atomic():
            StoredFigures.objects.update_or_create(**key, defaults=values)
    except IntegrityError:  # another reader stored the same document meanwhile
        pass
    return data


def stored_report(org: Organization, period: Period) -> dict[str, Any]:
    from .annual import annual_report

    return stored(org, period, "report", lambda: annual_report(org, period))


def stored_charts(org: Organization, period: Period, report: dict[str, Any]) -> list[Any]:
    from django.utils.translation import get_language

    from .charts import dashboard_charts

    return stored(
        org,
        period,
        f"charts:{get_language() or ''}",
        lambda: dashboard_charts(org, period, report),
    )


def refresh_stale() -> int:
    """Recompute the stored reports a write made stale; returns how many. (Charts are
    recomputed by their next reader: they depend on the reader's language.)"""
    from .annual import annual_report

    version = current_version()
    done = 0
    stale = StoredFigures.objects.filter(document="report", version__lt=version).select_related(
        "organization"
    )
    for row in stale:
        period = Period(row.start, row.end)
        data = annual_report(row.organization, period)
        StoredFigures.objects.filter(pk=row.pk, version__lt=version).update(
            version=version, data=data, computed_at=data["computed_at"]
        )
        done += 1
    return done


def _on_save(sender, **kwargs) -> None:
    meta = sender._meta
    # Migrations' historical models ("__fake__") write before this app's tables exist;
    # no figures are stored then.
    if (
        sender.__module__ != "__fake__"
        and meta.app_label in FIGURE_APPS
        and meta.label_lower not in IGNORED_MODELS
    ):
        figures_changed()


def _on_m2m(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _on_save(type(instance))


def _on_bulk(sender, app_label: str, **kwargs) -> None:
    if app_label in FIGURE_APPS:
        figures_changed()


def connect() -> None:
    from chamber.core.changes import bulk_written

    bulk_written.connect(_on_bulk, dispatch_uid="figures_changed_bulk")
    post_save.connect(_on_save, dispatch_uid="figures_changed_save")
    post_delete.connect(_on_save, dispatch_uid="figures_changed_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="figures_changed_m2m")
