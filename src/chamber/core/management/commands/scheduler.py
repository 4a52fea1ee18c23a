"""`chamber scheduler`: queue the timed jobs (digests, reminders) when they are due.
Running it on several hosts is safe: each firing is queued once."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from chamber.core.queue import tick


class Command(BaseCommand):
    help = "Queue scheduled jobs when due (loops; --once for a single pass)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=20.0)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        running = True

        def stop(*_: Any) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running:
            close_old_connections()
            for name in tick():
                self.stdout.write(f"queued {name}")
            if opts["once"]:
                return
            for _ in range(int(opts["interval"] * 10)):
                if not running:
                    return
                time.sleep(0.1)
