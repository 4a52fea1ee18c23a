"""`make bench ONLY=report`: the district's year's account at scale, Chamber beside a
hand-written SQL floor.

The database (PostgreSQL, chamber_bench by default, shared with the directory bench)
holds the demo federation with `--members` members (1,000,000 by default); service
records (visits, cases, events, registrations, check-ins, donations) are then topped
up with set-based SQL to `--records` (5,000,000 by default), spread over 2014–2019 and
the district's streets, so that the year measured (2016) holds about a sixth of them.
Both are built once and kept.

Then, in one process and one run: the report of the district (`baoan`) for 2016 —
figures for the district and for each street in force that year — computed by
`chamber.reports.annual.annual_report` and by `bench.report_floor.floor_report`, the
same figures in hand-written SQL. Each is run once to warm the caches, then timed
three times; the median counts. The two results must be equal, or the bench fails.

Prints `BENCH report members=… records=… chamber_s=… floor_s=… ratio=…` and writes
var/bench/report.json.
"""

from __future__ import annotations

import datetime
import json
import statistics
import sys
import time
from typing import Any

from .common import DEFAULT_PG, django_setup, ensure_database, ensure_demo, write

ORG = "baoan"
YEAR = 2016
FIRST, LAST = datetime.date(2014, 1, 1), datetime.date(2019, 12, 31)
RECORDS = 5_000_000

# Share of the records each kind gets when topping up (sums to 1).
MIX = {
    "visits": 0.20,
    "cases": 0.10,
    "events": 0.004,
    "registrations": 0.336,
    "checkins": 0.28,
    "donations": 0.08,
}
PER_EVENT = 84  # registrations per generated event


def service_records() -> dict[str, int]:
    """Rows of each service table (what `records=` counts)."""
    from django.db import connection

    tables = {
        "visits": "casework_visit",
        "cases": "casework_case",
        "events": "activities_event",
        "registrations": "activities_registration",
        "checkins": "activities_checkin",
        "donations": "activities_donation",
        "proposals": "politics_proposal",
        "posts": "politics_politicalpost",
    }
    with connection.cursor() as c:
        out = {}
        for key, table in tables.items():
            c.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            out[key] = c.fetchone()[0]
    return out


