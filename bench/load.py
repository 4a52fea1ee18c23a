"""A small HTTP load generator (threads, keep-alive), run as a separate process on
127.0.0.1 so it doesn't share the server's interpreter."""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time


def run(host: str, port: int, paths: list[str], cookie: str, seconds: float, concurrency: int):
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(offset: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(host, port, timeout=30)
        i = offset
        local: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += concurrency
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            local.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(local)
            errors += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "errors": errors,
        "rps": round(n / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if n else None,
        "p99_ms": round(latencies[min(n - 1, int(n * 0.99))] * 1000, 1) if n else None,
    }


if __name__ == "__main__":
    spec = json.loads(sys.stdin.read())
    print(json.dumps(run(**spec)))
