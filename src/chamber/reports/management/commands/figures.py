from django.core.management.base import BaseCommand

from chamber.reports.store import refresh_stale


class Command(BaseCommand):
    help = (
        "`chamber figures refresh`: recompute the stored reports that writes made stale, "
        "so that the next reader finds them ready (run it every minute from the scheduler)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh"])

    def handle(self, *args, action, **options):
        done = refresh_stale()
        self.stderr.write(f"Recomputed {done} stored report(s).")
