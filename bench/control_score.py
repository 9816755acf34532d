"""Benchmark: score and store a million applications of one year on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_h2 \
        .venv/bin/python bench/control_score.py --population 1300000

Steps: generate a population over --years with the last year uncontrolled (so that year
holds about a million applications and the year before gives the history), import it with
the import service, train a real model on a separate smaller population (pure Python) and
register it, then — in a fresh process — time `scoring_year_run` (load rows + history,
pipeline, reasons, COPY into RiskScore, rank the year) and, on the same rows in memory,
the bare `pipeline.predict_proba`. Prints both, their ratio and the peak RSS.
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
VERSION = "bench-score-model"


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lanekassen_ai.settings.local")
    import django

    django.setup()


def prepare(path: str, model_population: int, algorithm: str = "") -> None:
    """Empty the control tables, import the file and register a trained model."""
    _django()
    from django.db import connection

    from control.models import Application, Customer, ImportRun, RiskScore, ScoringRun
    from control.services.imports import applications_import
    from lanekassen_ai.services.audit import AuditContext

    tables = [m._meta.db_table for m in (RiskScore, ScoringRun, Application, Customer, ImportRun)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    started = time.perf_counter()
    with open(path, "rb") as source:
        result = applications_import(
            source=source, file_name=pathlib.Path(path).name, context=AuditContext(channel="bench")
        )
    print(f"imported {result.rows_imported:,} rows in {time.perf_counter() - started:.1f} s")
    model_register(model_population, algorithm)


def replicate_year(year: int) -> None:
    """Build one academic year of about a million applications from the rows already in
    the database (e.g. the import benchmark's five years): every application is copied
    into `year` under a new id, each with its own new customer. Quicker than generating
    a 2.6-million-customer population on a shared machine; the value distributions stay
    the generator's."""
    _django()
    from django.db import connection

    from control.models import Application, Customer, RiskScore, ScoringRun

    app, cust = Application._meta.db_table, Customer._meta.db_table
    columns = [f.column for f in Application._meta.concrete_fields]
    select = []
    for column in columns:
        if column == "application_id":
            select.append(f"a.application_id || '@{year}'")
        elif column == "customer_id":
            select.append("a.customer_id || '@' || a.academic_year")
        elif column == "academic_year":
            select.append(str(year))
        elif column == "import_run_id":
            select.append("NULL")
        elif column == "updated_at":
            select.append("now()")
        else:
            select.append(f"a.{column}")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {RiskScore._meta.db_table} WHERE academic_year = %s", [year])
        cursor.execute(f"DELETE FROM {ScoringRun._meta.db_table} WHERE academic_year = %s", [year])
        cursor.execute(f"DELETE FROM {app} WHERE academic_year >= %s", [year])
        cursor.execute(f"DELETE FROM {cust} WHERE customer_id LIKE %s", ["%@%"])
        cursor.execute(
            f"INSERT INTO {cust} (customer_id, national_id, birth_date, gender, birth_country_group, "
            f"updated_at) "
            f"SELECT a.customer_id || '@' || a.academic_year, c.national_id, c.birth_date, c.gender, "
            f"c.birth_country_group, now() FROM {app} a JOIN {cust} c ON c.customer_id = a.customer_id "
            f"WHERE a.academic_year < %s",
            [year],
        )
        cursor.execute(
            f"INSERT INTO {app} ({', '.join(columns)}) SELECT {', '.join(select)} FROM {app} a "
            f"WHERE a.academic_year < %s",
            [year],
        )
        cursor.execute(f"ANALYZE {app}")
        cursor.execute(f"SELECT count(*) FROM {app} WHERE academic_year = %s", [year])
        print(f"built academic year {year} with {cursor.fetchone()[0]:,} applications")


def model_register(model_population: int, algorithm: str = "") -> None:
    """Train a real model on a separate small population (pure Python) and register it;
    with `algorithm`, that candidate is refitted on the same rows instead of the winner."""
    _django()
    from control.ml.drift import drift_reference
    from control.ml.history import history_attach
    from control.ml.robustness import training_rows
    from control.ml.synthetic import generate_population
    from control.ml.training import pipeline_fit, risk_model_train
    from control.models import RiskModelVersion, RiskScore, ScoringRun
    from control.services.registry import risk_model_artifact_store

    frame, _ = generate_population(population=model_population, years=range(2013, 2018), seed=3)
    trained = risk_model_train(frame=frame)
    pipeline, name = trained.pipeline, trained.algorithm
    rows = training_rows(frame=history_attach(frame=frame), test_year=trained.test_year)
    if algorithm and algorithm != trained.algorithm:
        pipeline, name = pipeline_fit(frame=rows, algorithm=algorithm), algorithm
    reference = drift_reference(
        features=pipeline.named_steps["features"].transform(rows), scores=pipeline.predict_proba(rows)[:, 1]
    )
    # A re-run replaces the bench model, with what an earlier run scored with it.
    RiskScore.objects.filter(model_version__version=VERSION).delete()
    ScoringRun.objects.filter(model_version__version=VERSION).delete()
    RiskModelVersion.objects.filter(version=VERSION).delete()
    artifact, sha256 = risk_model_artifact_store(pipeline=pipeline, version=VERSION)
    RiskModelVersion.objects.create(
        version=VERSION,
        algorithm=name,
        artifact_path=artifact,
        artifact_sha256=sha256,
        features=trained.features,
        train_years=trained.train_years,
        test_year=trained.test_year,
        drift_reference=reference,
    )
    print(f"registered model {VERSION} ({name}, trained on {trained.n_train:,} controls)")


def backend_cpu_seconds(pid: int) -> float:
    """CPU seconds used by the PostgreSQL backend serving this connection (same host)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class BackendCpu:
    """CPU seconds of every PostgreSQL backend serving this database while it runs, sampled
    from /proc every 0.2 s: scoring writes on a second connection, whose backend ends with
    the run (at most the last 0.2 s of a backend is missed)."""

    def __init__(self, database: str) -> None:
        import threading

        self.marker = f" {database} "
        self.start = self._sample()
        self.last = dict(self.start)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _sample(self) -> dict[int, float]:
        seen = {}
        for proc in pathlib.Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if title.startswith("postgres:") and self.marker in title:
                    seen[int(proc.name)] = backend_cpu_seconds(int(proc.name))
            except OSError:
                continue
        return seen

    def _poll(self) -> None:
        while not self.stop.wait(0.2):
            self.last.update(self._sample())

    def seconds(self) -> float:
        self.stop.set()
        self.thread.join()
        self.last.update(self._sample())
        return sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.last.items())


def measure(year: int, chunk_size: int) -> None:
    """Fresh process: the service end to end, then the bare predict_proba on the same rows."""
    _django()
    from control.ml.history import history_attach
    from control.models import RiskModelVersion, RiskScore
    from control.selectors.risk import applications_frame
    from control.services.registry import risk_model_pipeline_load
    from control.services.scoring import scoring_year_run
    from lanekassen_ai.services.audit import AuditContext

    version = RiskModelVersion.objects.get(version=VERSION)
    # A clean start (not timed): earlier runs' scores of this year would otherwise be
    # deleted chunk by chunk inside the timing.
    RiskScore.objects.filter(model_version=version, academic_year=year)._raw_delete(RiskScore.objects.db)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    server_before = backend_cpu_seconds(backend)
    backends = BackendCpu(connection.settings_dict["NAME"])
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    run = scoring_year_run(
        year=year, model_version=version, chunk_size=chunk_size, context=AuditContext(channel="bench")
    )
    service_seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    service_peak = usage.ru_maxrss / 1024 / 1024
    client_cpu = usage.ru_utime + usage.ru_stime - usage_before.ru_utime - usage_before.ru_stime
    server_cpu = backend_cpu_seconds(backend) - server_before
    all_backends_cpu = backends.seconds()

    pipeline = risk_model_pipeline_load(model_version=version)
    frame = applications_frame(years=[year])
    history = applications_frame(years=[year - 1])
    attached = history_attach(frame=frame, history=history)
    started = time.perf_counter()
    pipeline.predict_proba(attached)
    bare_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "rows": run.done,
                "chunks": len(run.chunks_done),
                "service_seconds": round(service_seconds, 1),
                "service_peak_gib": round(service_peak, 2),
                "client_cpu": round(client_cpu, 1),
                "server_cpu": round(server_cpu, 1),
                "all_backends_cpu": round(all_backends_cpu, 1),
                "bare_predict_proba_seconds": round(bare_seconds, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--population", type=int, default=1_300_000)
    parser.add_argument("--years", default="2017-2018")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--model-population", type=int, default=60_000)
    parser.add_argument("--chunk-size", type=int, default=100_000)
    parser.add_argument("--algorithm", default="", help="score with this candidate instead of the winner")
    parser.add_argument("--skip-prepare", action="store_true", help="reuse the imported data and model")
    parser.add_argument(
        "--replicate-year",
        type=int,
        help="instead of generating and importing, build this year from the applications in the database",
    )
    parser.add_argument("--child-prepare", help=argparse.SUPPRESS)
    parser.add_argument("--child-replicate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-model", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_prepare:
        prepare(args.child_prepare, args.model_population, args.algorithm)
        return
    if args.child_measure:
        measure(args.child_measure, args.chunk_size)
        return
    if args.child_replicate:
        replicate_year(args.child_replicate)
        return
    if args.child_model:
        model_register(args.model_population, args.algorithm)
        return
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a PostgreSQL database you may empty")
    current = args.replicate_year or int(args.years.split("-")[-1])
    python = str(ROOT / ".venv" / "bin" / "python")
    script = str(pathlib.Path(__file__))
    if args.replicate_year and not args.skip_prepare:
        subprocess.run([python, script, "--child-replicate", str(current)], cwd=ROOT, check=True)
        subprocess.run(
            [
                python,
                script,
                "--child-model",
                "--model-population",
                str(args.model_population),
                "--algorithm",
                args.algorithm,
            ],
            cwd=ROOT,
            check=True,
            stderr=subprocess.DEVNULL,
        )
    elif not args.skip_prepare:
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / f"score-{args.population}-{args.years}-{args.seed}.csv"
        if not path.exists():
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
                    "--current-year",
                    str(current),
                    "--seed",
                    str(args.seed),
                ],
                cwd=ROOT,
                check=True,
                stderr=subprocess.DEVNULL,
            )
        subprocess.run(
            [
                python,
                str(pathlib.Path(__file__)),
                "--child-prepare",
                str(path),
                "--model-population",
                str(args.model_population),
                "--algorithm",
                args.algorithm,
            ],
            cwd=ROOT,
            check=True,
            stderr=subprocess.DEVNULL,
        )
    elif args.algorithm:
        subprocess.run(
            [
                python,
                script,
                "--child-model",
                "--model-population",
                str(args.model_population),
                "--algorithm",
                args.algorithm,
            ],
            cwd=ROOT,
            check=True,
            stderr=subprocess.DEVNULL,
        )
    out = (
        subprocess.run(
            [
                python,
                str(pathlib.Path(__file__)),
                "--child-measure",
                str(current),
                "--chunk-size",
                str(args.chunk_size),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    r = json.loads(out)
    print(
        f"score_applications service: {r['rows']:,} applications of {current} in {r['chunks']} chunks, "
        f"{r['service_seconds']} s ({r['rows'] / r['service_seconds']:,.0f} rows/s), "
        f"peak RSS {r['service_peak_gib']} GiB; CPU: scoring process {r['client_cpu']} s, "
        f"PostgreSQL: the run's connection {r['server_cpu']} s, every backend of the database "
        f"{r['all_backends_cpu']} s"
    )
    print(
        f"bare pipeline.predict_proba on the same rows: {r['bare_predict_proba_seconds']} s "
        f"({r['rows'] / r['bare_predict_proba_seconds']:,.0f} rows/s); "
        f"service/bare ratio {r['service_seconds'] / r['bare_predict_proba_seconds']:.1f}"
    )


if __name__ == "__main__":
    main()
