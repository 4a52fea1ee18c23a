"""chamber fingerprint: counts, money sums, decrypted personal data and media digests,
as JSON: run it on the database and on its restored copy; the two must be equal."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from chamber.core.backup import fingerprint


class Command(BaseCommand):
    help = (
        "Print every table's count, every money column's sum, a digest of every decrypted "
        "encrypted value and of every media file (JSON), to compare a backup's restore "
        "with its original."
    )

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(fingerprint(), sort_keys=True, ensure_ascii=False))
