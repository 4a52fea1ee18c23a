"""chamber purge imports [--days N]: delete uploaded spreadsheets and error workbooks
kept past their retention (CHAMBER_IMPORT_KEEP_DAYS, 7 days by default)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chamber.members.importers import jobs


class Command(BaseCommand):
    help = (
        "Delete uploaded member spreadsheets and their error workbooks older than the "
        "retention (CHAMBER_IMPORT_KEEP_DAYS, default 7). Imported files are deleted when "
        "their import ends; this removes those of checks never confirmed."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["imports"])
        parser.add_argument("--days", type=int, help="keep files younger than this many days")

    def handle(self, *args, **o):
        count = jobs.purge(days=o["days"])
        self.stdout.write(f"{count} upload folder(s) deleted.")
