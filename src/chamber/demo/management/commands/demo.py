import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chamber.demo import build
from chamber.demo.timeline import DemoCalendar, default_today
from chamber.orgs.models import Organization


class Command(BaseCommand):
    help = "Load the demo federation (Bao'an): streets, members, users. Deterministic per seed."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--members", type=int, default=5000)
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="The load date the demo's history runs to (default: today in Asia/Shanghai).",
        )
        parser.add_argument(
            "--through-engine",
            action="store_true",
            help="Take every case step through the step engine (slower) instead of "
            "writing the cases in bulk.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds organisations (used by make run).",
        )
        parser.add_argument(
            "--province",
            action="store_true",
            help="Put the district in a province tree: a province, two cities, two more "
            "districts with street chambers.",
        )

    def handle(
        self,
        *args,
        seed: int,
        members: int,
        if_empty: bool,
        today=None,
        province: bool = False,
        through_engine: bool = False,
        **options,
    ):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("The database holds data already; demo not loaded again.")
                return
            raise CommandError(
                "The database is not empty. The demo loads only into an empty database "
                "(it never mixes with real records)."
            )
        if members < 100:
            raise CommandError("--members must be at least 100.")
        try:
            if isinstance(today, str):  # call_command passes options unparsed
                today = datetime.date.fromisoformat(today)
            demo = DemoCalendar(today or default_today())
        except ValueError as e:
            raise CommandError(f"--today: {e}") from e
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"\r  members {done:,}/{total:,}", ending="")
            self.stdout.flush()

        with transaction.atomic():
            counts = build.build_all(
                seed=seed,
                members=members,
                today=demo.today,
                progress=progress,
                through_engine=through_engine,
            )
            if province:
                from chamber.demo.province import build_province

                counts["organizations"] += build_province(Organization.objects.get(code="baoan"))
        self.stdout.write("")
        summary = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded in {time.monotonic() - started:.1f}s, "
                f"2013 to {demo.today.isoformat()}: {summary}"
            )
        )
