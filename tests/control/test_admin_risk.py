"""control/admin.py for the register data and the model registry: visible, read-only."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.control.factories import ApplicationFactory, RiskModelVersionFactory

pytestmark = pytest.mark.django_db

MODELS = ["customer", "application", "importrun", "riskmodelversion", "scoringrun", "riskscore"]


@pytest.mark.parametrize("model", MODELS)
def test_the_list_renders_but_nothing_can_be_added_even_by_a_superuser(make_user, model: str) -> None:
    ApplicationFactory.create_batch(3)
    RiskModelVersionFactory()
    client = Client()
    client.force_login(make_user("admin", username="superuser", is_superuser=True))
    assert client.get(reverse(f"admin:control_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:control_{model}_add")).status_code == 403
