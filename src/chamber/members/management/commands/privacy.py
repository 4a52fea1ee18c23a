"""chamber privacy erase PERSON_ID --reason TEXT [--user NAME]
chamber privacy export PERSON_ID -o FILE(.json|.xlsx) [--user NAME]
chamber privacy retention [--years N] [--user NAME]"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from chamber.members import privacy
from chamber.members.models import Person


class Command(BaseCommand):
    help = (
        "Personal-data requests (PIPL): erase a person (anonymised, records and figures "
        "kept), export everything held about a person, list people for the retention review."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["erase", "export", "retention"])
        parser.add_argument("person", nargs="?", type=int, help="the person's id")
        parser.add_argument("--reason", default="", help="the request (erase)")
        parser.add_argument("-o", "--output", help="file to write (export): .json or .xlsx")
        parser.add_argument(
            "--years", type=int, help="retention: years since the last membership ended"
        )
        parser.add_argument("--user", help="act as this user (scope checked, audited)")

    def handle(self, *args, **o):
        actor = None
        if o["user"]:
            actor = get_user_model().objects.filter(username=o["user"]).first()
            if actor is None:
                raise CommandError(f"No user {o['user']!r}.")
        try:
            if o["action"] == "retention":
                return self._retention(actor, o["years"])
            if o["person"] is None:
                raise CommandError("Give the person's id.")
            person = Person.objects.filter(pk=o["person"]).first()
            if person is None:
                raise CommandError(f"No person with id {o['person']}.")
            if o["action"] == "erase":
                privacy.erase_person(actor=actor, person=person, reason=o["reason"])
                self.stdout.write(f"Person {person.pk}: personal data erased.")
            else:
                self._export(actor, person, o["output"])
        except (PermissionDenied, ValidationError) as e:
            raise CommandError("; ".join(getattr(e, "messages", [str(e)]))) from e

    def _export(self, actor, person, output):
        if not output:
            raise CommandError("Give -o FILE (.json or .xlsx).")
        data = privacy.personal_data(actor=actor, person=person)
        path = Path(output)
        if path.suffix.lower() == ".xlsx":
            privacy.write_xlsx(data, str(path))
        else:
            path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), "utf-8")
        self.stdout.write(f"Everything held about person {person.pk}: {path}")

    def _retention(self, actor, years):
        years = privacy.retention_years() if years is None else years
        rows = privacy.due_for_review(actor=actor, years=years)
        privacy.record_review(actor=actor, people=[r["person"] for r in rows], years=years)
        for r in rows:
            p = r["person"]
            self.stdout.write(
                f"{p.pk}\t{p.name}\t{p.enterprise or ''}\t{r['ended']:%Y-%m-%d}\t{r['years']}"
            )
        self.stdout.write(
            f"{len(rows)} people whose last membership ended more than {years} years ago."
        )
