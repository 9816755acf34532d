"""Benchmark for control casework on a large academic year: campaign selection (with the
per-group preview), the worklist and case pages, "take next case" and the campaign
statistics.

    DATABASE_URL=postgres://... PYTHONPATH=. .venv/bin/python bench/control_casework.py \
        --applications 100000 --share 0.25

Creates its own academic year (default 2040) with a bench model version, measures, and
removes everything it created again. Prints wall times, query counts and peak memory (RSS
high-water mark).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lanekassen_ai.settings.local")
django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from control.models import Application, ControlCampaign, ControlCase, Customer, RiskModelVersion, RiskScore  # noqa: E402
from control.selectors.casework import control_campaign_statistics  # noqa: E402
from control.services.campaigns import (  # noqa: E402
    control_campaign_confirm,
    control_campaign_create,
    control_campaign_select,
)
from control.services.casework import control_case_take_next  # noqa: E402
from lanekassen_ai.roles import Role  # noqa: E402
from lanekassen_ai.services.audit import AuditContext  # noqa: E402
from lanekassen_ai.services.roles import roles_sync  # noqa: E402


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def year_create(*, n: int, year: int, version: RiskModelVersion) -> None:
    rng = random.Random(year)
    # Rank and percentile as the scoring service defines them (rank 1 = highest score).
    values = [rng.random() for _ in range(n)]
    rank_of = {i: r + 1 for r, i in enumerate(sorted(range(n), key=lambda i: -values[i]))}
    batch = 5000
    for start in range(0, n, batch):
        customers, applications, scores = [], [], []
        for i in range(start, min(start + batch, n)):
            cid = f"BENCH{year}-{i:07d}"
            customers.append(
                Customer(
                    customer_id=cid,
                    national_id=f"{i % 28 + 1:02d}0{i % 9 + 1}99{i % 100000:05d}"[:11],
                    birth_date=date(1990 + i % 12, i % 12 + 1, i % 28 + 1),
                    gender="F" if i % 2 else "M",
                    birth_country_group=("NO", "NO", "NO", "NORDIC", "EU_EEA", "OTHER")[i % 6],
                )
            )
            applications.append(
                Application(
                    application_id=cid,
                    customer_id=cid,
                    academic_year=year,
                    student_municipality="0301",
                    parent_municipality="4601",
                    registered_same_address_as_parent=False,
                    distance_parent_km=300.0,
                    distance_study_km=300.0,
                    persons_at_address=2,
                    address_changes_3y=1,
                    months_at_address=12,
                    moved_within_90d_before_start=False,
                    housing_type="RENTED",
                    married_or_partner=False,
                    children=0,
                    institution_type="UNIVERSITY",
                    study_municipality="0301",
                    study_level="BACHELOR",
                    study_percent=100,
                    online_program=False,
                    credits_prev_year=60.0,
                    years_in_higher_ed=2,
                    student_income_prev_year=80000,
                    wealth=10000,
                    grant_amount=40000,
                    loan_amount=90000,
                    application_channel="WEB",
                    days_before_deadline=10,
                    phone_shared_with_parent=False,
                    bank_account_shared_with_parent=False,
                    previous_controls=0,
                    previous_control_caught=False,
                )
            )
            scores.append(
                RiskScore(
                    application_id=cid,
                    model_version=version,
                    academic_year=year,
                    score=values[i],
                    rank=rank_of[i],
                    percentile=100.0 * (n - rank_of[i] + 1) / n,
                    reasons=[],
                )
            )
        Customer.objects.bulk_create(customers)
        Application.objects.bulk_create(applications)
        RiskScore.objects.bulk_create(scores)


def cleanup(*, year: int, version: RiskModelVersion | None, users: list[User]) -> None:
    for campaign in ControlCampaign.objects.filter(academic_year=year):
        campaign.cases.all().delete()
        campaign.delete()
    RiskScore.objects.filter(academic_year=year).delete()
    Application.objects.filter(academic_year=year).delete()
    Customer.objects.filter(customer_id__startswith=f"BENCH{year}-").delete()
    if version is not None:
        version.delete()
    for user in users:
        user.delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--share", type=float, default=0.25)
    parser.add_argument("--year", type=int, default=2040)
    parser.add_argument("--take", type=int, default=300)
    args = parser.parse_args()

    roles_sync()
    manager = User.objects.create(username="bench-leder")
    manager.groups.add(Group.objects.get(name=Role.MANAGER.value))
    worker = User.objects.create(username="bench-saksbehandler")
    worker.groups.add(Group.objects.get(name=Role.CASEWORKER.value))
    version = RiskModelVersion.objects.create(
        version=f"bench-{args.year}", algorithm="bench", artifact_path="-", artifact_sha256="0" * 64
    )
    try:
        started = time.perf_counter()
        year_create(n=args.applications, year=args.year, version=version)
        print(f"setup: {args.applications} applications with scores in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        campaign = control_campaign_create(
            name="bench",
            academic_year=args.year,
            budget_share=args.share,
            created_by=manager,
            model_version=version,
            context=AuditContext(actor=manager),
        )
        campaign = control_campaign_select(campaign_id=campaign.pk)
        print(
            f"selection incl. per-group preview: {campaign.cases.count()} cases "
            f"({campaign.preview['risk']} risk, {campaign.preview['random']} random) "
            f"in {time.perf_counter() - started:.2f} s; peak RSS {peak_mib():.0f} MiB"
        )
        control_campaign_confirm(campaign=campaign, confirmed_by=manager, context=AuditContext(actor=manager))

        client = Client(SERVER_NAME="localhost")
        client.force_login(worker)
        url = reverse("control:case-list") + f"?campaign={campaign.pk}"
        client.get(url)
        for label, target in (
            ("worklist page 1", url),
            ("worklist, sorted by deadline, last page", url + "&sort=deadline&page=last"),
        ):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(target)
                elapsed = time.perf_counter() - started
            print(f"{label}: HTTP {response.status_code} in {elapsed * 1000:.0f} ms, {len(queries)} queries")

        started = time.perf_counter()
        for _ in range(args.take):
            control_case_take_next(user=worker, context=AuditContext(actor=worker))
        per_call = (time.perf_counter() - started) / args.take * 1000
        print(f"take next case: {per_call:.1f} ms per call ({args.take} calls)")

        case = ControlCase.objects.filter(campaign=campaign).order_by("-priority").first()
        assert case is not None
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(reverse("control:case-detail", args=[case.pk]))
            elapsed = time.perf_counter() - started
        print(f"case page: HTTP {response.status_code} in {elapsed * 1000:.0f} ms, {len(queries)} queries")

        # Decide a fifth of the cases directly (bench data, not casework) for the statistics.
        ids = list(campaign.cases.values_list("id", flat=True))
        decided = ids[: len(ids) // 5]
        ControlCase.objects.filter(id__in=decided[::7]).update(
            status="DECIDED", outcome="CAUGHT", locked=True
        )
        ControlCase.objects.filter(id__in=[i for i in decided if i % 7]).update(
            status="DECIDED", outcome="CLEARED", locked=True
        )
        started = time.perf_counter()
        stats = control_campaign_statistics(campaign=campaign)
        print(
            f"campaign statistics ({stats.progress['decided']} decided): "
            f"{(time.perf_counter() - started) * 1000:.0f} ms; peak RSS {peak_mib():.0f} MiB"
        )
    finally:
        cleanup(year=args.year, version=version, users=[manager, worker])


if __name__ == "__main__":
    main()
