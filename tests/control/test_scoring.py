"""control/services/scoring.py, the scoring task and the score_applications command."""

from __future__ import annotations

import dataclasses
import io
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from control.ml.explanation import (
    contributions_and_margin,
    model_bias,
    model_log_odds,
    model_terms,
    probability_from_margin,
    term_name,
)
from control.ml.history import history_attach
from control.ml.training import TrainingResult, pipeline_fit
from control.models import Application, RiskScore, ScoringRun
from control.selectors.risk import applications_frame
from control.services.exports import risk_scores_export
from control.services.registry import risk_model_activate
from control.services.scoring import ScoringError, scoring_run_create, scoring_run_execute, scoring_year_run
from control.tasks import scoring_run_execute_task
from lanekassen_ai.services.audit import AuditContext
from tests.conftest import require_postgresql
from tests.control.risk_fixtures import CURRENT_YEAR, model_version_store


def _assert_complete_ranking(run: ScoringRun) -> None:
    n = Application.objects.filter(academic_year=run.academic_year).count()
    scores = list(
        RiskScore.objects.filter(model_version=run.model_version, academic_year=run.academic_year)
        .order_by("rank")
        .values_list("rank", "score", "percentile", "reasons")
    )
    assert len(scores) == n == run.total == run.done
    assert [s[0] for s in scores] == list(range(1, n + 1))
    assert all(a[1] >= b[1] for a, b in itertools.pairwise(scores)), "rank 1 = highest score"
    assert scores[0][2] == 100.0 and 0 < scores[-1][2] <= 100.0 / n + 1e-9
    with_reasons = [s[3] for s in scores if s[3]]
    assert with_reasons and {"feature", "contribution", "text_nb", "text_en"} <= set(with_reasons[0][0])


