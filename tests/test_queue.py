"""The queue with real processes: a worker killed (SIGKILL) mid-task leaves nothing
half-written and the task runs again, once; a scheduled job fires once however many
schedulers and workers run; a task queued before a restart is still there."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from chamber.core.models import AuditEntry, ScheduleRun

from .queue_tasks import slow_write

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


class Shared:
    """The test database as other processes see it: PostgreSQL's test database, or for
    SQLite's in-memory one a file copy that is copied back afterwards."""

    def __init__(self, tmp_path: Path):
        self.sqlite = connection.vendor == "sqlite"
        s = connection.settings_dict
        if self.sqlite:
            self.file = tmp_path / "shared.sqlite3"
            connection.ensure_connection()
            dest = sqlite3.connect(self.file)
            connection.connection.backup(dest)
            dest.close()
            url = f"sqlite:///{self.file}"
        else:
            auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
            url = f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
            "CHAMBER_TASK_BACKOFF": "0.2",
            "CHAMBER_DEBUG": "1",
            # The same personal-data key as this process wrote with (core.fields).
            "CHAMBER_FIELD_KEYS": ",".join(django_settings.CHAMBER_FIELD_KEYS),
        }

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "chamber", *args],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def python(self, code: str) -> subprocess.Popen:
        setup = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chamber.settings'); django.setup()\n"
        return subprocess.Popen([sys.executable, "-c", setup + code], env=self.env, cwd=ROOT)

    def back(self) -> None:
        if self.sqlite:
            src = sqlite3.connect(self.file)
            src.backup(connection.connection)
            src.close()

    def count(self, sql: str) -> int:
        if self.sqlite:
            with sqlite3.connect(self.file) as c:
                return c.execute(sql).fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]


def _wait(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_worker_killed_mid_task_leaves_nothing_and_the_task_runs_again_once(tmp_path):
    slow_write.enqueue("kill-me", 5.0)  # queued before any worker: survives restarts
    shared = Shared(tmp_path)
    table = DBTaskResult._meta.db_table
    first = shared.start("worker", "--interval", "0.2")
    _wait(lambda: shared.count(f"SELECT COUNT(*) FROM {table} WHERE status='RUNNING'") == 1, 180)
    time.sleep(1.0)  # inside the task's transaction
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert shared.count("SELECT COUNT(*) FROM core_auditentry WHERE note='kill-me'") == 0
    second = shared.start("worker", "--interval", "0.2")
    try:
        _wait(lambda: shared.count(f"SELECT COUNT(*) FROM {table} WHERE status='SUCCESSFUL'") == 1)
    finally:
        second.terminate()
        second.wait(20)
    shared.back()
    assert AuditEntry.objects.filter(note="kill-me").count() == 1
    result = DBTaskResult.objects.get()
    assert len(result.worker_ids) == 2  # killed once, run again by the second worker


def test_a_scheduled_job_runs_once_with_two_schedulers_and_two_workers(tmp_path):
    shared = Shared(tmp_path)
    code = (
        "from django.utils import timezone\n"
        "from chamber.core import queue\n"
        "queue.register_schedule('test.hourly', 'tests.queue_tasks.scheduled_write',\n"
        "    lambda now: now.replace(minute=0, second=0, microsecond=0))\n"
        "for _ in range(20): queue.tick()\n"
    )
    schedulers = [shared.python(code) for _ in range(2)]
    for p in schedulers:
        assert p.wait(120) == 0
    workers = [shared.start("worker", "--batch") for _ in range(2)]
    for w in workers:
        w.wait(120)
    shared.back()
    assert ScheduleRun.objects.filter(name="test.hourly").count() == 1
    assert AuditEntry.objects.filter(note__startswith="scheduled ").count() == 1


def test_retries_with_backoff_then_gives_up(settings):
    from django_tasks import task

    from chamber.core.queue import run_queued

    settings.CHAMBER_TASK_BACKOFF = 0
    settings.CHAMBER_TASK_ATTEMPTS = 3
    result = failing.enqueue()
    for _ in range(3):
        run_queued()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and len(row.worker_ids) == 3
    del task


from django_tasks import task as _task  # noqa: E402


@_task()
def failing() -> None:
    raise RuntimeError("always")


def test_a_worker_killed_mid_import_and_a_new_one_ends_with_the_import_done_once(
    tmp_path, world, settings
):
    from chamber.members.importers import jobs
    from chamber.members.importers.jobs import ImportJob
    from chamber.members.models import Enterprise

    from .import_helpers import make_csv, row

    rows = 20_000
    media = tmp_path / "media"
    (media / "imports").mkdir(parents=True)
    make_csv(media / "imports" / "big.csv", [row(n=i) for i in range(rows)])
    settings.CHAMBER_IMPORT_INLINE_BYTES = 0
    job = ImportJob.objects.create(
        user=world.secretary,
        organization=world.xixiang,
        file="imports/big.csv",
        original_name="big.csv",
        size=(media / "imports" / "big.csv").stat().st_size,
    )
    jobs.start(job, "write")  # queued: no worker yet
    shared = Shared(tmp_path)
    shared.env["CHAMBER_MEDIA"] = str(media)
    table = DBTaskResult._meta.db_table
    first = shared.start("worker", "--interval", "0.2")
    _wait(lambda: shared.count(f"SELECT COUNT(*) FROM {table} WHERE status='RUNNING'") == 1, 180)
    time.sleep(1.5)
    first.send_signal(signal.SIGKILL)
    first.wait()
    # killed mid-import: not finished, and nothing of it written
    assert (
        shared.count(
            f"SELECT COUNT(*) FROM members_importjob WHERE id={job.pk} AND finished IS NULL"
        )
        == 1
    )
    assert shared.count("SELECT COUNT(*) FROM members_enterprise") == 2  # the world's two
    second = shared.start("worker", "--interval", "0.2")
    try:
        _wait(
            lambda: shared.count(f"SELECT COUNT(*) FROM {table} WHERE status='SUCCESSFUL'") == 1,
            300,
        )
    finally:
        second.terminate()
        second.wait(20)
    shared.back()
    job.refresh_from_db()
    assert job.status == "done" and job.outcome["counts"]["enterprise"]["create"] == rows
    assert Enterprise.objects.count() == rows + 2
