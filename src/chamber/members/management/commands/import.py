"""chamber import members FILE --org CODE [--dry-run] [--user NAME]
chamber import visits FILE --org CODE --user NAME [--dry-run]      (a visit sheet)
chamber import sign-ins FILE --event ID --user NAME [--dry-run]    (an event's sign-in sheet)"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from chamber.members.importers.errorbook import write_error_workbook
from chamber.members.importers.pipeline import import_members
from chamber.members.importers.sheets import SHEET_KINDS, SheetKind
from chamber.orgs.models import Organization

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import members from an .xlsx or .csv file (UTF-8 or GBK) into an organisation. "
        "Nothing is written if any row has an error; the errors are listed and an error "
        "workbook with the bad cells marked is written next to the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["members", *SHEET_KINDS])
        parser.add_argument("file")
        parser.add_argument("--org", help="organisation code, e.g. baoan.xixiang")
        parser.add_argument("--event", help="the event's id (sign-in sheets)")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--user", help="import as this user (their scope is checked and audited)"
        )
        parser.add_argument("--errors", help="where to write the error workbook")

    def handle(self, *args, **o):
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if o["what"] != "members":
            return self._sheet(SHEET_KINDS[o["what"]], path, o)
        if not o["org"]:
            raise CommandError("Name the organisation: --org CODE.")
        org = Organization.objects.filter(code=o["org"]).first()
        if org is None:
            raise CommandError(f"No organisation with code {o['org']!r}.")
        actor = None
        if o["user"]:
            actor = get_user_model().objects.filter(username=o["user"]).first()
            if actor is None:
                raise CommandError(f"No user {o['user']!r}.")
        bar = _Bar(self.stderr)
        try:
            outcome = import_members(
                actor=actor,
                organization=org,
                path=path,
                dry_run=o["dry_run"],
                original_name=path.name,
                progress=bar,
            )
        except PermissionDenied as e:
            raise CommandError(str(e)) from e
        bar.done()
        if outcome.problem:
            raise CommandError(outcome.problem)
        c = outcome.counts
        summary = "  ".join(
            f"{label}: +{c[k]['create']} ~{c[k]['update']} ={c[k]['same']}"
            for k, label in (
                ("enterprise", "enterprises"),
                ("membership", "memberships"),
                ("person", "people"),
            )
        )
        self.stdout.write(
            f"{outcome.rows} rows in {outcome.sheet} ({outcome.kind}"
            f"{', ' + outcome.encoding if outcome.encoding else ''}) "
            f"in {outcome.seconds:.1f} s. {summary}  (+ new, ~ changed, = unchanged)"
        )
        if outcome.ignored:
            self.stdout.write("Columns not imported: " + ", ".join(outcome.ignored))
        if outcome.error_count:
            for e in outcome.errors[:SHOWN_ERRORS]:
                self.stderr.write(
                    f"{e.sheet}!{e.row} {e.column} {e.value!r}: {e.reason}",
                )
            if outcome.error_count > SHOWN_ERRORS:
                self.stderr.write(f"... and {outcome.error_count - SHOWN_ERRORS} more errors")
            target = Path(o["errors"]) if o["errors"] else path.with_suffix(".errors.xlsx")
            try:
                write_error_workbook(path, outcome.errors, target)
                self.stderr.write(f"Error workbook (bad cells in red): {target}")
            except OSError as e:
                self.stderr.write(f"Could not write the error workbook: {e}")
            raise CommandError(
                f"{outcome.error_count} errors: nothing was written. Fix them and import again."
            )
        if o["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
        elif outcome.changes == 0:
            self.stdout.write("Nothing to change: the register already holds this file.")
        else:
            self.stdout.write(self.style.SUCCESS("Imported."))

    def _sheet(self, kind: SheetKind, path: Path, o: dict) -> None:
        """A record sheet (visits, sign-ins): all or nothing, errors located."""
        key = o["org"] if kind.target == "org" else o["event"]
        if not key:
            raise CommandError(f"Name the {kind.target}: --{kind.target} ...")
        target = kind.find_target(key)
        if target is None:
            raise CommandError(f"No {kind.target} {key!r}.")
        actor = get_user_model().objects.filter(username=o["user"] or "").first()
        if actor is None:
            raise CommandError("Name the user who enters the sheet: --user NAME.")
        errors = Path(o["errors"]) if o["errors"] else path.with_suffix(".errors.xlsx")
        try:
            outcome = kind.run(
                path, actor=actor, target=target, dry_run=o["dry_run"], error_file=errors
            )
        except PermissionDenied as e:
            raise CommandError(str(e) or "You may not enter records there.") from e
        if outcome.problem:
            raise CommandError(outcome.problem)
        if outcome.errors:
            for e in outcome.errors[:SHOWN_ERRORS]:
                self.stderr.write(f"{e.sheet}!{e.row} {e.column} {e.value!r}: {e.reason}")
            if outcome.error_file:
                self.stderr.write(f"Error workbook (bad cells in red): {outcome.error_file}")
            raise CommandError(
                f"{len(outcome.errors)} errors: nothing was written. Fix them and import again."
            )
        self.stdout.write(f"{outcome.rows} rows.")
        if o["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS("Imported."))


class _Bar:
    """Progress on stderr: a bar on a terminal, a line every few seconds otherwise."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = getattr(sys.stderr, "isatty", lambda: False)()
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not done and not total:
            return
        if now - self.last < (0.2 if self.tty else 5) and done != total:
            return
        self.last = now
        label = {"check": "checking", "write": "writing"}.get(phase, phase)
        if total:
            filled = int(30 * done / total)
            text = f"{label:9} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}"
        else:
            text = f"{label:9} {done} rows"
        if self.tty:
            self.stream.write("\r" + text, ending="")
            self.stream.flush()
        else:
            self.stream.write(text)

    def done(self) -> None:
        if self.tty:
            self.stream.write("")
