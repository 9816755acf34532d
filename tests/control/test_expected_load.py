"""The residence control's expected-load events (control/selectors/expected_load.py)."""

from datetime import date, datetime, time, timedelta

import pytest

from control.models import DocumentationRequest
from control.selectors.expected_load import control_expected_load_events
from lanekassen_ai.timezones import agency_timezone
from tests.control.factories import ControlCaseFactory

pytestmark = pytest.mark.django_db
OSLO = agency_timezone()
DAY = date(2026, 11, 3)


def _request(*, sent: datetime, deadline: date) -> None:
    request = DocumentationRequest.objects.create(
        case=ControlCaseFactory(), letter_text="x", deadline=deadline
    )
    DocumentationRequest.objects.filter(pk=request.pk).update(requested_at=sent)


def test_letters_sent_and_deadlines_are_counted_per_oslo_day() -> None:
    # 23:30 Oslo on the 3rd is 22:30 UTC: still the 3rd in Oslo.
    _request(sent=datetime.combine(DAY, time(23, 30), tzinfo=OSLO), deadline=DAY + timedelta(days=21))
    _request(sent=datetime.combine(DAY, time(9), tzinfo=OSLO), deadline=DAY + timedelta(days=21))
    _request(
        sent=datetime.combine(DAY + timedelta(days=1), time(9), tzinfo=OSLO),
        deadline=DAY + timedelta(days=40),
    )
    events = list(control_expected_load_events(since=DAY, until=DAY + timedelta(days=30)))
    got = {(e.kind, e.day, e.count) for e in events}
    assert got == {
        ("letters_sent", DAY, 2),
        ("letters_sent", DAY + timedelta(days=1), 1),
        ("deadline", DAY + timedelta(days=21), 2),
    }
    assert {e.topic for e in events} == {"residence_control"}
