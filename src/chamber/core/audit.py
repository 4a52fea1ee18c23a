"""Recording audit entries. Services call `record` inside their transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import get_language, pgettext

from .models import AuditAction, AuditEntry
from .text import join_list


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


# Per-field renderers for values that have no choices but a name elsewhere, e.g. an
# industry division code; apps register theirs in AppConfig.ready().
_DISPLAY: dict[tuple[str, str], Callable[[Any], str]] = {}


def register_display(model_label: str, field: str, render: Callable[[Any], str]) -> None:
    _DISPLAY[(model_label.lower(), field)] = render


def _field(entry: AuditEntry, key: str) -> models.Field | None:
    model = entry.object_type.model_class() if entry.object_type_id else None
    try:
        field = model._meta.get_field(key) if model else None
    except FieldDoesNotExist:  # a field renamed since the entry was written
        return None
    return field if isinstance(field, models.Field) else None  # not a reverse relation


def field_label(entry: AuditEntry, key: str) -> str:
    """The verbose name of field `key` on the entry's model, else the key."""
    field = _field(entry, key)
    return str(getattr(field, "verbose_name", key)) if field is not None else key


def display_value(entry: AuditEntry, key: str, value: Any, viewer: Any = None) -> str:
    """One stored value of an audit change as the field shows it: the choice's label,
    是/否 for a yes/no, a registered name for a code, "—" for nothing. The one place
    the trail turns stored values into text; `viewer` is who reads it (for masking)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return join_list(display_value(entry, key, v, viewer) for v in value)
    field = _field(entry, key)
    model_label = entry.object_type.model_class()._meta.label_lower if field else ""
    if (model_label, key) in _DISPLAY:
        return _DISPLAY[(model_label, key)](value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return pgettext("boolean", "yes") if value else pgettext("boolean", "no")
    return str(value)


def change_text(entry: AuditEntry, key: str, value: Any, viewer: Any = None) -> str:
    """A change as "before → after" (a [before, after] pair) or the value set."""
    pair = isinstance(value, list) and len(value) == 2
    if key in _LIST_FIELDS:  # a list-valued field: a pair only if both sides are lists
        pair = pair and all(v is None or isinstance(v, list) for v in value)
    if pair:
        before, after = (display_value(entry, key, v, viewer) for v in value)
        return f"{before} → {after}"
    return display_value(entry, key, value, viewer)


# Fields whose value is itself a list (never a [before, after] pair of scalars).
_LIST_FIELDS = {"tags", "topics", "enterprises", "staff", "leaders", "experts"}


def describe_changes(entry: AuditEntry, viewer: Any = None) -> str:
    """Every change of an entry in one line: 字段：旧 → 新；… (label: old → new; … in
    English)."""
    zh = (get_language() or "").startswith("zh")
    sep, colon = ("；", "：") if zh else ("; ", ": ")
    return sep.join(
        f"{field_label(entry, k)}{colon}{change_text(entry, k, v, viewer)}"
        for k, v in (entry.changes or {}).items()
    )


def trail_for(subject: models.Model) -> models.QuerySet[AuditEntry]:
    """Every entry about a member (its own record and the records hanging off it)."""
    return AuditEntry.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    ).select_related("actor", "object_type")


__all__ = [
    "AuditAction",
    "record",
    "snapshot",
    "diff",
    "trail_for",
    "describe_changes",
    "display_value",
    "register_display",
]
