"""chat/api/statistics_csv.py: the statistics CSV through the API is the page's download."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chat.services.statistics import chat_stats_rebuild
from tests.chat.test_statistics import NINE, traffic  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_the_api_csv_has_the_pages_rows_and_refuses_a_bad_period(traffic, client, manager) -> None:  # noqa: F811
    chat_stats_rebuild(since=NINE - timedelta(days=1), until=NINE + timedelta(days=1))
    params = {"from": "2026-11-02", "to": "2026-11-02", "granularity": "slot"}
    client.force_login(manager)
    page = client.get(reverse("chat:statistics-csv"), params)
    api = APIClient()
    api.force_authenticate(manager)
    export = api.get(reverse("chat-statistics-csv"), params)
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert export.content == page.content
    assert export.content.decode().splitlines()[1].split(",")[1:5] == ["stipend-og-lan", "4", "3", "1"]
    bad = api.get(reverse("chat-statistics-csv"), {"granularity": "hour"})
    assert bad.status_code == 400 and "granularity" in bad.json()["detail"]


def test_a_client_that_asks_for_csv_gets_it_and_its_errors_as_json(manager) -> None:
    api = APIClient()
    api.force_authenticate(manager)
    export = api.get(reverse("chat-statistics-csv"), HTTP_ACCEPT="text/csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    bad = api.get(reverse("chat-statistics-csv"), {"granularity": "hour"}, HTTP_ACCEPT="text/csv")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/json"
    assert "granularity" in bad.json()["detail"]
    assert api.get(reverse("chat-statistics-csv"), HTTP_ACCEPT="application/xml").status_code == 406
