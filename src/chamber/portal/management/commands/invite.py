"""chamber invite --org CODE [--person ID | --file CSV] [--base-url URL] [-o OUT]:
invite members to the portal; one line per person (CSV: person_id, name, link or
error). The links are shown once: only their hashes are stored."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from chamber.orgs.models import Organization
from chamber.portal.staff_views import invite_rows, read_person_ids


class Command(BaseCommand):
    help = "Invite members to the members' portal: one person, or a CSV with a person_id column."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="code of the inviting chamber")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--person", type=int, help="the person's number in the register")
        group.add_argument("--file", type=Path, help="CSV (UTF-8 or GBK) with a person_id column")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="the site's address"
        )
        parser.add_argument("-o", "--output", type=Path, help="write the links to this CSV")

    def handle(self, *args, org: str, person, file, base_url: str, output, **options):
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"No organisation with code {org!r}.")
        if file is not None:
            try:
                raw = file.read_bytes()
            except OSError as e:
                raise CommandError(f"{file}: {e.strerror}") from e
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("gbk", errors="replace")
            try:
                ids = read_person_ids(text)
            except ValidationError as e:
                raise CommandError(f"{file}: {' '.join(e.messages)}") from e
        else:
            ids = [person]
        rows = invite_rows(None, organization, ids)
        out = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
        writer = csv.writer(out)
        writer.writerow(["person_id", "name", "link", "error"])
        failed = 0
        for r in rows:
            link = ""
            if "token" in r:
                link = base_url.rstrip("/") + reverse("portal:invitation", args=[r["token"]])
            failed += bool(r.get("error"))
            writer.writerow([r["person_id"], r.get("name", ""), link, r.get("error", "")])
        if output:
            out.close()
        self.stderr.write(f"{len(rows) - failed} invited, {failed} not.")
