"""control/migrations/0005_decision_versions.py: decisions stored on the case become
version 1, and a case reopened under the old scheme gets its decision back from the audit
log, with the reopening."""

from collections.abc import Iterator
from typing import Any

import factory
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.control.factories import ApplicationFactory

BEFORE = [("control", "0004_risk_model_justification_and_drift")]
AFTER = [("control", "0005_decision_versions")]


@pytest.fixture
def back_to_the_newest_schema() -> Iterator[None]:
    """Whatever the test does, the database ends at the newest migrations again."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_decisions_and_reopenings_become_versions(
    make_user: Any, back_to_the_newest_schema: None
) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    # The audit log's own migrations stay applied; its state is taken at its newest.
    audit_leaf = [key for key in executor.loader.graph.leaf_nodes() if key[0] == "lanekassen_ai"]
    old = executor.loader.project_state([*BEFORE, *audit_leaf]).apps
    user = old.get_model("auth", "User").objects.create(username="gammel-saksbehandler")
    manager = old.get_model("auth", "User").objects.create(username="gammel-leder")
    Campaign = old.get_model("control", "ControlCampaign")
    Customer = old.get_model("control", "Customer")
    Application = old.get_model("control", "Application")
    Case = old.get_model("control", "ControlCase")
    AuditEvent = old.get_model("lanekassen_ai", "AuditEvent")
    campaign = Campaign.objects.create(name="2018", academic_year=2018, status="CONFIRMED")

    def case(n: int, **fields: Any) -> Any:
        customer = Customer.objects.create(
            customer_id=f"MIG{n}", birth_date="1998-05-17", national_id=f"1705981234{n}", gender="F"
        )
        fields_ = factory.build(dict, FACTORY_CLASS=ApplicationFactory, application_id=f"MIGA{n}")
        fields_["customer"] = customer
        application = Application.objects.create(**fields_)
        return Case.objects.create(
            campaign=campaign,
            application=application,
            selection_reason="RISK",
            selection_probability=1,
            **fields,
        )

    decided_at = timezone.now()
    decided = case(
        1,
        outcome="CLEARED",
        justification="Leiekontrakt i orden.",
        decided_by=user,
        decided_at=decided_at,
        status="DECIDED",
        locked=True,
    )
    reopened = case(
        2, outcome="", justification="Bor hjemme.", reopen_reason="Ny leiekontrakt kom.", status="OPEN"
    )
    AuditEvent.objects.create(
        action="control.case.decide",
        actor=user,
        object_type="control.ControlCase",
        object_id=str(reopened.pk),
        details={"outcome": "CAUGHT"},
    )
    AuditEvent.objects.create(
        action="control.case.reopen",
        actor=manager,
        object_type="control.ControlCase",
        object_id=str(reopened.pk),
        details={"previous_outcome": "CAUGHT"},
    )
    untouched = case(3, status="OPEN")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    NewCase = new.get_model("control", "ControlCase")
    Decision = new.get_model("control", "ControlDecision")
    Reopening = new.get_model("control", "ControlCaseReopening")

    first = Decision.objects.get(case_id=decided.pk)
    assert (first.version, first.outcome, first.justification, first.basis, first.decided_by_id) == (
        1,
        "CLEARED",
        "Leiekontrakt i orden.",
        "UNRECORDED",
        user.pk,
    )
    assert NewCase.objects.get(pk=decided.pk).current_decision_id == first.pk
    withdrawn = Decision.objects.get(case_id=reopened.pk)
    assert (withdrawn.outcome, withdrawn.justification, withdrawn.decided_by_id) == (
        "CAUGHT",
        "Bor hjemme.",
        user.pk,
    )
    reopening = Reopening.objects.get(case_id=reopened.pk)
    assert (reopening.withdrawn_decision_id, reopening.reason, reopening.reopened_by_id) == (
        withdrawn.pk,
        "Ny leiekontrakt kom.",
        manager.pk,
    )
    assert NewCase.objects.get(pk=reopened.pk).current_decision_id is None
    assert not Decision.objects.filter(case_id=untouched.pk).exists()
