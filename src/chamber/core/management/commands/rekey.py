"""`chamber rekey`: re-encrypt all personal data at rest with the newest key.

Rotation: put a new key first in CHAMBER_FIELD_KEYS (keep the old ones after it), restart,
run `chamber rekey`, then drop the old keys. One transaction: a value that no key opens
stops it with nothing changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from chamber.core import audit
from chamber.core.fields import (
    FieldKeyError,
    encrypted_fields,
    generate_key,
    reencrypt_column,
    undecryptable,
)
from chamber.core.models import AuditAction


class Command(BaseCommand):
    help = "Re-encrypt personal data with the newest CHAMBER_FIELD_KEYS key (or check it)."
    # It must run exactly when the start-up check fails (values under an older key).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--generate", action="store_true", help="print a new key and change nothing"
        )
        parser.add_argument(
            "--init",
            action="store_true",
            help="without CHAMBER_FIELD_KEYS, make the key file (settings.FIELD_KEYS_FILE) "
            "once, so every later command and the server use the same key (make run)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only verify that every stored value decrypts (exit status 1 if not)",
        )

    def handle(self, *args, generate: bool, check: bool, init: bool, **options):
        if generate:
            self.stdout.write(generate_key())
            return
        if init:
            self._init_key_file()
            return
        if check:
            bad = list(undecryptable())
            for where in bad:
                self.stderr.write(f"does not decrypt: {where}")
            if bad:
                raise CommandError(f"{len(bad)} value(s) do not decrypt with CHAMBER_FIELD_KEYS")
            self.stdout.write("every stored value decrypts")
            return
        try:
            with transaction.atomic():
                counts = {
                    f"{model._meta.label}.{field.name}": reencrypt_column(
                        connection, model._meta.db_table, field.column, model._meta.pk.column
                    )
                    for model, field in encrypted_fields()
                }
                audit.record(
                    actor=None,
                    action=AuditAction.UPDATE,
                    changes={"rekey": counts},
                    note="chamber rekey: personal data re-encrypted with the newest key",
                )
        except FieldKeyError as e:
            raise CommandError(str(e)) from e
        for where, n in counts.items():
            self.stdout.write(f"{where}: {n} re-encrypted")

    def _init_key_file(self) -> None:
        path = Path(settings.FIELD_KEYS_FILE)
        if os.environ.get("CHAMBER_FIELD_KEYS") or path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(generate_key() + "\n")
        self.stdout.write(f"personal-data key written to {path} (keep it with the backups)")
