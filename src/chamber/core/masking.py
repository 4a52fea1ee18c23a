"""Masking personal data (mobiles, ID numbers) on every path, in one place (issue 14).

Who sees a value in full is decided per request from the caller's rights: the caller
must hold Perm.VIEW_PERSONAL over the record through the one scope rule
(`Model.objects.visible_to(user, Perm.VIEW_PERSONAL)`). Everyone else, and every list,
gets "138****8003" / "4403**********0011". The same functions serve the API
(`PersonalField`), pages (model properties and the audit trail), exports and logs
(`MaskingFormatter` in settings.LOGGING).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from django.utils.log import AdminEmailHandler
from rest_framework import serializers

from .validators import check_id_number, mask

MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# Audit-trail and export keys whose values are personal, whatever they look like.
PERSONAL_KEYS = {"mobile": "mobile", "contact_phone": "mobile", "phone": "mobile"}
PERSONAL_KEYS |= {"id_number": "id_number"}


def mask_mobile(value: str | None) -> str:
    return mask(value or "")


def mask_id_number(value: str | None) -> str:
    return mask(value or "", 4, 2)


MASKERS = {"mobile": mask_mobile, "id_number": mask_id_number}


def _mask_id_match(m: re.Match) -> str:
    # Only a number that passes GB 11643's check digit: a credit code is left alone.
    return mask_id_number(m.group(0)) if check_id_number(m.group(0).upper()) is None else m.group(0)


def mask_text(text: str) -> str:
    """Any mobile or ID number inside free text, masked (log lines, notes in a trail)."""
    if not text:
        return text
    return ID_NUMBER_RE.sub(_mask_id_match, MOBILE_RE.sub(lambda m: mask_mobile(m.group(0)), text))


def mask_value(key: str, value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [mask_value(key, v) for v in value]
    if isinstance(value, str):
        kind = PERSONAL_KEYS.get(key)
        return MASKERS[kind](value) if kind and value else mask_text(value)
    return value


def mask_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """An audit entry's {field: [before, after]} as a viewer without the right sees it."""
    return {key: mask_value(key, value) for key, value in (changes or {}).items()}


def mask_entries(entries: Iterable[Any]) -> list[Any]:
    """Audit entries as a viewer without the right to personal data reads them (in place,
    shown and never saved): values of mobiles and ID numbers masked."""
    entries = list(entries)
    for e in entries:
        e.changes = mask_changes(e.changes)
        e.note = mask_text(e.note)
        e.object_repr = mask_text(e.object_repr)
    return entries


class PersonalField(serializers.CharField):
    """A mobile or ID number in the API: masked unless the serializer's context says the
    caller may see this record's personal data (`full_personal`, set by the view after
    `orgs.scope.may_view_personal`)."""

    def __init__(self, kind: str = "mobile", **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        value = "" if value is None else str(value)
        if self.context.get("full_personal"):
            return value
        return MASKERS[self.kind](value)


class MaskingFormatter(logging.Formatter):
    """Log lines (and tracebacks) never carry a full mobile or ID number."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))


class MaskingAdminEmailHandler(AdminEmailHandler):
    """Errors mailed to ADMINS with mobiles and ID numbers masked, like the log lines."""

    def send_mail(self, subject: str, message: str, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("html_message"):
            kwargs["html_message"] = mask_text(kwargs["html_message"])
        super().send_mail(mask_text(subject), mask_text(message), *args, **kwargs)
