"""Background work: Django's tasks API (the `django-tasks` backport) stored in the
database by `django-tasks-db`, plus what that backend leaves to its user:

- retries with backoff: a task that raises is queued again `CHAMBER_TASK_BACKOFF`
  seconds later, doubling per attempt, up to `CHAMBER_TASK_ATTEMPTS` attempts;
- a worker killed mid-task (SIGKILL, host lost) leaves its task RUNNING. Workers beat
  into `WorkerBeat`; any worker puts a task back in the queue when its worker is gone
  (a dead process on this host, or no beat for `CHAMBER_WORKER_STALE` seconds);
- schedules: `register_schedule` names a job and when it fires; `tick()` queues each
  due firing once, however many schedulers run (see `ScheduleRun`).

Tasks must therefore be idempotent: run twice, they do the work once (each says how).
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from .models import ScheduleRun, WorkerBeat

log = logging.getLogger("chamber.queue")
READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"
HOST = socket.gethostname()[:60]


def attempts(result: DBTaskResult) -> int:
    """How many times the task was started (each claim adds the worker's id)."""
    return len(result.worker_ids or [])


def backoff(n: int) -> datetime.timedelta:
    """The wait before attempt n + 1: base, 2×base, 4×base, ... capped at an hour."""
    return datetime.timedelta(seconds=min(settings.CHAMBER_TASK_BACKOFF * 2 ** (n - 1), 3600))


def _again_or_fail(result: DBTaskResult, why: str) -> str:
    """Queue the task again after its backoff, or mark it failed for good."""
    n = attempts(result)
    if n >= settings.CHAMBER_TASK_ATTEMPTS:
        DBTaskResult.objects.filter(pk=result.pk).update(
            status=FAILED,
            finished_at=timezone.now(),
            exception_class_path=result.exception_class_path or "chamber.core.queue.GaveUp",
            traceback=(result.traceback or "") + f"\ngave up after {n} attempts: {why}",
        )
        log.error("task %s %s failed after %s attempts: %s", result.pk, result.task_path, n, why)
        return FAILED
    DBTaskResult.objects.filter(pk=result.pk).update(
        status=READY, run_after=timezone.now() + backoff(n), finished_at=None
    )
    log.warning("task %s %s will run again (attempt %s: %s)", result.pk, result.task_path, n, why)
    return READY


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_gone(worker_id: str, beats: dict[str, WorkerBeat], now: datetime.datetime) -> bool:
    """A worker on this host is gone when its process is; elsewhere, when it stopped
    beating. (On SQLite a long write holds the database lock and delays the beat, so
    the process check, exact on one host, comes first.)"""
    beat = beats.get(worker_id)
    if beat is None:
        return True
    if beat.host == HOST:
        return not _pid_alive(beat.pid)
    return (now - beat.beat).total_seconds() > settings.CHAMBER_WORKER_STALE


def reap(now: datetime.datetime | None = None) -> int:
    """Queue again (or fail) the tasks whose worker is gone. Returns how many."""
    now = now or timezone.now()
    running = list(DBTaskResult.objects.filter(status=RUNNING))
    if not running:
        return 0
    ids = {r.worker_ids[-1] for r in running if r.worker_ids}
    beats = {b.worker_id: b for b in WorkerBeat.objects.filter(worker_id__in=ids)}
    count = 0
    for result in running:
        if result.worker_ids and not worker_gone(result.worker_ids[-1], beats, now):
            continue
        with transaction.atomic():
            locked = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
                pk=result.pk, status=RUNNING, worker_ids=result.worker_ids
            )
            row = locked.first()
            if row is None:
                continue
            _again_or_fail(row, "its worker stopped")
            count += 1
    return count


class ChamberWorker(Worker):
    """django-tasks-db's worker with a heartbeat, retries and the reaper."""

    REAP_EVERY = 10.0

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._stop = threading.Event()
        self._last_reap = 0.0

    def _beat(self) -> None:
        # Its own connection (thread), so a beat never waits on the task's transaction
        # on PostgreSQL.
        try:
            while not self._stop.wait(min(5.0, settings.CHAMBER_WORKER_STALE / 4)):
                try:
                    WorkerBeat.objects.filter(pk=self.worker_id).update(beat=timezone.now())
                except Exception:  # a locked SQLite file: try at the next beat
                    log.debug("beat failed", exc_info=True)
        finally:
            connections.close_all()

    def run(self) -> None:
        WorkerBeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"host": HOST, "pid": os.getpid(), "beat": timezone.now()},
        )
        thread = threading.Thread(target=self._beat, daemon=True)
        thread.start()
        try:
            self.reap_now()
            super().run()
        finally:
            self._stop.set()
            WorkerBeat.objects.filter(pk=self.worker_id).delete()

    def reap_now(self) -> None:
        import time

        self._last_reap = time.monotonic()
        try:
            if n := reap():
                log.warning("queued again %s task(s) of stopped workers", n)
        except Exception:
            log.exception("reaping stopped workers' tasks failed")

    def run_task(self, db_task_result: DBTaskResult) -> None:
        import time

        super().run_task(db_task_result)
        if db_task_result.status == FAILED:
            with exclusive_transaction():
                _again_or_fail(db_task_result, db_task_result.exception_class_path)
        if time.monotonic() - self._last_reap > self.REAP_EVERY:
            self.reap_now()


