"""Control's documentation letters reach chat's arrivals forecast through the
expected-load interface of lanekassen_ai (both apps installed; chat/selectors/forecast.py,
control/selectors/expected_load.py)."""

from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from chat.selectors.forecast import forecast_origin, queue_forecast_report
from control.models import DocumentationRequest
from lanekassen_ai.timezones import agency_timezone
from tests.chat.factories import QueueFactory
from tests.chat.test_forecast import _current_monday, _history
from tests.control.factories import ControlCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _letters(day, count: int) -> None:
    for _ in range(count):
        request = DocumentationRequest.objects.create(
            case=ControlCaseFactory(),
            letter_text="Dokumenter bostedet ditt.",
            deadline=day + timedelta(days=21),
        )
        when = datetime.combine(day, time(10), tzinfo=agency_timezone())
        DocumentationRequest.objects.filter(pk=request.pk).update(requested_at=when)


def test_control_letters_reach_the_forecast_through_the_events_interface() -> None:
    """Four past days with 5 letters each brought 10 more residence-control chats: 2 per
    letter. 5 letters on a forecast day add about 10 arrivals to that day."""
    queue = QueueFactory(slug="bostedskontroll")
    current = _current_monday()
    event_days = [current - timedelta(weeks=w, days=-1) for w in (1, 2, 3, 4)]  # Tuesdays
    _history(queue, weeks=6, per_day=20, seed=6, extra=dict.fromkeys(event_days, 10))
    for day in event_days:
        _letters(day, 5)
    coming = forecast_origin(today=timezone.localdate()) + timedelta(days=2)  # next Wednesday
    _letters(coming, 5)

    (forecast,) = queue_forecast_report(today=timezone.localdate(), queue=queue).queues
    sent = [e for e in forecast.events if e["kind"] == "letters_sent"]
    assert [e["day"] for e in sent] == [coming.isoformat()]
    assert sent[0]["arrivals_per_event"] == pytest.approx(2, abs=0.8)
    wednesday = [s for s in forecast.slots if s["start"].startswith(coming.isoformat())]
    assert sum(s["events"] for s in wednesday) == pytest.approx(5 * sent[0]["arrivals_per_event"], rel=0.01)
    # Deadlines have never been seen in the history: listed, but with no effect.
    deadlines = [e for e in forecast.events if e["kind"] == "deadline"]
    assert deadlines and all(e["arrivals_per_event"] is None for e in deadlines)
