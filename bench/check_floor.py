"""Check that the SQL floor (bench.report_floor) gives exactly the annual report:

    DATABASE_URL=postgres://... python -m bench.check_floor [--today YYYY-MM-DD ...]

For Bao'an and two streets, the years 2015-2017 and 2016 Q2, compares
floor_report(...) with annual_report(...) as JSON carries it, with the same "today",
prints the first differing key path on a mismatch (exit 1), and the time each took.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from typing import Any
from unittest import mock

from bench.common import django_setup

ORGS = ["baoan", "baoan.xixiang", "baoan.hangcheng"]  # a street split in 2017, one new


def first_difference(a: Any, b: Any, path: str = "$") -> str | None:
    """The path of the first place where `a` (the app) and `b` (the floor) differ, with
    both values; None when equal. Strict about types: 4 and 4.0 differ."""
    if type(a) is not type(b):
        return f"{path}: type {type(a).__name__} {a!r} != {type(b).__name__} {b!r}"
    if isinstance(a, dict):
        for k in a.keys() | b.keys():
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'app' if k in a else 'floor'}"
        for k in a:
            diff = first_difference(a[k], b[k], f"{path}.{k}")
            if diff:
                return diff
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            diff = first_difference(x, y, f"{path}[{i}]")
            if diff:
                return diff
        if len(a) != len(b):
            return f"{path}: {len(a)} items in the app, {len(b)} in the floor"
        return None
    return None if a == b else f"{path}: app {a!r} != floor {b!r}"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.check_floor")
    parser.add_argument(
        "--today",
        action="append",
        type=datetime.date.fromisoformat,
        help="the day for the 'now' figures (default: today and 2016-07-01)",
    )
    args = parser.parse_args()
    django_setup(os.environ["DATABASE_URL"])

    import psycopg
    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils import timezone

    from bench.report_floor import floor_report
    from chamber.orgs.models import Organization
    from chamber.reports.annual import annual_report
    from chamber.reports.period import Period

    # Mid-2016 as well as today: cases and proposals still open then are "overdue now".
    todays = args.today or [timezone.localdate(), datetime.date(2016, 7, 1)]
    periods = [Period.year(y) for y in (2015, 2016, 2017)] + [Period.quarter(2016, 2)]
    failures = 0
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        for today in todays:
            for code in ORGS:
                org = Organization.objects.get(code=code)
                for period in periods:
                    with mock.patch("django.utils.timezone.localdate", return_value=today):
                        t0 = time.perf_counter()
                        app = annual_report(org, period)
                        t_app = time.perf_counter() - t0
                    app = json.loads(json.dumps(app, cls=DjangoJSONEncoder))
                    app.pop("computed_at", None)  # when, not what: the floor has no clock
                    t0 = time.perf_counter()
                    floor = floor_report(conn, code, period.start, period.end, today)
                    t_floor = time.perf_counter() - t0
                    # The floor must be JSON as it is, too.
                    floor = json.loads(json.dumps(floor))
                    diff = first_difference(app, floor)
                    status = "ok  " if diff is None else "DIFF"
                    print(
                        f"{status} {code:16} {period.label():10} today={today} "
                        f"app {t_app * 1000:7.1f} ms  floor {t_floor * 1000:6.1f} ms"
                        f"  ({len(app['children'])} children)"
                    )
                    if diff:
                        print(f"     first difference: {diff}")
                        failures += 1
    print("all match" if not failures else f"{failures} mismatching reports")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