def new_worker_id() -> str:
    return f"{HOST[:40]}:{os.getpid()}:{get_random_string(8)}"[:64]


def run_queued(*, max_tasks: int | None = None, queue: str = "*") -> int:
    """Run the tasks that are ready now, in this process, then return how many ran
    (tests, benchmarks). Unlike the worker's loop it never closes the connection, so
    it works inside a test's transaction."""
    worker = ChamberWorker(
        queue_names=queue.split(","),
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=new_worker_id(),
        excluded_queue_names=[],
    )
    WorkerBeat.objects.update_or_create(
        worker_id=worker.worker_id,
        defaults={"host": HOST, "pid": os.getpid(), "beat": timezone.now()},
    )
    ran = 0
    try:
        while max_tasks is None or ran < max_tasks:
            tasks = DBTaskResult.objects.ready().filter(backend_name="default")
            if "*" not in worker.queue_names:
                tasks = tasks.filter(queue_name__in=worker.queue_names)
            with exclusive_transaction(tasks.db):
                result = tasks.get_locked()
                if result is not None:
                    result.claim(worker.worker_id)
            if result is None:
                break
            worker.run_task(result)
            ran += 1
    finally:
        WorkerBeat.objects.filter(pk=worker.worker_id).delete()
    return ran


# --- Schedules ------------------------------------------------------------------------


@dataclass
class Schedule:
    """A job that fires at `slots(now)`'s latest time at or before now."""

    name: str
    task_path: str
    last_slot: Callable[[datetime.datetime], datetime.datetime | None]
    kwargs: dict[str, Any] = field(default_factory=dict)


SCHEDULES: dict[str, Schedule] = {}
CATCH_UP = datetime.timedelta(hours=6)  # a scheduler down longer skips the missed firing


def _at(day: datetime.date, hhmm: str) -> datetime.datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(h, m)))


def daily(hhmm: str) -> Callable[[datetime.datetime], datetime.datetime]:
    def last(now: datetime.datetime) -> datetime.datetime:
        today = timezone.localtime(now).date()
        slot = _at(today, hhmm)
        return slot if slot <= now else _at(today - datetime.timedelta(days=1), hhmm)

    return last


def weekly(weekday: int, hhmm: str) -> Callable[[datetime.datetime], datetime.datetime]:
    """weekday: Monday is 0."""

    def last(now: datetime.datetime) -> datetime.datetime:
        today = timezone.localtime(now).date()
        day = today - datetime.timedelta(days=(today.weekday() - weekday) % 7)
        slot = _at(day, hhmm)
        return slot if slot <= now else _at(day - datetime.timedelta(days=7), hhmm)

    return last


def monthly(day: int, hhmm: str) -> Callable[[datetime.datetime], datetime.datetime]:
    def last(now: datetime.datetime) -> datetime.datetime:
        today = timezone.localtime(now).date()
        slot = _at(today.replace(day=day), hhmm)
        if slot <= now:
            return slot
        prev = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=day)
        return _at(prev, hhmm)

    return last


def register_schedule(name: str, task_path: str, when: Callable, **kwargs: Any) -> None:
    SCHEDULES[name] = Schedule(name, task_path, when, kwargs)


def tick(now: datetime.datetime | None = None) -> list[str]:
    """Queue every scheduled job whose latest firing is due and not yet queued. Safe to
    call from any number of processes at once: returns the names this call queued."""
    from django.utils.module_loading import import_string

    now = now or timezone.now()
    fired = []
    for schedule in SCHEDULES.values():
        slot = schedule.last_slot(now)
        if slot is None or now - slot > CATCH_UP:
            continue
        if ScheduleRun.objects.filter(name=schedule.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                ScheduleRun.objects.create(name=schedule.name, slot=slot)
                task = import_string(schedule.task_path)
                task.enqueue(slot=slot.isoformat(), **schedule.kwargs)
        except IntegrityError:
            continue  # another scheduler queued this firing
        fired.append(schedule.name)
        log.info("scheduled %s for %s", schedule.name, slot)
    return fired
