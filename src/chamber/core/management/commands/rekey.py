"""`chamber rekey`: re-encrypt all personal data at rest with the newest key.

Rotation: put a new key first in CHAMBER_FIELD_KEYS (keep the old ones after it), restart,
run `chamber rekey`, then drop the old keys. One transaction: a value that no key opens
stops it with nothing changed.
"""

from __future__ import annotations

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
            "--check",
            action="store_true",
            help="only verify that every stored value decrypts (exit status 1 if not)",
        )

    def handle(self, *args, generate: bool, check: bool, **options):
        if generate:
            self.stdout.write(generate_key())
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
