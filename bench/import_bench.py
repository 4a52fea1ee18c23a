"""The import benchmark: Chamber's member import beside django-import-export.

    python -m bench.import_bench --rows N [--database-url postgres://.../any]

One generated .xlsx (the template's columns, realistic names and valid codes) is
imported by each contender into the same database, fresh each time:

- chamber:   `chamber import members` (validation, people, memberships, search forms,
             size class, audit entries: everything the register keeps);
- baseline:  django-import-export, a ModelResource on Enterprise with the credit code as
             import id and use_bulk=True, reading the file through tablib as it does;
- fastpath:  the same with use_bulk, skip_diff and force_init_instance;
- floor:     reading the file with python-calamine and bulk-inserting the enterprises,
             nothing else: no import can be faster than this.

Then the unchanged file is imported again (Chamber's re-import beside
django-import-export's update path, use_bulk), and the register is exported (.xlsx
and .csv). Each contender runs in a process of its own, so its peak memory (max RSS)
is its own. The database is a temporary SQLite file, or on PostgreSQL a database named
chamber_io_bench on the given server, created and dropped here.

Prints `BENCH import rows=N chamber_rows_s=… baseline_rows_s=… fastpath_rows_s=…
floor_rows_s=… ratio=…` (ratio: Chamber over use_bulk) and writes var/bench/import.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
PG_NAME = "chamber_io_bench"
SEED = 2016
ORG = "bench.street"


# --- the file -----------------------------------------------------------------------------


def generate(rows: int, path: Path, seed: int = SEED) -> Path:
    """A member sheet as a secretary fills it: every column, real-looking values."""
    from openpyxl import Workbook

    from chamber.demo.members import CORE_CHARS, SUFFIXES, TRADES, Generator
    from chamber.members.importers.columns import COLUMNS, RANK_LABELS, SIZE_LABELS

    gen = Generator(seed)
    rng = gen.rng
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("会员名册")
    ws.append([c.header for c in COLUMNS])
    ranks = list(RANK_LABELS.values())
    sizes = list(SIZE_LABELS.values()) + [""] * 4
    seen: set[str] = set()
    for _i in range(rows):
        trade, section, division = rng.choice(TRADES)
        while True:
            core = "".join(rng.choice(CORE_CHARS) for _ in range(rng.choice((2, 3, 3, 4))))
            name = ("深圳市" if rng.random() < 0.7 else "") + core + trade + rng.choice(SUFFIXES)
            if name not in seen:
                seen.add(name)
                break
        rep = gen.person_name()
        employees = int(rng.lognormvariate(3.6, 1.2)) + 1
        ws.append(
            [
                name,
                gen.uscc(),
                "企业会员",
                rep,
                rep,
                gen.mobile(),
                f"{section}{division}" if rng.random() < 0.8 else section,
                rng.choice(sizes),
                float(rng.choice([50, 100, 200, 500, 1000, 3000])),
                employees,
                float(Decimal(int(employees * rng.uniform(20, 120)))),
                f"深圳市宝安区西乡街道{rng.randint(1, 300)}号",
                datetime.date(rng.randint(1992, 2016), rng.randint(1, 12), rng.randint(1, 28)),
                datetime.date(rng.randint(2013, 2017), rng.randint(1, 12), rng.randint(1, 28)),
                ranks[-1] if rng.random() < 0.97 else rng.choice(ranks),
                "",
            ]
        )
    wb.save(path)
    return path


# --- contenders (each in its own process) -------------------------------------------------


def _die_resource(fast: bool):
    from import_export import fields, resources, widgets

    from chamber.members.models import Enterprise

    class EnterpriseResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="企业名称")
        uscc = fields.Field(attribute="uscc", column_name="统一社会信用代码")
        legal_representative = fields.Field(
            attribute="legal_representative", column_name="法定代表人"
        )
        contact_name = fields.Field(attribute="contact_name", column_name="联系人")
        contact_phone = fields.Field(attribute="contact_phone", column_name="联系电话")
        registered_capital = fields.Field(
            attribute="registered_capital",
            column_name="注册资本(万元)",
            widget=widgets.DecimalWidget(),
        )
        employees = fields.Field(
            attribute="employees", column_name="从业人数", widget=widgets.IntegerWidget()
        )
        revenue = fields.Field(
            attribute="revenue", column_name="营业收入(万元)", widget=widgets.DecimalWidget()
        )
        registered_address = fields.Field(attribute="registered_address", column_name="地址")
        founded = fields.Field(
            attribute="founded", column_name="成立日期", widget=widgets.DateWidget("%Y-%m-%d")
        )

        class Meta:
            model = Enterprise
            import_id_fields = ("uscc",)
            fields = (
                "name",
                "uscc",
                "legal_representative",
                "contact_name",
                "contact_phone",
                "registered_capital",
                "employees",
                "revenue",
                "registered_address",
                "founded",
            )
            use_bulk = True
            batch_size = 1000
            skip_diff = fast
            force_init_instance = fast

    return EnterpriseResource()


def _contender(name: str, path: str) -> dict:
    """Runs in the child process, Django set up on the benchmark database."""
    from chamber.orgs.models import Organization

    org = Organization.objects.get(code=ORG)
    if name in ("chamber", "chamber_again"):
        from chamber.members.importers.pipeline import import_members

        start = time.perf_counter()
        out = import_members(actor=None, organization=org, path=path)
        seconds = time.perf_counter() - start
        if not out.ok:
            raise SystemExit(f"chamber import failed: {out.problem or out.errors[:3]}")
        return {"seconds": seconds, "rows": out.rows, "changes": out.changes}
    if name in ("baseline", "fastpath", "baseline_again"):
        import tablib

        resource = _die_resource(fast=name == "fastpath")
        start = time.perf_counter()
        with open(path, "rb") as f:
            data = tablib.Dataset().load(f.read(), format="xlsx")
        result = resource.import_data(data, dry_run=False, raise_errors=True)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "rows": len(data), "totals": dict(result.totals)}
    if name == "floor":
        import python_calamine

        from chamber.members.models import Enterprise

        start = time.perf_counter()
        sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        rows = sheet.iter_rows()
        next(rows)
        batch: list[Enterprise] = []
        n = 0
        for r in rows:
            batch.append(
                Enterprise(
                    name=r[0],
                    uscc=r[1],
                    legal_representative=r[3],
                    contact_name=r[4],
                    contact_phone=r[5],
                    registered_capital=Decimal(repr(r[8])) if r[8] != "" else None,
                    employees=int(r[9]) if r[9] != "" else None,
                    revenue=Decimal(repr(r[10])) if r[10] != "" else None,
                    registered_address=r[11],
                    founded=r[12] if r[12] != "" else None,
                )
            )
            if len(batch) >= 2000:
                Enterprise.objects.bulk_create(batch, batch_size=_batch())
                n += len(batch)
                batch = []
        Enterprise.objects.bulk_create(batch, batch_size=_batch())
        n += len(batch)
        return {"seconds": time.perf_counter() - start, "rows": n}
    if name in ("export_xlsx", "export_csv"):
        from chamber.members.exporters import export_members
        from chamber.members.selectors import DirectoryFilters

        fmt = name.split("_")[1]
        target = Path(path).with_name(f"export.{fmt}")
        start = time.perf_counter()
        n = export_members(actor=None, filters=DirectoryFilters(org=org), fmt=fmt, out=str(target))
        return {"seconds": time.perf_counter() - start, "rows": n}
    raise SystemExit(f"unknown contender {name}")


def _batch():
    from django.db import connection

    return None if connection.vendor == "sqlite" else 1000


def _setup_django(database_url: str, var: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["CHAMBER_VAR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings")
    os.environ.setdefault("CHAMBER_SECRET_KEY", "chamber-bench-secret-key-not-for-production")
    os.environ.setdefault("CHAMBER_FIELD_KEYS", "YmVuY2gtZmllbGQta2V5LW5vdC1mb3ItcHJvZHVjdGk=")
    os.environ["CHAMBER_LOG"] = "WARNING"
    import django

    django.setup()


def _reset(keep_members: bool = False) -> None:
    """An empty register under one organisation (migrated once per run)."""
    from django.core.management import call_command
    from django.db import connection

    from chamber.orgs.models import Organization

    call_command("migrate", verbosity=0)
    tables = ["core_auditentry"]
    if not keep_members:
        tables = [
            "members_payment",
            "members_due",
            "members_membership",
            "members_person",
            "members_enterprise_tags",
            "members_enterprise",
            *tables,
        ]
    with connection.cursor() as c:
        for t in tables:
            c.execute(f"DELETE FROM {t}")
    if not Organization.objects.filter(code=ORG).exists():
        from chamber.orgs.services import create_organization

        root = create_organization(actor=None, code="bench", name="基准区工商联", kind="federation")
        create_organization(actor=None, code=ORG, name="基准街道商会", kind="street", parent=root)
    if connection.vendor == "sqlite":
        with connection.cursor() as c:
            c.execute("VACUUM")
    else:
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE")


def _child(args) -> None:
    _setup_django(args.database_url, args.var)
    if args.child == "reset":
        _reset()
        print(json.dumps({}))
        return
    print(json.dumps(_contender(args.child, args.file)))


def _run_child(name: str, path: Path, database_url: str, var: str) -> dict:
    """Run one contender in a fresh process; its own peak RSS comes from wait4."""
    cmd = [
        sys.executable,
        "-m",
        "bench.import_bench",
        "--child",
        name,
        "--file",
        str(path),
        "--database-url",
        database_url,
        "--var",
        var,
    ]
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE)
    out = proc.stdout.read() if proc.stdout else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{name} failed (exit {proc.returncode})")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["peak_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux: kilobytes
    return result


def _pg_url(database_url: str) -> str:
    return database_url.rsplit("/", 1)[0] + "/" + PG_NAME


def _pg(database_url: str, sql: str) -> None:
    import psycopg

    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def run(rows: int, database_url: str | None = None) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="chamber-import-bench-"))
    var = str(work / "var")
    os.makedirs(var, exist_ok=True)
    postgres = bool(database_url and database_url.startswith("postgres"))
    if postgres:
        url = _pg_url(database_url)  # never the database named: a throwaway beside it
        _pg(url, f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        _pg(url, f'CREATE DATABASE "{PG_NAME}"')
    else:
        url = f"sqlite:///{work / 'bench.sqlite3'}"
    try:
        cached = OUT / f"import-{rows}.xlsx"
        if not cached.exists():
            print(f"generating {rows:,} rows ...", file=sys.stderr, flush=True)
            sys.path.insert(0, str(ROOT / "src"))
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings")
            import django

            django.setup()
            generate(rows, cached.with_suffix(".tmp.xlsx"))
            cached.with_suffix(".tmp.xlsx").rename(cached)
        path = work / "members.xlsx"
        shutil.copy(cached, path)
        results: dict[str, dict] = {}
        for name, reset in (
            ("floor", True),
            ("baseline", True),
            ("baseline_again", False),
            ("fastpath", True),
            ("chamber", True),
            ("chamber_again", False),
            ("export_xlsx", False),
            ("export_csv", False),
        ):
            if reset:
                _run_child("reset", path, url, var)
            print(f"  {name} ...", file=sys.stderr, flush=True)
            results[name] = _run_child(name, path, url, var)
    finally:
        if postgres:
            _pg(url, f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        shutil.rmtree(work, ignore_errors=True)

    def rate(name: str) -> float:
        return round(rows / results[name]["seconds"], 1)

    summary = {
        "rows": rows,
        "database": "postgresql" if postgres else "sqlite",
        "chamber_rows_s": rate("chamber"),
        "baseline_rows_s": rate("baseline"),
        "fastpath_rows_s": rate("fastpath"),
        "floor_rows_s": rate("floor"),
        "ratio": round(rate("chamber") / rate("baseline"), 2),
        "ratio_fastpath": round(rate("chamber") / rate("fastpath"), 2),
        "floor_over_chamber": round(rate("floor") / rate("chamber"), 2),
        "reimport_rows_s": rate("chamber_again"),
        "baseline_update_rows_s": rate("baseline_again"),
        "reimport_ratio": round(rate("chamber_again") / rate("baseline_again"), 2),
        "export_xlsx_rows_s": rate("export_xlsx"),
        "export_csv_rows_s": rate("export_csv"),
        "peak_mb": {k: v["peak_mb"] for k, v in results.items()},
        "machine": {"cpus": os.cpu_count(), "load": os.getloadavg()},
        "details": results,
    }
    print(
        f"BENCH import rows={rows} chamber_rows_s={summary['chamber_rows_s']} "
        f"baseline_rows_s={summary['baseline_rows_s']} "
        f"fastpath_rows_s={summary['fastpath_rows_s']} "
        f"floor_rows_s={summary['floor_rows_s']} ratio={summary['ratio']}",
        flush=True,
    )
    print(
        f"  ({summary['database']}) fastpath ratio {summary['ratio_fastpath']}, floor/chamber "
        f"{summary['floor_over_chamber']}, re-import {summary['reimport_rows_s']} rows/s "
        f"({summary['reimport_ratio']}x the update path), export xlsx "
        f"{summary['export_xlsx_rows_s']} csv {summary['export_csv_rows_s']} rows/s, "
        f"peak MB {summary['peak_mb']}, load {summary['machine']['load']}",
        file=sys.stderr,
    )
    (OUT / "import.json").write_text(json.dumps(summary, indent=2, default=str))
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_bench")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--var", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return 0
    run(args.rows, args.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
