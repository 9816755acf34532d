"""Known expected-load events collected from the apps (lanekassen_ai/expected_load.py)."""

from datetime import date, timedelta

import pytest
from django.apps import apps

from lanekassen_ai.expected_load import ExpectedLoadEvent, expected_load_events, expected_load_providers

DAY = date(2026, 12, 7)


def provider_for_tests(*, since: date, until: date) -> list[ExpectedLoadEvent]:
    return [
        ExpectedLoadEvent(day=until, topic="t", kind="later", count=1, source="test"),
        ExpectedLoadEvent(day=since, topic="t", kind="sooner", count=2, source="test"),
        ExpectedLoadEvent(day=since - timedelta(days=1), topic="t", kind="outside", count=2, source="test"),
    ]


def failing_provider_for_tests(*, since: date, until: date) -> list[ExpectedLoadEvent]:
    raise RuntimeError("the other app is broken")


@pytest.fixture
def declared(monkeypatch):
    """Declare providers on the chat app's config, as an app would on its AppConfig."""

    def declare(*paths: str) -> None:
        monkeypatch.setattr(apps.get_app_config("chat"), "expected_load_providers", paths, raising=False)

    return declare


def test_control_declares_its_provider() -> None:
    assert ("control", "control_expected_load_events") in {
        (label, p.__name__) for label, p in expected_load_providers()
    }


@pytest.mark.django_db
def test_events_of_every_provider_come_back_by_day_and_a_broken_provider_is_skipped(declared, caplog) -> None:
    declared(f"{__name__}.provider_for_tests", f"{__name__}.failing_provider_for_tests")
    events = [e for e in expected_load_events(since=DAY, until=DAY + timedelta(days=3)) if e.source == "test"]
    # Providers are asked for the period; they return what they hold, sorted here by day.
    assert [e.kind for e in events] == ["outside", "sooner", "later"]
    assert "chat" in caplog.text and "failed" in caplog.text


def test_a_reversed_period_is_refused() -> None:
    with pytest.raises(ValueError, match="after"):
        expected_load_events(since=DAY, until=DAY - timedelta(days=1))
