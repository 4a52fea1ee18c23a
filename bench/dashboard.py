"""`make bench ONLY=dashboard`: the dashboard's body (`/reports/baoan/?part=body`, the
figures, charts and table the page fetches) for the district, on SQLite at demo scale.

The database is `var/bench/dashboard.sqlite3`, holding `chamber demo` (its default
size, or `--members`), built once and kept. The body is fetched in-process with
Django's test client as the demo's `district` user: once to warm up, then five times;
the median counts. The same is measured for the code of a baseline commit (by default
the one before the dashboard was made fast), exported with `git archive` and run on
the same database, so the line shows today's time beside the earlier one:

    BENCH dashboard members=… year=… body_ms=… previous_ms=… body_cpu_ms=… previous_cpu_ms=…
        year_2016_ms=… previous_2016_ms=…

`year` is the current year (what the dashboard opens on); 2016 is the demo's seed year,
full of records whatever the date. Details in var/bench/dashboard.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from .common import BENCH_SECRET, OUT, ROOT, write

BASELINE = "6131b0f"  # main before issue 11/13's dashboard work
SEED_YEAR = 2016

PROBE = r"""
import json, os, statistics, sys, time
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
settings.ALLOWED_HOSTS = ["*"]
client = Client()
client.force_login(get_user_model().objects.get(username="district"))
out = {}
for year in (timezone.localdate().year, %(seed)d):
    url = f"/reports/baoan/?year={year}&part=body"
    assert client.get(url).status_code == 200
    times, cpu = [], []
    for _ in range(5):
        t, c = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    out[str(year)] = round(statistics.median(times))
    # CPU time of the process (SQLite runs in it): what the body costs when the
    # machine is shared and wall time waits for a core.
    out[f"cpu_{year}"] = round(statistics.median(cpu))
print(json.dumps(out))
"""


def _probe(database_url: str, src: Path | None) -> dict[str, int] | None:
    """Median body times per year, from a fresh process running the code in `src`
    (None: this checkout's)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "chamber.settings",
        "CHAMBER_SECRET_KEY": BENCH_SECRET,
        "CHAMBER_DEBUG": "0",
    }
    if src is not None:
        env["PYTHONPATH"] = str(src)
    done = subprocess.run(
        [sys.executable, "-c", PROBE % {"seed": SEED_YEAR}],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        print(done.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def _baseline_src(commit: str, into: Path) -> Path | None:
    """The baseline's `src/` exported from git, or None outside a git checkout."""
    archive = into / "base.tar"
    with archive.open("wb") as f:
        done = subprocess.run(["git", "archive", commit, "src"], cwd=ROOT, stdout=f)
    if done.returncode:
        return None
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def run(members: int | None = None, database_url: str | None = None, baseline: str = BASELINE):
    path = OUT / "dashboard.sqlite3"
    OUT.mkdir(parents=True, exist_ok=True)
    url = (
        database_url if database_url and database_url.startswith("sqlite") else f"sqlite:///{path}"
    )
    env = {**os.environ, "DATABASE_URL": url, "CHAMBER_SECRET_KEY": BENCH_SECRET}
    chamber = str(Path(sys.executable).with_name("chamber"))
    subprocess.run([chamber, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    demo = [chamber, "demo", "--if-empty"] + (["--members", str(members)] if members else [])
    subprocess.run(demo, env=env, check=True, cwd=ROOT)
    count = (
        subprocess.run(
            [
                chamber,
                "shell",
                "-c",
                "from chamber.members.models import Membership as M; print(M.objects.count())",
            ],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    now = _probe(url, None)
    with tempfile.TemporaryDirectory() as tmp:
        src = _baseline_src(baseline, Path(tmp))
        before = _probe(url, src) if src else None
    if now is None:
        raise SystemExit("the dashboard body failed; see the error above")
    year = max((y for y in now if y.isdigit()), key=int)  # the current year
    seed = str(SEED_YEAR)
    summary = {
        "members": int(count),
        "year": int(year),
        "body_ms": now[year],
        "body_cpu_ms": now[f"cpu_{year}"],
        "previous_cpu_ms": before[f"cpu_{year}"] if before else None,
        "previous_ms": before[year] if before else None,
        f"year_{seed}_ms": now[seed],
        f"previous_{seed}_ms": before[seed] if before else None,
        "baseline": baseline,
        "database": "SQLite",
        "how": "in-process test client, median of 5 after a warm-up",
    }
    print(
        f"BENCH dashboard members={summary['members']} year={year} body_ms={summary['body_ms']} "
        f"previous_ms={summary['previous_ms']} body_cpu_ms={summary['body_cpu_ms']} "
        f"previous_cpu_ms={summary['previous_cpu_ms']} year_{seed}_ms={now[seed]} "
        f"previous_{seed}_ms={summary[f'previous_{seed}_ms']}",
        flush=True,
    )
    write("dashboard", summary)
    return summary
