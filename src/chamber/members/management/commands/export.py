"""chamber export members -o FILE [--org CODE] [--format xlsx|csv] [--user NAME]"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chamber.members.choices import Status
from chamber.members.exporters import FORMATS, export_members
from chamber.members.selectors import DirectoryFilters
from chamber.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Export enterprise members in the import template's columns (so the file imports "
        "back unchanged). Without --user the whole register is exported, audited as the "
        "system; with --user, what that user may see, personal data masked per their role."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["members"])
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--org", help="organisation code: its subtree only")
        parser.add_argument("--format", choices=FORMATS, help="default: from the file name")
        parser.add_argument(
            "--status", choices=[Status.ACTIVE, Status.LEFT, "all"], default=Status.ACTIVE
        )
        parser.add_argument("--user", help="export as this user (scope and masking)")

    def handle(self, *args, **o):
        out = Path(o["output"])
        fmt = o["format"] or out.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise CommandError("Name the file .xlsx or .csv, or give --format.")
        org = None
        if o["org"]:
            org = Organization.objects.filter(code=o["org"]).first()
            if org is None:
                raise CommandError(f"No organisation with code {o['org']!r}.")
        actor = None
        if o["user"]:
            actor = get_user_model().objects.filter(username=o["user"]).first()
            if actor is None:
                raise CommandError(f"No user {o['user']!r}.")
        filters = DirectoryFilters(org=org, status=o["status"])
        n = export_members(actor=actor, filters=filters, fmt=fmt, out=str(out))
        self.stdout.write(f"{n} members written to {out}")
