"""Compile the translation catalogues (.po to .mo) in pure Python, so a fresh machine
needs no gettext tools; the .mo files are build output and not committed."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile Chamber's .po catalogues (project and every app) to .mo files."

    def handle(self, *args, **options):
        package = Path(settings.BASE_DIR)
        count = 0
        for po_path in sorted(package.glob("**/locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"{count} catalogue(s) compiled.")
