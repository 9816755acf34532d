"""Benchmark: decisions in one campaign → domain events → signed webhooks to a local
receiver, through the real services, Redis and `celery worker` processes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_events CELERY_BROKER_URL=redis://127.0.0.1:6379/8 \\
        PYTHONPATH=. .venv/bin/python bench/events_delivery.py --cases 10000 --concurrency 8

Creates its own academic year (default 2041): one confirmed campaign with `--cases` open
cases, a caseworker and a webhook subscription to an HTTP receiver on 127.0.0.1 (a free
port). Phase 1 decides every case with `control_case_decide`, from `--decide-threads` threads
(each decision writes its
event and its pending delivery in its own transaction, and after commit queues a sender for
the subscription unless its sender slots are taken); no worker runs yet, so the few
messages wait in Redis. Phase 2 starts a worker
(prefork, `--concurrency` processes) and times until the database says every delivery is
delivered and the receiver has every event id. Removes everything it created afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import resource
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lanekassen_ai.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
# Persistent database connections, as a production worker runs (operations.md): with 0 each
# task opens a new PostgreSQL connection, which costs more than sending the webhook.
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "60")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402

from control.models import Application, ControlCampaign, ControlCase, Customer, RiskModelVersion  # noqa: E402
from control.services.casework import control_case_decide  # noqa: E402
from lanekassen_ai.celery import app  # noqa: E402
from lanekassen_ai.models import DomainEvent, WebhookDelivery  # noqa: E402
from lanekassen_ai.services.audit import AuditContext  # noqa: E402
from lanekassen_ai.services.webhooks import webhook_subscription_create  # noqa: E402

SECRET = "bench-secret-" + "x" * 24


class Receiver:
    """Counts event ids and checks every signature."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.requests = 0
        self.bad_signatures = 0
        self.first_at = 0.0
        self.last_at = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                parts = dict(p.split("=", 1) for p in self.headers["Lanekassen-Signature"].split(","))
                expected = hmac.new(
                    SECRET.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                with receiver.lock:
                    receiver.last_at = time.perf_counter()
                    receiver.first_at = receiver.first_at or receiver.last_at
                    receiver.requests += 1
                    receiver.ids.add(json.loads(body)["id"])
                    receiver.bad_signatures += not hmac.compare_digest(expected, parts["v1"])
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def setup(*, n: int, year: int) -> tuple[ControlCampaign, User, RiskModelVersion]:
    version = RiskModelVersion.objects.create(
        version=f"bench-events-{year}", algorithm="bench", artifact_path="-", artifact_sha256="0" * 64
    )
    campaign = ControlCampaign.objects.create(
        name=f"bench events {year}",
        academic_year=year,
        budget_count=n,
        random_share=0.1,
        model_version=version,
        status=ControlCampaign.Status.CONFIRMED,
    )
    user = User.objects.create(username=f"bench-events-{year}")
    for start in range(0, n, 5000):
        ids = [f"BENCHEV{year}-{i:07d}" for i in range(start, min(start + 5000, n))]
        Customer.objects.bulk_create(
            Customer(
                customer_id=cid,
                national_id=f"{i % 28 + 1:02d}0{i % 9 + 1}99{i % 100000:05d}"[:11],
                birth_date="1998-05-17",
                gender="F",
                birth_country_group="NO",
            )
            for i, cid in enumerate(ids, start=start)
        )
        Application.objects.bulk_create(
            Application(application_id=cid, customer_id=cid, academic_year=year, **_application_fields())
            for cid in ids
        )
        ControlCase.objects.bulk_create(
            ControlCase(
                campaign=campaign,
                application_id=cid,
                selection_reason=ControlCase.SelectionReason.RISK,
                selection_probability=1.0,
                score=0.5,
                risk_rank=i + 1,
            )
            for i, cid in enumerate(ids, start=start)
        )
    return campaign, user, version


def _application_fields() -> dict[str, Any]:
    return {
        "student_municipality": "0301",
        "parent_municipality": "4601",
        "registered_same_address_as_parent": False,
        "distance_parent_km": 300.0,
        "distance_study_km": 300.0,
        "persons_at_address": 2,
        "address_changes_3y": 1,
        "months_at_address": 12,
        "moved_within_90d_before_start": False,
        "housing_type": "RENTED",
        "married_or_partner": False,
        "children": 0,
        "institution_type": "UNIVERSITY",
        "study_municipality": "0301",
        "study_level": "BACHELOR",
        "study_percent": 100,
        "online_program": False,
        "credits_prev_year": 60.0,
        "years_in_higher_ed": 2,
        "student_income_prev_year": 80000,
        "wealth": 10000,
        "grant_amount": 40000,
        "loan_amount": 90000,
        "application_channel": "WEB",
        "days_before_deadline": 10,
        "phone_shared_with_parent": False,
        "bank_account_shared_with_parent": False,
        "previous_controls": 0,
        "previous_control_caught": False,
    }


def cleanup(*, year: int, subscription_id: int | None) -> None:
    if subscription_id is not None:
        event_ids = list(
            WebhookDelivery.objects.filter(subscription_id=subscription_id).values_list("event_id", flat=True)
        )
        for start in range(0, len(event_ids), 5000):
            DomainEvent.objects.filter(id__in=event_ids[start : start + 5000]).delete()
        from lanekassen_ai.models import WebhookSubscription

        WebhookSubscription.objects.filter(pk=subscription_id).delete()
    from control.models import ControlDecision

    for campaign in ControlCampaign.objects.filter(academic_year=year):
        campaign.cases.update(current_decision=None)
        ControlDecision.objects.filter(case__campaign=campaign).delete()  # versions protect their case
        campaign.cases.all().delete()
        campaign.delete()
    Application.objects.filter(academic_year=year).delete()
    Customer.objects.filter(customer_id__startswith=f"BENCHEV{year}-").delete()
    RiskModelVersion.objects.filter(version=f"bench-events-{year}").delete()
    User.objects.filter(username=f"bench-events-{year}").delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--year", type=int, default=2041)
    parser.add_argument("--concurrency", type=int, default=8, help="worker processes")
    parser.add_argument("--decide-threads", type=int, default=8, help="caseworkers deciding at once")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not os.environ.get("CELERY_BROKER_URL", "").startswith(
        "redis://"
    ):
        sys.exit("needs DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://...")
    cleanup(year=args.year, subscription_id=None)
    app.control.purge()
    receiver = Receiver()
    subscription_id = None
    worker = None
    try:
        started = time.perf_counter()
        campaign, user, _version = setup(n=args.cases, year=args.year)
        print(f"setup: {args.cases} cases in {time.perf_counter() - started:.1f} s")
        subscription_id = webhook_subscription_create(
            name="bench",
            url=receiver.url,
            event_types=["control.case.decided"],
            secret=SECRET,
            context=AuditContext(),
        ).pk
        cases = list(ControlCase.objects.filter(campaign=campaign).order_by("pk"))
        started = time.perf_counter()

        def decide(part: list[ControlCase]) -> None:
            try:
                for case in part:
                    control_case_decide(
                        case=case,
                        outcome="CLEARED",
                        justification="Dokumentert leieforhold.",
                        decided_by=user,
                        context=AuditContext(actor=user),
                    )
            finally:
                connection.close()

        threads = [
            threading.Thread(target=decide, args=(cases[i :: args.decide_threads],))
            for i in range(args.decide_threads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        decided = time.perf_counter() - started
        own = resource.getrusage(resource.RUSAGE_SELF)
        decide_cpu = own.ru_utime + own.ru_stime
        events = WebhookDelivery.objects.filter(subscription_id=subscription_id).count()
        print(
            f"decide: {len(cases)} decisions by {args.decide_threads} threads, {events} events and "
            f"deliveries in {decided:.1f} s"
        )

        load_before = os.getloadavg()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
        started = time.perf_counter()
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lanekassen_ai",
                "worker",
                "-c",
                str(args.concurrency),
                "-l",
                "WARNING",
                "--prefetch-multiplier",
                "8",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pending = WebhookDelivery.objects.filter(subscription_id=subscription_id).exclude(
            status=WebhookDelivery.Status.DELIVERED
        )
        while time.perf_counter() - started < args.timeout:
            if len(receiver.ids) >= events and not pending.exists():
                break
            time.sleep(0.2)
        delivered = time.perf_counter() - started
        load_after = os.getloadavg()
        worker.terminate()
        worker.wait(30)
        worker_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        span = receiver.last_at - receiver.first_at
        print(
            f"deliver: {len(receiver.ids)} distinct event ids ({receiver.requests} requests, "
            f"{receiver.bad_signatures} bad signatures), all marked delivered {delivered:.1f} s after the "
            f"worker was started; first webhook {receiver.first_at - started:.1f} s after the start "
            f"(worker boot), first to last webhook {span:.1f} s "
            f"({len(receiver.ids) / max(span, 1e-9):.0f}/s); "
            f"still pending: {pending.count()}"
        )
        print(
            f"worker CPU (all its processes, boot to shutdown): {worker_cpu.ru_utime:.1f} s user + "
            f"{worker_cpu.ru_stime:.1f} s sys; deciding process CPU: {decide_cpu:.1f} s user+sys"
        )
        print(
            f"load average before/after delivery: {load_before[0]:.1f} / {load_after[0]:.1f} (1 min), "
            f"{os.cpu_count()} cores"
        )
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            worker.wait(30)
        cleanup(year=args.year, subscription_id=subscription_id)


if __name__ == "__main__":
    main()
