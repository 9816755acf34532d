"""Role matrix rows for the control app's pages and API."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from control.models import ScoringRun
from tests.control import casework_helpers as cw
from tests.control import student_helpers as st
from tests.control.factories import RiskModelVersionFactory
from tests.role_matrix import AD, CW, MD, MG, ST, A, Row, api, check_row, pages

# Casework. POST-only endpoints opened with GET: 405 for a role that may post, 403 otherwise.
POST_WORK = {A: 302, CW: 405, MG: 403, MD: 403, AD: 405}
POST_MANAGE = {A: 302, CW: 403, MG: 405, MD: 403, AD: 405}
API_POST_WORK = {A: 401, CW: 405, MG: 403, MD: 403, AD: 405}
CASE_READERS = {CW, MG, AD}
MANAGERS = {MG, AD}
STATISTICS = {MG, MD, AD}
# Risk models: the card is for modellers, managers and admins; changing the registry and
# importing data for modellers and admins.
MODEL_READERS = {MG, MD, AD}
MODEL_POST_MANAGE = {A: 302, CW: 403, MG: 403, MD: 405, AD: 405}
API_MODEL_POST = {A: 401, CW: 403, MG: 403, MD: 405, AD: 405}


def _model_url(name: str) -> str:
    return reverse(name, args=[RiskModelVersionFactory().version])


def _flag_url(name: str) -> str:
    from control.models import DoNotControlFlag
    from tests.control.factories import ControlCaseFactory

    customer = ControlCaseFactory().application.customer
    return reverse(
        name, args=[DoNotControlFlag.objects.create(customer=customer, reason="Sårbar student").pk]
    )


def _run() -> ScoringRun:
    return ScoringRun.objects.create(model_version=RiskModelVersionFactory(), academic_year=2019)


MATRIX: list[Row] = [
    pages("control:campaign-list", allowed=MANAGERS),
    pages("control:campaign-create", allowed=MANAGERS),
    pages(
        "control:campaign-detail", allowed=MANAGERS, url=lambda: cw.campaign_url("control:campaign-detail")
    ),
    pages(
        "control:campaign-progress",
        allowed=MANAGERS,
        url=lambda: cw.campaign_url("control:campaign-progress"),
    ),
    Row("control:campaign-confirm", POST_MANAGE, url=lambda: cw.campaign_url("control:campaign-confirm")),
    Row(
        "control:campaign-letters-propose",
        POST_MANAGE,
        url=lambda: cw.campaign_url("control:campaign-letters-propose"),
    ),
    Row(
        "control:campaign-letters-accept",
        POST_MANAGE,
        url=lambda: cw.campaign_url("control:campaign-letters-accept"),
    ),
    Row("control:campaign-retry", POST_MANAGE, url=lambda: cw.campaign_url("control:campaign-retry")),
    Row("control:campaign-discard", POST_MANAGE, url=lambda: cw.campaign_url("control:campaign-discard")),
    pages("control:flag-list", allowed=MANAGERS),
    Row("control:flag-deactivate", POST_MANAGE, url=lambda: reverse("control:flag-deactivate", args=[1])),
    pages("control:case-list", allowed=CASE_READERS),
    Row("control:case-take-next", POST_WORK),
    pages(
        "control:case-detail",
        allowed=CASE_READERS,
        url=lambda: reverse("control:case-detail", args=[cw.case_with_score().pk]),
    ),
    Row(
        "control:case-request-documentation",
        POST_WORK,
        url=lambda: cw.case_url("control:case-request-documentation"),
    ),
    Row("control:case-document-upload", POST_WORK, url=lambda: cw.case_url("control:case-document-upload")),
    Row("control:case-decide", POST_WORK, url=lambda: cw.case_url("control:case-decide")),
    Row("control:case-reopen", POST_MANAGE, url=lambda: cw.case_url("control:case-reopen")),
    pages("control:case-letter-download", allowed=CASE_READERS, url=cw.case_letter_url),
    Row("control:case-appeal-register", POST_WORK, url=lambda: cw.case_url("control:case-appeal-register")),
    Row("control:appeal-decide", POST_WORK, url=lambda: reverse("control:appeal-decide", args=[1])),
    pages(
        "control:case-document-download",
        allowed=CASE_READERS,
        url=lambda: (lambda d: reverse("control:case-document-download", args=[d.case_id, d.pk]))(
            cw.case_document()
        ),
    ),
    pages(
        "control:customer-access-report",
        allowed=CASE_READERS,
        url=lambda: cw.access_report_url(cw.case_with_score().application.customer_id),
    ),
    pages(
        "control:customer-access-report-pdf",
        allowed=CASE_READERS,
        url=lambda: cw.access_report_url(
            cw.case_with_score().application.customer_id, "control:customer-access-report-pdf"
        ),
    ),
    pages("control:insight", allowed=STATISTICS),
    pages(
        "control:insight-campaign",
        allowed=STATISTICS,
        url=lambda: cw.campaign_url("control:insight-campaign"),
    ),
    pages(
        "control:insight-campaign-csv",
        allowed=STATISTICS,
        url=lambda: cw.campaign_url("control:insight-campaign-csv"),
    ),
    api("control-case-list", allowed=CASE_READERS),
    api(
        "control-case-detail",
        allowed=CASE_READERS,
        url=lambda: reverse("control-case-detail", args=[cw.case_with_score().pk]),
    ),
    Row(
        "control-case-request-documentation",
        API_POST_WORK,
        url=lambda: cw.case_url("control-case-request-documentation"),
    ),
    Row("control-case-decide", API_POST_WORK, url=lambda: cw.case_url("control-case-decide")),
    Row("control-case-take-next", API_POST_WORK),
    Row(
        "control-case-appeal-register", API_POST_WORK, url=lambda: cw.case_url("control-case-appeal-register")
    ),
    Row("control-appeal-decide", API_POST_WORK, url=lambda: reverse("control-appeal-decide", args=[1])),
    api("control-campaign-list", allowed=STATISTICS),
    api(
        "control-campaign-detail", allowed=STATISTICS, url=lambda: cw.campaign_url("control-campaign-detail")
    ),
    api(
        "control-campaign-statistics",
        allowed=STATISTICS,
        url=lambda: cw.campaign_url("control-campaign-statistics"),
    ),
    Row(
        "control-campaign-retry",
        {A: 401, CW: 403, MG: 405, MD: 403, AD: 405},
        url=lambda: cw.campaign_url("control-campaign-retry"),
    ),
    # Campaign writes and do-not-control flags (control/api/campaigns.py): an empty body is a
    # 400, a confirmed campaign can be neither confirmed nor discarded again (409).
    Row("control-campaign-list", {A: 401, CW: 403, MG: 400, MD: 403, AD: 400}, method="post"),
    Row(
        "control-campaign-confirm",
        {A: 401, CW: 403, MG: 409, MD: 403, AD: 409},
        url=lambda: cw.campaign_url("control-campaign-confirm"),
        method="post",
    ),
    # The letter schedule (managers): a campaign confirmed by the factory has none, so
    # proposing works (200) and accepting finds nothing proposed (409).
    api(
        "control-campaign-letter-schedule",
        allowed=MANAGERS,
        url=lambda: cw.campaign_url("control-campaign-letter-schedule"),
    ),
    Row(
        "control-campaign-letter-schedule-propose",
        {A: 401, CW: 403, MG: 200, MD: 403, AD: 200},
        url=lambda: cw.campaign_url("control-campaign-letter-schedule-propose"),
        method="post",
    ),
    Row(
        "control-campaign-letter-schedule-accept",
        {A: 401, CW: 403, MG: 409, MD: 403, AD: 409},
        url=lambda: cw.campaign_url("control-campaign-letter-schedule-accept"),
        method="post",
    ),
    Row(
        "control-campaign-discard",
        {A: 401, CW: 403, MG: 409, MD: 403, AD: 409},
        url=lambda: cw.campaign_url("control-campaign-discard"),
        method="post",
    ),
    api("do-not-control-flag-list", allowed=MANAGERS),
    Row("do-not-control-flag-list", {A: 401, CW: 403, MG: 400, MD: 403, AD: 400}, method="post"),
    api("do-not-control-flag-detail", allowed=MANAGERS, url=lambda: _flag_url("do-not-control-flag-detail")),
    Row(
        "do-not-control-flag-deactivate",
        {A: 401, CW: 403, MG: 200, MD: 403, AD: 200},
        url=lambda: _flag_url("do-not-control-flag-deactivate"),
        method="post",
    ),
    # A case's documents and reopening (control/api/case_actions.py)
    Row(
        "control-case-document-upload",
        {A: 401, CW: 400, MG: 403, MD: 403, AD: 400},
        url=lambda: cw.case_url("control-case-document-upload"),
        method="post",
    ),
    api(
        "control-case-document-download",
        allowed=CASE_READERS,
        url=lambda: (lambda d: reverse("control-case-document-download", args=[d.case_id, d.pk]))(
            cw.case_document()
        ),
    ),
    api(
        "control-case-letter-download",
        allowed=CASE_READERS,
        url=lambda: cw.case_letter_url("control-case-letter-download"),
    ),
    Row(
        "control-case-reopen",
        {A: 401, CW: 403, MG: 400, MD: 403, AD: 400},
        url=lambda: cw.case_url("control-case-reopen"),
        method="post",
    ),
    api(
        "customer-access-report",
        allowed=CASE_READERS,
        url=lambda: cw.access_report_url(
            cw.case_with_score().application.customer_id, "customer-access-report"
        ),
    ),
    api(
        "customer-access-report-pdf",
        allowed=CASE_READERS,
        url=lambda: cw.access_report_url(
            cw.case_with_score().application.customer_id, "customer-access-report-pdf"
        ),
    ),
    # Risk models and imports
    pages("control:model-list", allowed=MODEL_READERS),
    pages("control:model-detail", allowed=MODEL_READERS, url=lambda: _model_url("control:model-detail")),
    Row("control:model-activate", MODEL_POST_MANAGE, url=lambda: _model_url("control:model-activate")),
    Row("control:model-retire", MODEL_POST_MANAGE, url=lambda: _model_url("control:model-retire")),
    Row("control:model-retrain", MODEL_POST_MANAGE, url=lambda: _model_url("control:model-retrain")),
    pages("control:applications-import", allowed={MD, AD}),
    api("risk-model-list", allowed=MODEL_READERS),
    api("risk-model-detail", allowed=MODEL_READERS, url=lambda: _model_url("risk-model-detail")),
    Row("risk-model-activate", API_MODEL_POST, url=lambda: _model_url("risk-model-activate")),
    Row("risk-model-retire", API_MODEL_POST, url=lambda: _model_url("risk-model-retire")),
    Row(
        "risk-model-retrain",
        {A: 401, CW: 403, MG: 403, MD: 405, AD: 405},
        url=lambda: _model_url("risk-model-retrain"),
    ),
    # No year has been scored here: the export answers 404 with the reason to those allowed.
    Row(
        "risk-score-export",
        {A: 401, CW: 403, MG: 403, MD: 404, AD: 404},
        url=lambda: reverse("risk-score-export") + "?year=2019",
    ),
    api("scoring-run-list", allowed=MODEL_READERS),
    api(
        "scoring-run-detail",
        allowed=MODEL_READERS,
        url=lambda: reverse(
            "scoring-run-detail",
            args=[_run().pk],
        ),
    ),
    Row("scoring-run-retry", API_MODEL_POST, url=lambda: reverse("scoring-run-retry", args=[_run().pk])),
    Row(
        "control:scoring-run-retry",
        MODEL_POST_MANAGE,
        url=lambda: reverse("control:scoring-run-retry", args=[_run().pk]),
    ),
    Row("applications-import", {A: 401, CW: 403, MG: 403, MD: 405, AD: 405}),
    # The student's own pages and API ("Mine sider"): only the student, only their own.
    Row("student:login", {A: 200, CW: 200, MG: 200, MD: 200, AD: 200, ST: 302}),
    pages("student:case-list", allowed={ST}),
    pages(
        "student:case-detail",
        allowed={ST},
        url=lambda: reverse("student:case-detail", args=[st.matrix_case().pk]),
    ),
    pages(
        "student:document-download",
        allowed={ST},
        url=lambda: (lambda d: reverse("student:document-download", args=[d.case_id, d.pk]))(
            st.matrix_document()
        ),
    ),
    pages(
        "student:case-appeal",
        allowed={ST},
        url=lambda: reverse("student:case-appeal", args=[st.matrix_case().pk]),
    ),
    pages("student:letter-download", allowed={ST}, url=st.matrix_letter_url),
    api("student-case-list", allowed={ST}),
    Row(
        "student-case-appeal",
        {A: 401, CW: 403, MG: 403, MD: 403, AD: 403, ST: 405},
        url=lambda: reverse("student-case-appeal", args=[st.matrix_case().pk]),
    ),
    api(
        "student-case-detail",
        allowed={ST},
        url=lambda: reverse("student-case-detail", args=[st.matrix_case().pk]),
    ),
]


@pytest.mark.parametrize("row", MATRIX, ids=str)
@pytest.mark.parametrize("role", [A, CW, MG, MD, AD])
def test_each_role_gets_the_expected_status(row: Row, role: str, client_for: Callable[[str], Client]) -> None:
    check_row(row, role, client_for(role))


@pytest.mark.parametrize("row", MATRIX, ids=str)
@pytest.mark.parametrize("role", [ST])
def test_a_student_gets_only_their_own_pages(row: Row, role: str, db: None) -> None:
    check_row(row, role, st.matrix_student_client())
