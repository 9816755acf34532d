"""control/services/demo.py: the control demo loads once; a second run changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from control.models import Application, ImportRun, RiskModelVersion, RiskScore, ScoringRun
from control.services.demo import DEMO_CURRENT_YEAR, control_demo_seed
from lanekassen_ai.models import AuditEvent

pytestmark = pytest.mark.django_db


def _state() -> dict[str, int]:
    return {
        "applications": Application.objects.count(),
        "imports": ImportRun.objects.count(),
        "models": RiskModelVersion.objects.count(),
        "runs": ScoringRun.objects.count(),
        "scores": RiskScore.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_the_demo_imports_trains_activates_scores_and_is_idempotent(private_storage: Path) -> None:
    control_demo_seed(stdout=io.StringIO())
    first = _state()
    active = RiskModelVersion.objects.get(status=RiskModelVersion.Status.ACTIVE)
    assert first["applications"] > 5000 and first["imports"] == 1
    assert not Application.objects.filter(academic_year=DEMO_CURRENT_YEAR, controlled=True).exists()
    assert RiskScore.objects.filter(model_version=active, academic_year=DEMO_CURRENT_YEAR).count() == (
        Application.objects.filter(academic_year=DEMO_CURRENT_YEAR).count()
    )
    control_demo_seed(stdout=io.StringIO())
    assert _state() == first
