"""Benchmark: import a million applications into PostgreSQL through the import service.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_h2 \
        .venv/bin/python bench/control_import.py --population 435000 --years 2014-2018

Generates the file once (bench/.data/, through `generate_applications`), empties the
control tables of the target database, then runs `import_applications` twice in fresh
processes: into empty tables, and again over the same rows (the idempotent upsert path).
Prints wall time and the import process's peak memory (RSS high-water mark) for each.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lanekassen_ai.settings.local")
    import django

    django.setup()


def child_import(path: str) -> None:
    """Runs in a fresh process, so its peak RSS is the import's alone."""
    _django()
    from django.db import connection

    from control.services.imports import applications_import
    from lanekassen_ai.services.audit import AuditContext

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    server_before = backend_cpu_seconds(backend)
    started = time.perf_counter()
    with open(path, "rb") as source:
        result = applications_import(
            source=source, file_name=pathlib.Path(path).name, context=AuditContext(channel="bench")
        )
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "rows": result.rows_imported,
                "seconds": round(seconds, 1),
                "peak_gib": round(usage.ru_maxrss / 1024 / 1024, 2),
                "client_cpu": round(usage.ru_utime + usage.ru_stime, 1),
                "server_cpu": round(backend_cpu_seconds(backend) - server_before, 1),
            }
        )
    )


def backend_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used by the PostgreSQL backend serving this connection.
    The server runs on this machine, so /proc shows it; with the cores shared, CPU time
    says more about the work than wall time does."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tables_empty() -> None:
    _django()
    from django.db import connection

    from control.models import Application, Customer, ImportRun, RiskScore

    tables = [m._meta.db_table for m in (RiskScore, Application, Customer, ImportRun)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--population", type=int, default=435_000)
    parser.add_argument("--years", default="2014-2018")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    parser.add_argument("--child-empty", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        child_import(args.child_import)
        return
    if args.child_empty:
        tables_empty()
        return
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a PostgreSQL database you may empty")
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"applications-{args.population}-{args.years}-{args.seed}.csv"
    python = str(ROOT / ".venv" / "bin" / "python")
    if not path.exists():
        started = time.perf_counter()
        subprocess.run(
            [
                python,
                "manage.py",
                "generate_applications",
                "--out",
                str(path),
                "--population",
                str(args.population),
                "--years",
                args.years,
                "--seed",
                str(args.seed),
            ],
            cwd=ROOT,
            check=True,
            stderr=subprocess.DEVNULL,
        )
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s")
    size_mib = path.stat().st_size / 1024 / 1024
    subprocess.run([python, str(pathlib.Path(__file__)), "--child-empty"], cwd=ROOT, check=True)
    for label in ("into empty tables", "again (upsert of the same rows)"):
        out = (
            subprocess.run(
                [python, str(pathlib.Path(__file__)), "--child-import", str(path)],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        result = json.loads(out)
        print(
            f"import {label}: {result['rows']:,} rows ({size_mib:.0f} MiB) in {result['seconds']} s, "
            f"{result['rows'] / result['seconds']:,.0f} rows/s, peak RSS {result['peak_gib']} GiB; "
            f"CPU: import process {result['client_cpu']} s, PostgreSQL backend {result['server_cpu']} s"
        )


if __name__ == "__main__":
    main()
