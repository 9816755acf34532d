"""The control app's demo data: a synthetic population with past controls, imported
through the import service, a trained and active risk model, and the current year scored.

Idempotent: each step runs only when what it makes is missing, so a second run changes
nothing (no new import run, model version or scores).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from control.models import Application, RiskModelVersion, ScoringRun
from control.selectors.risk import risk_model_version_active
from control.services.imports import applications_import
from control.services.scoring import scoring_run_execute, scoring_year_run
from control.services.synthetic import synthetic_applications_write
from control.services.training import risk_model_version_train
from lanekassen_ai.services.audit import AuditContext

DEMO_POPULATION = 3000
DEMO_YEARS = [2015, 2016, 2017, 2018, 2019]
DEMO_CURRENT_YEAR = 2019  # no controls yet: the year the demo campaign controls
DEMO_SEED = 2019


DEMO_CONTEXT = AuditContext(channel="demo")


def control_demo_seed(*, stdout: Any = None) -> None:
    """Load the control demo (see the module docstring)."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(f"  control: {message}\n")

    if not Application.objects.filter(academic_year__in=DEMO_YEARS).exists():
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "demo-applications.csv"
            rows = synthetic_applications_write(
                out=path,
                population=DEMO_POPULATION,
                years=DEMO_YEARS,
                seed=DEMO_SEED,
                uncontrolled_years=(DEMO_CURRENT_YEAR,),
            )
            with path.open("rb") as source:
                result = applications_import(source=source, file_name=path.name, context=DEMO_CONTEXT)
        say(f"imported {result.rows_imported} of {rows} synthetic applications")
    else:
        say("applications already there")

    active = risk_model_version_active()
    if active is None:
        if RiskModelVersion.objects.exists():
            say("a model exists but none is active; leaving the choice to a modeller")
            return
        active = risk_model_version_train(
            until_year=DEMO_CURRENT_YEAR - 1, activate=True, context=DEMO_CONTEXT
        )
        say(f"trained and activated risk model {active.version}")
    else:
        say(f"risk model {active.version} already active")

    scored = ScoringRun.objects.filter(
        model_version=active, academic_year=DEMO_CURRENT_YEAR, status=ScoringRun.Status.SUCCEEDED
    ).exists()
    if not scored:
        # Finish a half-done run instead of starting another one.
        pending = ScoringRun.objects.filter(model_version=active, academic_year=DEMO_CURRENT_YEAR).first()
        if pending is not None:
            run = scoring_run_execute(run_id=pending.pk)
        else:
            run = scoring_year_run(year=DEMO_CURRENT_YEAR, model_version=active, context=DEMO_CONTEXT)
        say(f"scored {run.done} applications of {DEMO_CURRENT_YEAR}")
    else:
        say(f"{DEMO_CURRENT_YEAR} already scored")