def top_up(target: int) -> dict[str, int]:
    """Add generated service records until the tables hold `target` rows in all."""
    from django.db import connection, transaction

    from chamber.activities.choices import EventKind
    from chamber.casework.choices import CaseSource, Priority, Status, VisitKind
    from chamber.orgs.models import Organization

    have = service_records()
    missing = target - sum(have.values())
    if missing <= target // 100:  # within 1 %: topped up before (shares round down)
        return have
    want = {k: int(missing * share) for k, share in MIX.items()}
    want["events"] = max(1, want["registrations"] // PER_EVENT)
    print(f"adding {missing:,} service records (once) ...", file=sys.stderr, flush=True)
    root = Organization.objects.get(code=ORG)
    streets = list(
        Organization.objects.filter(path__startswith=root.path)
        .exclude(pk=root.pk)
        .values_list("pk", flat=True)
    )
    days = (LAST - FIRST).days
    params = {
        "orgs": streets,
        "first": FIRST,
        "days": days,
        "visit_kinds": VisitKind.values,
        "event_kinds": [k for k in EventKind.values if k != EventKind.OTHER],
        "sources": CaseSource.values,
        "priorities": Priority.values,
        "statuses": [
            s for s in Status.values if s not in (Status.MERGED,)
        ],  # merged cases need a target; the demo has some
    }
    steps = [
        (
            "enterprise sample",
            """
            CREATE TEMP TABLE bench_ents ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY id) AS rn, id FROM members_enterprise;
            CREATE UNIQUE INDEX ON bench_ents (rn);
            ANALYZE bench_ents;
            """,
        ),
        (
            "visits",
            """
            INSERT INTO casework_visit (date, kind, others, purpose, notes, created, updated,
                                        organization_id)
            SELECT %(first)s::date + (random() * %(days)s)::int,
                   (%(visit_kinds)s::text[])[1 + (random() * 3.999)::int %% 4],
                   '', 'bench', '', now(), now(),
                   (%(orgs)s::bigint[])[1 + (random() * (cardinality(%(orgs)s::bigint[]) - 1))::int]
            FROM generate_series(1, %(visits)s);
            """,
        ),
        (
            "visit enterprises",
            """
            INSERT INTO casework_visit_enterprises (visit_id, enterprise_id)
            SELECT v.id, e.id
            FROM casework_visit v
            CROSS JOIN generate_series(0, 1) k
            JOIN bench_ents e
              ON e.rn = 1 + ((v.id * 7919 + k * 104729) %% (SELECT count(*) FROM bench_ents))
            WHERE v.purpose = 'bench' AND (k = 0 OR v.id %% 5 = 0)
            ON CONFLICT DO NOTHING;
            """,
        ),
        (
            "cases",
            """
            INSERT INTO casework_case (source, title, description, priority, status, received_on,
                due_on, return_count, escalated, urge_count, resolution, resolved_on,
                satisfaction, satisfaction_score, follow_up_comment, followed_up_on,
                reopen_count, created, updated, enterprise_id, organization_id, category_id,
                department_id)
            SELECT src, 'bench', '', pri, st, recv, recv + 21, 0, false, 0,
                   CASE WHEN done THEN 'bench' ELSE '' END,
                   CASE WHEN done THEN recv + (random() * 40)::int END,
                   CASE WHEN followed THEN sat ELSE '' END,
                   CASE WHEN followed THEN CASE sat WHEN 'satisfied' THEN 5 WHEN 'basic' THEN 4
                        ELSE 2 END END,
                   '',
                   CASE WHEN followed THEN recv + 45 END,
                   CASE WHEN st = 'reopened' THEN 1 ELSE 0 END,
                   now(), now(), ent, org, cat, dept
            FROM (
                SELECT (%(sources)s::text[])[1 + (random() * 5.999)::int %% 6] AS src,
                       (%(priorities)s::text[])[1 + (random() * 3.999)::int %% 4] AS pri,
                       st,
                       %(first)s::date + (random() * %(days)s)::int AS recv,
                       st IN ('resolved', 'followed_up', 'closed') AS done,
                       st IN ('followed_up', 'closed') AS followed,
                       (ARRAY['satisfied', 'satisfied', 'basic', 'unsatisfied'])
                           [1 + (random() * 3.999)::int %% 4] AS sat,
                       (SELECT id FROM bench_ents WHERE rn = 1 + (g * 7907) %%
                           (SELECT count(*) FROM bench_ents)) AS ent,
                       (%(orgs)s::bigint[])[1 + (random() * (cardinality(%(orgs)s::bigint[]) - 1))::int]
                           AS org,
                       ((SELECT array_agg(id) FROM casework_category))[1 + g %% (SELECT
                           NULLIF(count(*), 0) FROM casework_category)] AS cat,
                       ((SELECT array_agg(id) FROM casework_department))[1 + g %% (SELECT
                           NULLIF(count(*), 0) FROM casework_department)] AS dept
                FROM generate_series(1::bigint, %(cases)s) g,
                     LATERAL (SELECT (ARRAY['closed', 'closed', 'closed', 'followed_up',
                         'resolved', 'in_progress', 'assigned', 'received', 'rejected',
                         'reopened'])[1 + (g * 31 %% 10)] AS st) s
            ) c;
            """,
        ),
        (
            "events",
            """
            INSERT INTO activities_event (kind, title, status, starts_at, ends_at, place,
                destination, city, description, cancel_reason, created, updated,
                organization_id)
            SELECT kind, 'bench', 'closed', at, at + interval '3 hours', '', '', '', '', '',
                   now(), now(), org
            FROM (
                SELECT (%(event_kinds)s::text[])[1 + g %% cardinality(%(event_kinds)s::text[])]
                           AS kind,
                       (%(first)s::date + (random() * %(days)s)::int)::timestamp AT TIME ZONE
                           'Asia/Shanghai' + interval '9 hours' AS at,
                       (%(orgs)s::bigint[])[1 + (random() * (cardinality(%(orgs)s::bigint[]) - 1))::int]
                           AS org
                FROM generate_series(1::bigint, %(events)s) g
            ) e;
            INSERT INTO activities_eventcoorganizer (event_id, organization_id)
            SELECT e.id, (%(orgs)s::bigint[])[1 + (e.id %% cardinality(%(orgs)s::bigint[]))]
            FROM activities_event e
            WHERE e.title = 'bench' AND e.id %% 10 = 0
            ON CONFLICT DO NOTHING;
            """,
        ),
        (
            "registrations",
            """
            INSERT INTO activities_registration (party_size, status, walk_in, code, note,
                registered_at, enterprise_id, event_id)
            SELECT 1 + (k %% 3 = 0)::int, 'confirmed', false,
                   'B' || lpad(to_hex(e.id) || '-' || k, 14, '0'), '',
                   e.starts_at - interval '3 days',
                   (SELECT id FROM bench_ents WHERE rn = 1 + ((e.id * %(per_event)s + k) %%
                       (SELECT count(*) FROM bench_ents))),
                   e.id
            FROM activities_event e
            CROSS JOIN generate_series(1, %(per_event)s) k
            WHERE e.title = 'bench';
            """,
        ),
        (
            "check-ins",
            """
            INSERT INTO activities_checkin (at, headcount, method, registration_id)
            SELECT e.starts_at, r.party_size, 'camera', r.id
            FROM activities_registration r
            JOIN activities_event e ON e.id = r.event_id
            WHERE e.title = 'bench' AND r.id %% 6 <> 0
            ON CONFLICT DO NOTHING;
            """,
        ),
        (
            "donations",
            """
            INSERT INTO activities_donation (kind, amount, goods, purpose, campaign, recipient,
                date, receipt_no, note, void_reason, created, enterprise_id, organization_id)
            SELECT CASE WHEN g %% 4 = 0 THEN 'in_kind' ELSE 'money' END,
                   round((100 + random() * 99900)::numeric, 2),
                   CASE WHEN g %% 4 = 0 THEN 'bench goods' ELSE '' END,
                   'campaign', 'bench', '', %(first)s::date + (random() * %(days)s)::int,
                   '', '', '', now(),
                   (SELECT id FROM bench_ents WHERE rn = 1 + (g * 7901) %%
                       (SELECT count(*) FROM bench_ents)),
                   (%(orgs)s::bigint[])[1 + (random() * (cardinality(%(orgs)s::bigint[]) - 1))::int]
            FROM generate_series(1::bigint, %(donations)s) g;
            """,
        ),
    ]
    params.update(want)
    params["per_event"] = PER_EVENT
    with transaction.atomic(), connection.cursor() as c:
        c.execute("SET LOCAL work_mem = '256MB'")
        for name, sql in steps:
            t0 = time.perf_counter()
            c.execute(sql, params)
            print(f"  {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    with connection.cursor() as c:
        c.execute("ANALYZE")
    return service_records()


def _timed(fn, runs: int = 3) -> tuple[float, list[float], Any]:
    fn()  # warm the caches (and Django's)
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def _first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return f"{path}.{key}: only in {'floor' if key in b else 'chamber'}"
            diff = _first_difference(a[key], b[key], f"{path}.{key}")
            if diff:
                return diff
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            diff = _first_difference(x, y, f"{path}[{i}]")
            if diff:
                return diff
        return None
    return None if a == b else f"{path}: chamber {a!r} vs floor {b!r}"


def _p95(times: list[float]) -> float:
    return round(statistics.quantiles(times, n=20, method="inclusive")[-1] * 1000, 1)


def dashboard_body(org: Any, period: Any, warm_runs: int = 40, live_runs: int = 5) -> dict:
    """The leader's dashboard body (`part=body`: figures and charts) through Django's
    test client, in Chinese: warm from the stored figures, and live (every stored
    document made stale first, as a write does); a cold recomputation of the year by
    `refresh_stale`; and how long after a committed write its figure is served."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from chamber.reports.store import figures_changed, refresh_stale, stored_report

    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(get_user_model().objects.get(username="leader"))
    url = f"/reports/{org.code}/?year={period.start.year}&part=body"

    def get() -> float:
        t0 = time.perf_counter()
        response = client.get(url, secure=True)
        elapsed = time.perf_counter() - t0
        if response.status_code != 200:
            raise SystemExit(f"dashboard body: HTTP {response.status_code}")
        return elapsed

    get()  # store it
    warm = [get() for _ in range(warm_runs)]
    live = []
    for _ in range(live_runs):
        figures_changed()
        live.append(get())
    cold = []
    for _ in range(3):
        figures_changed()
        t0 = time.perf_counter()
        refresh_stale()
        cold.append(time.perf_counter() - t0)
    # A write, then the scheduler's refresh: the figure is served from the store.
    before = stored_report(org, period)["members"]["total"]
    t0 = time.perf_counter()
    figures_changed()  # stands for a committed write (the counter is what readers see)
    refresh_stale()
    stored_report(org, period)
    visible = time.perf_counter() - t0
    assert stored_report(org, period)["members"]["total"] == before
    return {
        "warm_p95_ms": _p95(warm),
        "warm_median_ms": round(statistics.median(warm) * 1000, 1),
        "live_p95_ms": _p95(live),
        "live_median_ms": round(statistics.median(live) * 1000, 1),
        "cold_s": round(statistics.median(cold), 3),
        "write_visible_s": round(visible, 3),
    }


def run(
    members: int = 1_000_000, database_url: str | None = None, records: int | None = None
) -> dict:
    # Five service records per member, as at a million members (5 M), below that too.
    records = records or min(RECORDS, 5 * members)
    url = database_url or DEFAULT_PG
    if not url.startswith("postgres"):
        raise SystemExit("the report benchmark runs on PostgreSQL (--database-url postgres://...)")
    ensure_database(url)
    django_setup(url)
    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils import timezone

    from chamber.members.models import Membership
    from chamber.orgs.models import Organization
    from chamber.reports.annual import annual_report
    from chamber.reports.period import Period

    from .report_floor import floor_report

    ensure_demo(members)
    counts = top_up(records)
    member_count = Membership.objects.values("enterprise_id").distinct().count()
    org = Organization.objects.get(code=ORG)
    period = Period.year(YEAR)
    today = timezone.localdate()

    def chamber() -> dict:
        report = annual_report(Organization.objects.get(code=ORG), period)
        return json.loads(json.dumps(report, cls=DjangoJSONEncoder))

    # The floor gets a plain psycopg connection of its own: no Django in its way (Django's
    # connection leaves JSON undecoded for its JSONField).
    import psycopg

    raw = psycopg.connect(url, autocommit=True)

    def floor() -> dict:
        return floor_report(raw, org.code, period.start, period.end, today)

    chamber_s, chamber_runs, ours = _timed(chamber)
    floor_s, floor_runs, theirs = _timed(floor)
    ours.pop("computed_at", None)
    diff = _first_difference(ours, theirs)
    body = dashboard_body(org, period)
    records_total = sum(counts.values())
    summary = {
        "members": member_count,
        "records": records_total,
        "records_by_kind": counts,
        "org": ORG,
        "year": YEAR,
        "chamber_s": round(chamber_s, 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(chamber_s / floor_s, 2),
        "chamber_runs_s": [round(t, 3) for t in chamber_runs],
        "floor_runs_s": [round(t, 3) for t in floor_runs],
        "same_figures": diff is None,
        "first_difference": diff,
        "children": len(ours.get("children", [])),
        **body,
        "cold_ratio": round(body["cold_s"] / floor_s, 2),
    }
    write("report", summary)
    print(
        f"BENCH report members={member_count} records={records_total} "
        f"chamber_s={summary['chamber_s']} floor_s={summary['floor_s']} ratio={summary['ratio']}",
        flush=True,
    )
    print(
        f"BENCH report stored members={member_count} records={records_total} "
        f"warm_p95_ms={body['warm_p95_ms']} live_p95_ms={body['live_p95_ms']} "
        f"cold_s={body['cold_s']} floor_s={summary['floor_s']} ratio={summary['cold_ratio']} "
        f"write_visible_s={body['write_visible_s']}",
        flush=True,
    )
    if diff:
        print(f"the floor and Chamber disagree: {diff}", file=sys.stderr)
        raise SystemExit(1)
    return summary


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=None)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    run(args.members, args.database_url, args.records)
