"""What a backup holds besides the database dump, and a fingerprint to prove a restore
(docs/deploy.md §6, tests/test_restore_drill.py).

The keys: encrypted fields can be read only with the keys they were written with, and
those come from the environment. `key_environment()` is the one place that says which
variables a backup must carry; it takes every CHAMBER_SECRET_KEY / CHAMBER_FIELD_*
variable, so a new key setting (CHAMBER_FIELD_KEYS, CHAMBER_FIELD_SALT, ...) is carried
without a change here.
"""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

KEY_PREFIXES = ("CHAMBER_SECRET_KEY", "CHAMBER_FIELD_")


def key_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment variables that hold keys (to keep in the secret store)."""
    environ = os.environ if environ is None else environ
    return {k: v for k, v in environ.items() if k.startswith(KEY_PREFIXES)}


def _encrypted(field: models.Field) -> bool:
    return "Encrypted" in type(field).__name__ or getattr(field, "encrypted", False)


def fingerprint() -> dict[str, Any]:
    """Every table's row count, every money column's sum (exact, as a string), every
    encrypted value decrypted (a digest, and how many did not read as plain text), and
    every media file's digest."""
    out: dict[str, Any] = {"counts": {}, "sums": {}, "decrypted": {}, "media": {}}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if not model._meta.managed or model._meta.proxy:
            continue
        manager = model._base_manager
        out["counts"][label] = manager.count()
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DecimalField):
                total = sum(
                    (v for v in manager.values_list(field.attname, flat=True) if v is not None),
                    Decimal(0),
                )
                out["sums"][f"{label}.{field.name}"] = str(total)
            if _encrypted(field):
                digest = hashlib.sha256()
                unreadable = 0
                values = manager.order_by("pk").values_list("pk", field.attname)
                for pk, value in values.iterator(chunk_size=2000):
                    text = "" if value is None else str(value)
                    if text.startswith("gAAAA"):  # a Fernet token: not decrypted
                        unreadable += 1
                    digest.update(f"{pk}\x00{text}\x01".encode())
                out["decrypted"][f"{label}.{field.name}"] = {
                    "digest": digest.hexdigest(),
                    "values": values.exclude(**{field.attname: None}).count(),
                    "unreadable": unreadable,
                }
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        for path in sorted(p for p in media.rglob("*") if p.is_file()):
            out["media"][str(path.relative_to(media))] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return out