@pytest.mark.django_db
def test_scoring_a_year_stores_score_rank_percentile_and_reasons_for_every_application(
    imported_population: int, trained: TrainingResult, private_storage: Path
) -> None:
    version = model_version_store(trained=trained)
    run = scoring_year_run(year=CURRENT_YEAR, model_version=version, chunk_size=400, context=AuditContext())
    assert run.status == ScoringRun.Status.SUCCEEDED
    assert len(run.chunks_done) == -(-run.total // 400)
    _assert_complete_ranking(run)
    # Drift against the training years, counted over every chunk of the year.
    run.refresh_from_db()
    assert run.drift["n"] == run.total and set(run.drift["features"]) == set(version.features)
    assert run.drift["score_psi"] is not None and 0 < run.drift["expected_recall_at_25"] <= 1
    assert run.drift["warning"] == (
        bool(run.drift["shifted_features"]) or run.drift["score_psi"] > run.drift["warn_above"]
    )


@pytest.mark.django_db
def test_an_interrupted_run_resumes_without_rescoring_finished_chunks(
    imported_population: int, trained: TrainingResult, private_storage: Path
) -> None:
    version = model_version_store(trained=trained)
    run = scoring_year_run(year=CURRENT_YEAR, model_version=version, chunk_size=500, context=AuditContext())
    # Make it look as if the worker died before the last chunk and the ranking.
    first, last = run.chunks_done[-1]
    lost = RiskScore.objects.filter(
        model_version=version, application_id__gte=first, application_id__lte=last
    )
    lost_count = lost.count()
    lost.delete()
    kept_ids = set(RiskScore.objects.filter(model_version=version).values_list("id", flat=True))
    ScoringRun.objects.filter(pk=run.pk).update(
        status=ScoringRun.Status.FAILED, chunks_done=run.chunks_done[:-1], done=run.done - lost_count
    )
    resumed = scoring_run_execute(run_id=run.pk, chunk_size=500)
    assert resumed.status == ScoringRun.Status.SUCCEEDED
    assert kept_ids <= set(RiskScore.objects.filter(model_version=version).values_list("id", flat=True))
    _assert_complete_ranking(resumed)


@pytest.mark.django_db
def test_rescoring_the_same_year_replaces_scores_instead_of_adding_rows(
    imported_population: int, trained: TrainingResult, private_storage: Path
) -> None:
    version = model_version_store(trained=trained)
    scoring_year_run(year=CURRENT_YEAR, model_version=version, chunk_size=1000, context=AuditContext())
    before = dict(RiskScore.objects.filter(model_version=version).values_list("application_id", "score"))
    second = scoring_year_run(
        year=CURRENT_YEAR, model_version=version, chunk_size=700, context=AuditContext()
    )
    after = dict(RiskScore.objects.filter(model_version=version).values_list("application_id", "score"))
    assert before.keys() == after.keys()
    assert all(abs(before[k] - after[k]) < 1e-9 for k in before)
    _assert_complete_ranking(second)


@pytest.mark.django_db
def test_scoring_needs_an_active_model_and_applications(
    imported_population: int, trained: TrainingResult, private_storage: Path
) -> None:
    with pytest.raises(ScoringError, match="no active risk model"):
        scoring_run_create(year=CURRENT_YEAR, context=AuditContext())
    risk_model_activate(model_version=model_version_store(trained=trained), context=AuditContext())
    with pytest.raises(ScoringError, match="no applications for academic year 1999"):
        scoring_run_create(year=1999, context=AuditContext())
    with pytest.raises(CommandError, match="no such model version"):
        call_command("score_applications", "--year", "2019", "--model", "nope", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_command_scores_with_the_active_model_and_export_scores_writes_the_ranking(
    imported_population: int, trained: TrainingResult, private_storage: Path, tmp_path: Path
) -> None:
    version = risk_model_activate(model_version=model_version_store(trained=trained), context=AuditContext())
    out = io.StringIO()
    call_command("score_applications", "--year", str(CURRENT_YEAR), stdout=out, stderr=io.StringIO())
    assert version.version in out.getvalue()
    target = tmp_path / "scores.csv"
    call_command("export_scores", "--year", str(CURRENT_YEAR), "--out", str(target), stdout=io.StringIO())
    lines = target.read_text().splitlines()
    assert lines[0] == "application_id,score,rank,percentile,model_version,reasons"
    first = lines[1].split(",")
    assert first[2] == "1" and first[4] == version.version
    assert len(lines) - 1 == Application.objects.filter(academic_year=CURRENT_YEAR).count()
    reasons = [line.split(",")[5] for line in lines[1:] if line.split(",")[5]]
    # A reason names a feature, or two joined by " & " (an explainable-boosting pair term).
    named = {part for r in reasons for term in r.split(";") for part in term.split(" & ")}
    assert reasons and named <= set(version.features)
    with pytest.raises(CommandError, match="has not been scored"):
        call_command(
            "export_scores", "--year", "2017", "--out", str(tmp_path / "x.csv"), stdout=io.StringIO()
        )


@pytest.mark.postgres
@pytest.mark.worker
def test_a_real_worker_scores_a_year_end_to_end_on_postgresql(
    redis_celery_worker, population_csv: bytes, trained: TrainingResult, private_storage: Path
) -> None:
    require_postgresql()
    from control.services.imports import applications_import

    applications_import(source=io.BytesIO(population_csv), file_name="population.csv", context=AuditContext())
    version = model_version_store(trained=trained)
    run = scoring_run_create(year=CURRENT_YEAR, model_version=version, context=AuditContext())
    result = scoring_run_execute_task.delay(run.pk).get(timeout=120)
    assert result["status"] == ScoringRun.Status.SUCCEEDED
    run.refresh_from_db()
    _assert_complete_ranking(run)


@pytest.mark.postgres
def test_overlapped_writes_store_the_same_complete_ranking_and_stop_when_the_lease_is_lost(
    transactional_db: None,
    settings: Any,
    population_csv: bytes,
    trained: TrainingResult,
    private_storage: Path,
) -> None:
    """On PostgreSQL each chunk is written on a second connection while the next chunk's
    reasons are computed: committed data, so the writer's connection sees it."""
    require_postgresql()
    from control.services.imports import applications_import

    settings.CONTROL_SCORING_OVERLAP_WRITES = True
    applications_import(source=io.BytesIO(population_csv), file_name="population.csv", context=AuditContext())
    version = model_version_store(trained=trained)
    run = scoring_year_run(year=CURRENT_YEAR, model_version=version, chunk_size=400, context=AuditContext())
    assert run.status == ScoringRun.Status.SUCCEEDED
    assert len(run.chunks_done) == -(-run.total // 400)
    _assert_complete_ranking(run)

    # A second run whose lease another worker takes after the first written chunk: the
    # writer thread's refusal reaches the run, which stops without finishing.
    second = scoring_run_create(year=CURRENT_YEAR, model_version=version, context=AuditContext())
    writes: list[int] = []

    def take_over(step: int, total: int) -> None:
        if step > total // 2 and not writes:
            writes.append(step)
            ScoringRun.objects.filter(pk=second.pk).update(lease_owner="another-worker")

    stopped = scoring_run_execute(run_id=second.pk, chunk_size=400, progress=take_over)
    assert writes, "the second pass reported its first written chunk"
    assert stopped.status != ScoringRun.Status.SUCCEEDED
    assert len(stopped.chunks_done) < -(-stopped.total // 400)


@pytest.mark.django_db
@pytest.mark.parametrize("algorithm", ["explainable_boosting_pairs", "lightgbm_trees", "lightgbm_additive"])
def test_every_exported_score_has_exact_reasons_bias_plus_contributions_is_the_logit(
    algorithm: str,
    imported_population: int,
    trained: TrainingResult,
    population_frame: pd.DataFrame,
    private_storage: Path,
    tmp_path: Path,
) -> None:
    frame = history_attach(frame=population_frame[population_frame["academic_year"] < CURRENT_YEAR])
    labelled = frame[frame["control_outcome"].notna()]
    pipeline = pipeline_fit(frame=labelled, algorithm=algorithm)
    version = model_version_store(
        trained=dataclasses.replace(trained, pipeline=pipeline, algorithm=algorithm),
        version=f"exact-{algorithm}",
    )
    scoring_year_run(year=CURRENT_YEAR, model_version=version, chunk_size=1000, context=AuditContext())
    target = tmp_path / "scores.csv"
    risk_scores_export(year=CURRENT_YEAR, out=target.open("w"), model_version=version)
    exported = pd.read_csv(target, dtype={"application_id": str}, keep_default_na=False)
    sample = exported.sample(n=60, random_state=1)
    applications = applications_frame(years=[CURRENT_YEAR])
    applications = applications.set_index("application_id").loc[sample["application_id"]].reset_index()
    history = applications_frame(years=[CURRENT_YEAR - 1])
    features = pipeline.named_steps["features"].transform(history_attach(frame=applications, history=history))
    contributions, margin = contributions_and_margin(pipeline=pipeline, features=features)
    bias = model_bias(pipeline=pipeline, features=features)
    # bias + contributions = the model's own log-odds, and one bias for every row.
    np.testing.assert_allclose(
        bias + contributions.astype(np.float64).sum(axis=1),
        model_log_odds(pipeline=pipeline, features=features),
        atol=1e-4,
    )
    np.testing.assert_allclose(bias, bias[0], atol=1e-6)
    np.testing.assert_allclose(
        probability_from_margin(pipeline=pipeline, margin=margin), sample["score"].to_numpy(), atol=1e-6
    )
    # The stored reasons are exactly the largest positive terms, with their contributions.
    terms = model_terms(pipeline=pipeline)
    stored = dict(
        RiskScore.objects.filter(
            model_version=version, application_id__in=list(sample["application_id"])
        ).values_list("application_id", "reasons")
    )
    for row, application_id in enumerate(applications["application_id"]):
        order = np.argsort(-contributions[row], kind="stable")[:3]
        expected = [term_name(term=terms[j]) for j in order if round(float(contributions[row, j]), 4) > 0]
        reasons = stored[application_id]
        assert [r["feature"] for r in reasons] == expected
        assert ";".join(expected) == sample["reasons"].iloc[row]
        for reason, j in zip(reasons, order, strict=False):
            assert reason["contribution"] == pytest.approx(float(contributions[row, j]), abs=1e-4)
            assert reason["text_nb"] and reason["text_nn"] and reason["text_en"]
