"""`chamber serve`: the embedded deployment in one command. Starts the app server
(granian), one background worker and the scheduler as child processes, and stops them
all together when any of them stops or on Ctrl-C / SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run web, worker and scheduler together (the embedded default of `make run`)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--web-workers", default="2")

    def handle(self, *args: Any, **opts: Any) -> None:
        bindir = os.path.dirname(sys.executable)
        chamber = [sys.executable, "-m", "chamber"]
        commands = {
            "web": [
                os.path.join(bindir, "granian"),
                *("--interface", "wsgi", "--host", opts["host"], "--port", str(opts["port"])),
                *("--workers", str(opts["web_workers"]), "--blocking-threads", "2", "--no-ws"),
                "chamber.wsgi:application",
            ],
            "worker": [*chamber, "worker"],
            "scheduler": [*chamber, "scheduler"],
        }
        # each in its own process group, so stopping one stops what it started too
        children = {
            name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()
        }
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"{name} stopped ({child.returncode}); stopping all")
                        stopping = True
                time.sleep(0.3)
        finally:
            for child in children.values():
                _signal_group(child, signal.SIGTERM)
            deadline = time.monotonic() + 20
            for child in children.values():
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.wait(max(0.1, deadline - time.monotonic()))
                _signal_group(child, signal.SIGKILL)  # whatever is left in its group


def _signal_group(child: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)
