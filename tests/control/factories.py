"""Factories for the control app: import rows, customers, applications, model versions."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import factory

from control.models import Application, ControlCampaign, ControlCase, Customer, RiskModelVersion, RiskScore

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def national_id_for(birth: date, *, start: int = 500, d_number: bool = False, synthetic: int = 0) -> str:
    """A fødselsnummer (or D-number / synthetic number) with valid mod-11 control digits.

    Tries individual numbers from `start` until both control digits are defined.
    """
    day = birth.day + (40 if d_number else 0)
    month = birth.month + synthetic
    for individual in range(start, start + 1000):
        individual %= 1000
        if birth.year >= 2000 and individual < 500:
            continue
        if birth.year < 2000 and individual >= 500 and not (individual >= 900 and birth.year >= 1940):
            continue
        base = [int(c) for c in f"{day:02d}{month:02d}{birth.year % 100:02d}{individual:03d}"]
        k1 = 11 - sum(w * d for w, d in zip(_W1, base, strict=True)) % 11
        k1 = 0 if k1 == 11 else k1
        if k1 == 10:
            continue
        k2 = 11 - sum(w * d for w, d in zip(_W2, [*base, k1], strict=True)) % 11
        k2 = 0 if k2 == 11 else k2
        if k2 == 10:
            continue
        return "".join(map(str, base)) + f"{k1}{k2}"
    raise ValueError(f"no valid number for {birth}")


def import_row(n: int = 1, **overrides: Any) -> dict[str, str]:
    """One valid row of the import format, as text; `overrides` replace single values."""
    birth = date(1999, 3, 1 + n % 27)
    row = {
        "application_id": f"A{n:06d}",
        "customer_id": f"C{n:06d}",
        "national_id": national_id_for(birth, start=100 + n % 300),
        "academic_year": "2018",
        "birth_date": birth.isoformat(),
        "gender": "F" if n % 2 else "M",
        "birth_country_group": "NO",
        "student_municipality": "0301",
        "parent_municipality": "4601",
        "registered_same_address_as_parent": "0",
        "distance_parent_km": "305.5",
        "distance_study_km": "305.5",
        "persons_at_address": "3",
        "address_changes_3y": "1",
        "months_at_address": "14",
        "moved_within_90d_before_start": "0",
        "housing_type": "RENTED",
        "married_or_partner": "0",
        "children": "0",
        "institution_type": "UNIVERSITY",
        "study_municipality": "0301",
        "study_level": "BACHELOR",
        "study_percent": "100",
        "online_program": "0",
        "credits_prev_year": "60",
        "years_in_higher_ed": "2",
        "student_income_prev_year": "85000",
        "wealth": "12000",
        "grant_amount": "40000",
        "loan_amount": "90000",
        "application_channel": "WEB",
        "days_before_deadline": "12",
        "phone_shared_with_parent": "0",
        "bank_account_shared_with_parent": "0",
        "previous_controls": "0",
        "previous_control_caught": "0",
        "controlled": "0",
        "control_reason": "",
        "selection_probability": "",
        "control_outcome": "",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def import_csv(
    rows: list[dict[str, str]], *, columns: list[str] | None = None, line_end: str = "\n"
) -> bytes:
    """Rows as the bytes of an import file."""
    columns = columns or list(rows[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator=line_end, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    customer_id = factory.Sequence(lambda n: f"KF{n:06d}")
    birth_date = date(1998, 5, 17)
    national_id = factory.LazyAttribute(lambda c: national_id_for(c.birth_date))
    gender = "F"
    birth_country_group = "NO"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    application_id = factory.Sequence(lambda n: f"AF{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    academic_year = 2018
    student_municipality = "0301"
    parent_municipality = "4601"
    registered_same_address_as_parent = False
    distance_parent_km = 300.0
    distance_study_km = 300.0
    persons_at_address = 2
    address_changes_3y = 1
    months_at_address = 12
    moved_within_90d_before_start = False
    housing_type = "RENTED"
    married_or_partner = False
    children = 0
    institution_type = "UNIVERSITY"
    study_municipality = "0301"
    study_level = "BACHELOR"
    study_percent = 100
    online_program = False
    credits_prev_year = 60.0
    years_in_higher_ed = 2
    student_income_prev_year = 80000
    wealth = 10000
    grant_amount = 40000
    loan_amount = 90000
    application_channel = "WEB"
    days_before_deadline = 10
    phone_shared_with_parent = False
    bank_account_shared_with_parent = False
    previous_controls = 0
    previous_control_caught = False


class RiskModelVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskModelVersion

    version = factory.Sequence(lambda n: f"test-{n:04d}")
    algorithm = "logistic_regression"
    artifact_path = factory.LazyAttribute(lambda v: f"risk_models/{v.version}.skops")
    artifact_sha256 = "0" * 64
    features = factory.LazyFunction(lambda: ["distance_study_km", "credits_prev_year"])
    train_years = factory.LazyFunction(lambda: [2016, 2017])
    test_year = 2018
    n_train = 1000
    n_test = 300
    metrics = factory.LazyFunction(
        lambda: {
            "auc": 0.8,
            "average_precision": 0.3,
            "recall_at_25": 0.7,
            "precision_at_25": 0.15,
            "lift_at_25": 2.8,
            "brier": 0.05,
            "ci": {"recall_at_25": [0.6, 0.8], "auc": [0.75, 0.85]},
        }
    )


# Casework: scores, campaigns and cases.


class RiskScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskScore

    application = factory.SubFactory(ApplicationFactory)
    model_version = factory.SubFactory(RiskModelVersionFactory)
    academic_year = factory.SelfAttribute("application.academic_year")
    score = 0.5
    rank = factory.Sequence(lambda n: n + 1)
    percentile = 50.0
    reasons = factory.LazyFunction(
        lambda: [
            {
                "feature": "distance_study_km",
                "contribution": 0.8,
                "text_nb": "Kort avstand mellom foreldrenes hjem og studiestedet",
                "text_en": "Short distance between the parents' home and the place of study",
            }
        ]
    )


class ControlCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ControlCampaign

    name = factory.Sequence(lambda n: f"Kampanje {n}")
    academic_year = 2018
    budget_count = 10
    random_share = 0.10
    model_version = factory.SubFactory(RiskModelVersionFactory)
    status = ControlCampaign.Status.CONFIRMED


class ControlCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ControlCase

    campaign = factory.SubFactory(ControlCampaignFactory)
    application = factory.SubFactory(ApplicationFactory)
    selection_reason = ControlCase.SelectionReason.RISK
    selection_probability = 1.0
    score = 0.5
    risk_rank = factory.Sequence(lambda n: n + 1)
    priority = factory.SelfAttribute("score")


def scored_applications(
    *, n: int, model_version: RiskModelVersion | None = None, academic_year: int = 2018, **customer: Any
) -> list[RiskScore]:
    """`n` applications of one year, each scored by `model_version` (active one made if
    omitted): application i has score (n - i) / n, rank i + 1 and the matching percentile."""
    version = model_version or RiskModelVersionFactory(status=RiskModelVersion.Status.ACTIVE)
    scores = []
    for i in range(n):
        application = ApplicationFactory(academic_year=academic_year, customer=CustomerFactory(**customer))
        scores.append(
            RiskScoreFactory(
                application=application,
                model_version=version,
                score=(n - i) / n,
                rank=i + 1,
                percentile=100.0 * (n - i) / n,
            )
        )
    return scores
