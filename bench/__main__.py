"""python -m bench [--only NAME] [--rows N] [--members N]: run the benchmarks.

Each benchmark prints one `BENCH <name> key=value ...` line and writes var/bench/<name>.json.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

BENCHES = {
    # name: (module, what it needs)
    "directory": "bench.directory",
    "import": "bench.import_bench",
    "report": "bench.report",
    "dashboard": "bench.dashboard",
    "load": "bench.load_users",
    "notify": "bench.notify",
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--only", choices=sorted(BENCHES), help="run one benchmark")
    parser.add_argument("--rows", type=int, help="rows for the import benchmark")
    parser.add_argument("--members", type=int, default=None, help="members for directory/report")
    parser.add_argument("--seconds", type=float, default=8.0, help="load duration per scenario")
    parser.add_argument("--load-seconds", type=float, default=60.0, help="load: duration")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    names = [args.only] if args.only else list(BENCHES)
    for name in names:
        try:
            module = importlib.import_module(BENCHES[name])
        except ModuleNotFoundError as e:
            print(f"BENCH {name} skipped: {e}", file=sys.stderr)
            continue
        kwargs = {"database_url": args.database_url}
        if name == "import":
            kwargs["rows"] = args.rows or 100_000
        elif name == "dashboard":
            kwargs["members"] = args.members  # the demo's own size unless given
        else:
            kwargs["members"] = args.members or 1_000_000
        if name == "directory":
            kwargs["seconds"] = args.seconds
        if name == "load":
            kwargs["members"] = args.members or 20_000
            kwargs["seconds"] = args.load_seconds
        module.run(**kwargs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
