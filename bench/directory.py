"""Directory benchmark: Chamber's member directory beside the naive Django page
(icontains + Paginator), both served by granian from the same database, loaded from a
second process on 127.0.0.1.

Prints `BENCH directory members=… search_p99_ms=… naive_rps=… chamber_rps=… ratio=…`.
"""

from __future__ import annotations

import random
from urllib.parse import urlencode

from . import common


def _paths(members: int, rng: random.Random) -> dict[str, tuple[list[str], list[str]]]:
    """Per scenario: (Chamber's URLs, the naive page's URLs) asking the same thing."""
    from chamber.core.pagination import _encode
    from chamber.members.models import Membership

    sample = list(
        Membership.objects.order_by("?").values_list("name", "initials")[:200]
        if members <= 200_000
        else Membership.objects.filter(
            id__in=[rng.randint(1, members) for _ in range(400)]
        ).values_list("name", "initials")
    )
    fragments, initials = [], []
    for name, inits in sample:
        core = name.removeprefix("深圳市")
        if len(core) >= 2:
            fragments.append(core[:2])
        if len(inits) >= 3:
            initials.append(inits[: rng.choice((2, 3, 4))])
    fragments, initials = fragments[:60], initials[:60]
    deep_offsets = [members // 2 + rng.randint(0, members // 4) for _ in range(20)]
    ordered = Membership.objects.active().order_by("sort_key", "id")
    cursors = []
    for off in deep_offsets[:5]:  # finding deep rows is slow: five are plenty
        row = ordered.values_list("sort_key", "id")[off // 2 : off // 2 + 1].first()
        if row:
            cursors.append(_encode(["n", row[0], row[1]]))

    def chamber(q: dict) -> str:
        return "/members/?" + urlencode(q)

    def naive(q: dict) -> str:
        return "/naive/members/?" + urlencode(q)

    return {
        "search_chinese": (
            [chamber({"q": f}) for f in fragments],
            [naive({"q": f}) for f in fragments],
        ),
        "search_initials": (
            [chamber({"q": i}) for i in initials],
            [naive({"q": i}) for i in initials],
        ),
        "deep_page": (
            [chamber({"cursor": c}) for c in cursors],
            [naive({"page": off // 100}) for off in deep_offsets],
        ),
    }


def _queries_per_page(paths: dict) -> dict[str, int]:
    """Queries one request of each Chamber scenario makes (in-process test client)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="district"))
    counts = {}
    for name, (ours, _naive) in paths.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(ours[0]).status_code == 200
        counts[name] = len(ctx.captured_queries)
    return counts


def run(
    *,
    members: int = 1_000_000,
    database_url: str | None = None,
    seconds: float = 8.0,
    concurrency: int = 4,
) -> dict:
    database_url = database_url or common.DEFAULT_PG
    common.ensure_database(database_url)
    common.django_setup(database_url)
    actual = common.ensure_demo(members)
    rng = random.Random(2016)
    paths = _paths(actual, rng)
    queries = _queries_per_page(paths)
    cookie = common.session_cookie("district")
    server = common.AppServer(database_url)
    results: dict[str, dict] = {}
    try:
        for name, (ours, theirs) in paths.items():
            common.load(server.port, ours[:3], cookie, 2, concurrency)  # warm up
            results[f"chamber_{name}"] = common.load(
                server.port, ours, cookie, seconds, concurrency
            )
            results[f"naive_{name}"] = common.load(
                server.port, theirs, cookie, seconds, concurrency
            )
            print(
                f"  {name:16} chamber {results[f'chamber_{name}']}  naive {results[f'naive_{name}']}",
                flush=True,
            )
    finally:
        server.stop()
    scen = list(paths)
    chamber_rps = sum(results[f"chamber_{s}"]["rps"] for s in scen) / len(scen)
    naive_rps = sum(results[f"naive_{s}"]["rps"] for s in scen) / len(scen)
    search_p99 = max(
        results[f"chamber_{s}"]["p99_ms"] for s in ("search_chinese", "search_initials")
    )
    summary = {
        "members": actual,
        "search_p99_ms": search_p99,
        "deep_page_p99_ms": results["chamber_deep_page"]["p99_ms"],
        "naive_rps": round(naive_rps, 1),
        "chamber_rps": round(chamber_rps, 1),
        "ratio": round(chamber_rps / naive_rps, 1) if naive_rps else None,
        "queries_per_page": queries,
        "scenarios": results,
        "server": "granian wsgi, 2 workers",
        "load": f"{concurrency} keep-alive connections, {seconds:g}s per scenario",
    }
    print(
        f"BENCH directory members={actual} search_p99_ms={search_p99} "
        f"naive_rps={summary['naive_rps']} chamber_rps={summary['chamber_rps']} "
        f"ratio={summary['ratio']}",
        flush=True,
    )
    common.write("directory", summary)
    return summary
