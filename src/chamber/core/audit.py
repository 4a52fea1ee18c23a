"""Recording audit entries. Services call `record` inside their transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditAction, AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `obj`, JSON-safe, to diff before and after a change."""
    return {f: _plain(getattr(obj, f)) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    subject: models.Model | None = None,
    organization_id: int | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    subject = subject if subject is not None else obj
    return AuditEntry.objects.create(
        actor=actor_obj,
        action=action,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        object_repr=str(obj)[:200] if obj is not None else "",
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        organization_id=organization_id,
        changes=changes or {},
        note=note[:500],
    )


def trail_for(subject: models.Model) -> models.QuerySet[AuditEntry]:
    """Every entry about a member (its own record and the records hanging off it)."""
    return AuditEntry.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    ).select_related("actor", "object_type")


__all__ = ["AuditAction", "record", "snapshot", "diff", "trail_for"]
