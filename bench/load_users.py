"""`make bench ONLY=load`: 50 users at once for 60 s against Chamber on PostgreSQL behind
granian (docs/deploy.md's server, two workers), from a second process on 127.0.0.1.

Each user is a thread with its own keep-alive connection and session, signed in as the
district staff (30 users) or the Xixiang secretary (20 users), looping over a mix of
what staff do: directory searches (30 %), member pages (25 %), the case queue (20 %),
the dashboard (15 %, the page and its figures) and logging a visit (10 %, POST
/api/v1/visits/ with the user's token), with a think time of 0.2 to 1 s between
requests. Every answer must be 200 (201 for a visit): anything else is an error.
Prints `BENCH load users=50 requests=… errors=… p50_ms=… p99_ms=…` and writes
var/bench/load.json with the latencies per kind.

Why threads and http.client, not locust: locust (2.x, gevent) would add a dozen
packages for what 150 lines of the standard library do here; this generator already
serves the directory benchmark (bench/load.py).
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

from bench import common

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/chamber_load"
MIX = [("search", 30), ("member", 25), ("queue", 20), ("dashboard", 15), ("visit", 10)]


def _plan(members: int) -> dict:
    """What the users ask for, from the loaded demo."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from chamber.members.models import Membership
    from chamber.orgs.models import Organization
    from chamber.orgs.scope import org_ids

    rng = random.Random(14)
    users = {}
    for username, n in (("district", 30), ("xixiang", 20)):
        user = get_user_model().objects.get(username=username)
        ids = org_ids(user)
        mem = Membership.objects.active().filter(enterprise__isnull=False)
        if ids is not None:
            mem = mem.filter(organization_id__in=ids)
        rows = list(
            mem.order_by("id").values_list("enterprise_id", "name", "organization__code")[:5000]
        )
        sample = rng.sample(rows, min(300, len(rows)))
        org = Organization.objects.filter(code=sample[0][2]).first() if ids else None
        home = "baoan" if username == "district" else "baoan.xixiang"
        users[username] = {
            "n": n,
            "cookies": [common.session_cookie(username) for _ in range(n)],
            "token": Token.objects.get_or_create(user=user)[0].key,
            "searches": [
                "/members/?" + urlencode({"q": name.removeprefix("深圳市")[:2]})
                for _e, name, _c in sample[:80]
            ],
            "members": [f"/members/enterprises/{e}/" for e, _n, _c in sample],
            "visit_targets": [(e, c) for e, _n, c in sample[:100]],
            "dashboard": [f"/reports/{home}/", f"/reports/{home}/?part=body"],
            "org": org.code if org else home,
        }
    return {"users": users, "members": members}


def _user_loop(
    spec: dict, username: str, index: int, seconds: float, port: int, out: list, lock
) -> None:
    rng = random.Random(index)
    u = spec["users"][username]
    cookie = u["cookies"][index % len(u["cookies"])]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    kinds = [k for k, w in MIX for _ in range(w)]
    stop = time.monotonic() + seconds
    local = []
    while time.monotonic() < stop:
        kind = rng.choice(kinds)
        headers = {"Cookie": cookie, "Host": "127.0.0.1"}
        method, body, ok = "GET", None, (200,)
        if kind == "search":
            path = rng.choice(u["searches"])
        elif kind == "member":
            path = rng.choice(u["members"])
        elif kind == "queue":
            path = "/casework/"
        elif kind == "dashboard":
            path = rng.choice(u["dashboard"])
        else:
            ent, code = rng.choice(u["visit_targets"])
            method, path, ok = "POST", "/api/v1/visits/", (201,)
            headers = {
                "Authorization": f"Token {u['token']}",
                "Content-Type": "application/json",
                "Host": "127.0.0.1",
            }
            body = json.dumps(
                {
                    "organization": code,
                    "date": (
                        datetime.date.today() - datetime.timedelta(days=rng.randint(0, 30))
                    ).isoformat(),
                    "enterprises": [ent],
                    "purpose": "压力测试走访",
                }
            )
        t0 = time.perf_counter()
        status = 0
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException) as e:
            status = -1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            print(f"  {kind} {path}: {e}", file=sys.stderr)
        elapsed = time.perf_counter() - t0
        local.append((kind, elapsed, status in ok, status, path))
        time.sleep(rng.uniform(0.2, 1.0))
    conn.close()
    with lock:
        out.extend(local)


def drive(spec: dict, port: int, seconds: float) -> dict:
    """The load itself (runs in its own process: see run)."""
    out: list = []
    lock = threading.Lock()
    threads = []
    for username, u in spec["users"].items():
        for i in range(u["n"]):
            threads.append(
                threading.Thread(
                    target=_user_loop, args=(spec, username, i, seconds, port, out, lock)
                )
            )
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started

    def stats(rows):
        lat = sorted(r[1] for r in rows)
        n = len(lat)
        return {
            "requests": n,
            "errors": sum(1 for r in rows if not r[2]),
            "p50_ms": round(statistics.median(lat) * 1000, 1) if n else None,
            "p99_ms": round(lat[min(n - 1, int(n * 0.99))] * 1000, 1) if n else None,
        }

    result = {"users": len(threads), "seconds": round(wall, 1), **stats(out)}
    result["rps"] = round(result["requests"] / wall, 1)
    result["by_kind"] = {k: stats([r for r in out if r[0] == k]) for k, _w in MIX}
    result["error_samples"] = [f"{r[3]} {r[4]}" for r in out if not r[2]][:10]
    return result


def run(
    *, members: int = 20_000, database_url: str | None = None, seconds: float = 60.0, **_kw
) -> dict:
    database_url = database_url or DEFAULT_DB
    common.ensure_database(database_url)
    common.django_setup(database_url)
    actual = common.ensure_demo(members)
    spec = _plan(actual)
    server = common.AppServer(database_url)
    load_before = [round(x, 2) for x in os.getloadavg()]
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bench.load_users", str(server.port), str(seconds)],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            cwd=common.ROOT,
            check=True,
        )
        sys.stderr.write(proc.stderr[-2000:])
        result = json.loads(proc.stdout)
    finally:
        server.stop()
    result.update(
        load_average_before=load_before,
        load_average_after=[round(x, 2) for x in os.getloadavg()],
        members=actual,
        server="granian wsgi, 2 workers, PostgreSQL",
        database=database_url.rsplit("/", 1)[1],
    )
    print(
        f"BENCH load users={result['users']} requests={result['requests']} "
        f"errors={result['errors']} p50_ms={result['p50_ms']} p99_ms={result['p99_ms']} "
        f"load_avg_before={load_before[0]} load_avg_after={result['load_average_after'][0]}",
        flush=True,
    )
    for kind, s in result["by_kind"].items():
        print(f"  {kind:10} {s}", flush=True)
    common.write("load", result)
    return result


if __name__ == "__main__":
    port, seconds = int(sys.argv[1]), float(sys.argv[2])
    print(json.dumps(drive(json.loads(sys.stdin.read()), port, seconds)))
