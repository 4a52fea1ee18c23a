"""A process killed with SIGKILL in the middle of an import, a case step and an event
sign-up leaves nothing half-written (issue 14, item 8): each write is one transaction.

The service runs in a real child process (tests/kill_worker.py) on a database both
processes can open: the test database on PostgreSQL, a temporary SQLite file otherwise.
The child stops inside its transaction after writing rows and is killed there; the
database then holds exactly what it held before. A control run without the kill shows
the same write does change the database (the stop is on the write path)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from .import_helpers import make_xlsx, row

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_url(tmp_path):
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    url = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    _worker(url, ["migrate", "--noinput"], module="chamber")
    return url


def _env(url: str, **extra: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), **extra}
    env.pop("KILL_WORKER_NO_PAUSE", None)
    env.update(extra)
    return env


def _worker(url: str, args: list[str], module: str = "tests.kill_worker", **extra) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=_env(url, **extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _state(url: str) -> dict:
    return json.loads(_worker(url, ["state"]).strip().splitlines()[-1])


def _kill_mid_write(url: str, args: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.kill_worker", *args],
        env=_env(url),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        while line and line.strip() != "MIDWRITE":
            line = proc.stdout.readline()
        assert line.strip() == "MIDWRITE", proc.stderr.read()[-3000:]
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_kill_in_the_middle_of_an_import_a_case_step_and_a_sign_up(database_url, tmp_path):
    ids = json.loads(_worker(database_url, ["seed"]).strip().splitlines()[-1])
    sheet = make_xlsx(tmp_path / "m.xlsx", [row(n=i) for i in range(120)])  # three chunks
    steps = {
        "import": ["import", str(sheet)],
        "case": ["case", str(ids["case"])],
        "signup": ["signup", str(ids["event"]), str(ids["enterprise"]), str(ids["person"])],
    }
    for name, args in steps.items():
        before = _state(database_url)
        _kill_mid_write(database_url, args)
        after_kill = _state(database_url)
        assert after_kill == before, f"{name}: half-written after the kill"
        # the control: the same write, not killed, does change the database
        out = _worker(database_url, args, KILL_WORKER_NO_PAUSE="1")
        assert "DONE" in out
        after = _state(database_url)
        assert after != before, f"{name}: the control changed nothing"
        if name == "import":
            assert after["enterprises"] == before["enterprises"] + 120
        elif name == "case":
            assert after["case_events"] == before["case_events"] + 1
        else:
            assert after["registrations"] == before["registrations"] + 1
