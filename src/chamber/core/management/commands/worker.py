"""`chamber worker`: run background tasks (several may run, on several hosts)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chamber.core.queue import ChamberWorker, new_worker_id


class Command(BaseCommand):
    help = "Run queued background tasks until stopped (SIGTERM finishes the current task)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--queue", default="*", help="queues, comma-separated ('*': all)")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--batch", action="store_true", help="run what is ready, then exit")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        worker = ChamberWorker(
            queue_names=opts["queue"].split(","),
            interval=opts["interval"],
            batch=opts["batch"],
            backend_name="default",
            startup_delay=not opts["batch"],
            max_tasks=opts["max_tasks"],
            worker_id=new_worker_id(),
            excluded_queue_names=[],
        )
        if not opts["batch"]:
            worker.configure_signals()
        worker.run()
