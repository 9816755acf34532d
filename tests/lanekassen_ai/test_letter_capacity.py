"""The letter-capacity interface between the apps (lanekassen_ai/letter_capacity.py)."""

from datetime import date, timedelta

import pytest
from django.apps import apps

from lanekassen_ai.letter_capacity import DayCapacity, letter_capacity, letter_capacity_providers

MONDAY = date(2026, 12, 7)
DAYS = [MONDAY + timedelta(days=n) for n in range(3)]


def provider_for_tests(*, topic: str, days: list[date]) -> list[DayCapacity]:
    # Judges only the first day, and a day it was not asked about.
    return [
        DayCapacity(day=days[0], letters=40, source="test", expected_arrivals=12.0, arrivals_per_letter=0.1),
        DayCapacity(day=days[0] - timedelta(days=30), letters=1, source="test"),
    ]


def failing_provider_for_tests(*, topic: str, days: list[date]) -> list[DayCapacity]:
    raise RuntimeError("the other app is broken")


@pytest.fixture
def declared(monkeypatch):
    """Declare capacity providers on the control app's config, as an app would."""

    def declare(*paths: str) -> None:
        for config in apps.get_app_configs():
            monkeypatch.setattr(config, "letter_capacity_providers", (), raising=False)
        monkeypatch.setattr(apps.get_app_config("control"), "letter_capacity_providers", paths, raising=False)

    return declare


def test_the_chat_declares_its_provider_when_installed() -> None:
    labels = {label for label, _provider in letter_capacity_providers()}
    assert labels == ({"chat"} if apps.is_installed("chat") else set())


def test_a_day_a_provider_judges_takes_its_answer_and_the_others_get_the_default(declared) -> None:
    declared(f"{__name__}.provider_for_tests")
    capacity = letter_capacity(topic="residence_control", days=DAYS, default_per_day=7)
    assert [(d.day, d.letters, d.source) for d in capacity.days] == [
        (DAYS[0], 40, "test"),
        (DAYS[1], 7, "default"),
        (DAYS[2], 7, "default"),
    ]
    assert capacity.default_reason == "not_judged"
    assert capacity.sources == {"test", "default"}


def test_without_any_provider_every_day_gets_the_default(declared) -> None:
    declared()
    capacity = letter_capacity(topic="residence_control", days=DAYS, default_per_day=7)
    assert {(d.letters, d.source) for d in capacity.days} == {(7, "default")}
    assert capacity.default_reason == "no_provider"


def test_a_failing_provider_is_logged_and_its_days_get_the_default(declared, caplog) -> None:
    declared(f"{__name__}.failing_provider_for_tests", f"{__name__}.provider_for_tests")
    capacity = letter_capacity(topic="residence_control", days=DAYS, default_per_day=7)
    assert capacity.days[0].source == "test"
    assert capacity.default_reason == "provider_failed"
    assert "failed" in caplog.text


def test_a_negative_default_is_refused() -> None:
    with pytest.raises(ValueError, match="default_per_day"):
        letter_capacity(topic="t", days=DAYS, default_per_day=-1)
