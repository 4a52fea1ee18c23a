"""Shared set-up for benchmarks: a PostgreSQL database holding the demo, an app server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/chamber_bench"
BENCH_SECRET = "chamber-bench-secret-key-not-for-production"
# Personal data at rest has its own key (chamber.core.fields); a fixed one for benches.
BENCH_FIELD_KEY = "YmVuY2gtZmllbGQta2V5LW5vdC1mb3ItcHJvZHVjdGk="


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings")
    os.environ["CHAMBER_SECRET_KEY"] = BENCH_SECRET
    os.environ.setdefault("CHAMBER_FIELD_KEYS", BENCH_FIELD_KEY)
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_demo(members: int) -> int:
    """Migrate and load the demo with `members` members unless a demo is there already."""
    from django.core.management import call_command
    from django.db import connection

    from chamber.members.models import Membership
    from chamber.orgs.models import Organization

    call_command("migrate", verbosity=0)
    if not Organization.objects.filter(code="baoan").exists():
        print(f"loading the demo with {members:,} members (once) ...", flush=True)
        call_command("demo", members=members)
        with connection.cursor() as c:
            c.execute("ANALYZE")
    return Membership.objects.count()


def session_cookie(username: str) -> str:
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "chamber.orgs.backends.ChamberBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(3600)
    store.save()
    return f"sessionid={store.session_key}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """granian (WSGI), as docs/deploy.md recommends, serving Chamber plus bench.naive."""

    def __init__(self, database_url: str, workers: int = 2):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CHAMBER_SECRET_KEY": BENCH_SECRET,
            "CHAMBER_FIELD_KEYS": os.environ.get("CHAMBER_FIELD_KEYS", BENCH_FIELD_KEY),
            "CHAMBER_DEBUG": "0",
            "CHAMBER_URLCONF": "bench.naive",
            "CHAMBER_ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONPATH": str(ROOT),
        }
        granian = str(Path(sys.executable).with_name("granian"))
        self.proc = subprocess.Popen(
            [
                granian,
                "--interface",
                "wsgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--blocking-threads",
                "1",
                "--no-ws",
                "--log-level",
                "warning",
                "chamber.wsgi:application",
            ],
            env=env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("the app server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def load(port: int, paths: list[str], cookie: str, seconds: float, concurrency: int) -> dict:
    """Run bench.load in a second process against the server."""
    spec = {
        "host": "127.0.0.1",
        "port": port,
        "paths": paths,
        "cookie": cookie,
        "seconds": seconds,
        "concurrency": concurrency,
    }
    out = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.stdout)


def write(name: str, data: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return path
