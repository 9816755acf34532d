"""The outbox and the feed (lanekassen_ai/services/events.py, the feed selector and
/api/v1/events/)."""

import random
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from lanekassen_ai.event_types import event_type_catalogue
from lanekassen_ai.models import DomainEvent
from lanekassen_ai.roles import Role
from lanekassen_ai.services.events import EventTypeError, domain_event_body, domain_events_number, event_emit
from tests.conftest import require_postgresql
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
MODEL_ACTIVATED = {"model_version": "v1", "activated_at": "2026-12-01T10:00:00Z"}


def emit(n: int = 1) -> list[DomainEvent]:
    return [
        event_emit(
            type="control.risk_model.activated",
            version=1,
            payload={**MODEL_ACTIVATED, "model_version": f"v{i}"},
        )
        for i in range(n)
    ]


def test_emit_refuses_an_undeclared_type_or_version(db: None) -> None:
    with pytest.raises(EventTypeError, match="not declared"):
        event_emit(type="control.case.vanished", version=1, payload={})
    with pytest.raises(EventTypeError, match="not declared"):
        event_emit(type="control.case.decided", version=9, payload={})


def test_emit_refuses_a_payload_field_that_is_not_declared(db: None) -> None:
    with pytest.raises(EventTypeError, match=r"undeclared \['national_id'\]"):
        event_emit(
            type="control.risk_model.activated",
            version=1,
            payload={**MODEL_ACTIVATED, "national_id": "01010112345"},
        )
    with pytest.raises(EventTypeError, match=r"missing \['activated_at'\]"):
        event_emit(type="control.risk_model.activated", version=1, payload={"model_version": "v1"})
    assert not DomainEvent.objects.exists()


def test_an_event_is_rolled_back_with_the_change_it_belongs_to(db: None) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        emit()
        raise RuntimeError("the change failed")
    assert not DomainEvent.objects.exists()


def test_numbering_gives_committed_events_consecutive_positions_once(db: None) -> None:
    emit(3)
    assert domain_events_number() == 3
    assert domain_events_number() == 0
    assert sorted(DomainEvent.objects.values_list("sequence", flat=True)) == [1, 2, 3]


def _feed_client(role: Role = Role.MANAGER) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role))
    return client


def test_the_feed_pages_with_an_opaque_cursor_that_is_always_returned(db: None) -> None:
    events = emit(5)
    client = _feed_client()
    first = client.get(reverse("event-feed"), {"limit": 2}).json()
    assert [e["id"] for e in first["results"]] == [str(e.id) for e in events[:2]] and first["has_more"]
    second = client.get(reverse("event-feed"), {"limit": 2, "after": first["next_cursor"]}).json()
    third = client.get(reverse("event-feed"), {"limit": 2, "after": second["next_cursor"]}).json()
    assert len(third["results"]) == 1 and not third["has_more"]
    end = client.get(reverse("event-feed"), {"after": third["next_cursor"]}).json()
    assert end == {"results": [], "next_cursor": third["next_cursor"], "has_more": False}
    emit(1)
    assert len(client.get(reverse("event-feed"), {"after": end["next_cursor"]}).json()["results"]) == 1


def test_a_feed_item_has_the_shape_of_a_webhook_body(db: None) -> None:
    (event,) = emit(1)
    item = _feed_client().get(reverse("event-feed")).json()["results"][0]
    event.refresh_from_db()
    assert item == domain_event_body(event=event)


def test_the_feed_filters_by_type_and_refuses_unknown_types_and_cursors(db: None) -> None:
    emit(2)
    event_emit(
        type="control.scoring_run.finished",
        version=1,
        payload={"scoring_run_id": 1, "academic_year": 2018, "model_version": "v1", "scored": 10},
    )
    client = _feed_client()
    only = client.get(reverse("event-feed"), {"type": "control.scoring_run.finished"}).json()["results"]
    assert [e["type"] for e in only] == ["control.scoring_run.finished"]
    bad_type = client.get(reverse("event-feed"), {"type": "control.nothing"})
    assert bad_type.status_code == 400 and "control.nothing" in bad_type.json()["type"][0]
    bad_cursor = client.get(reverse("event-feed"), {"after": "not-a-cursor"})
    assert bad_cursor.status_code == 400 and "after" in bad_cursor.json()


def test_the_feed_returns_every_event_exactly_once_while_new_ones_are_written(
    transactional_db: None,
) -> None:
    """Writers hold their transactions open for random times, so later-created events
    commit before earlier ones; a reader pages the feed all along."""
    require_postgresql()
    writers, per_writer = 6, 15
    emitted: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def write(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for i in range(per_writer):
                with transaction.atomic():
                    event = event_emit(
                        type="control.risk_model.activated",
                        version=1,
                        payload={**MODEL_ACTIVATED, "model_version": f"w{seed}-{i}"},
                    )
                    time.sleep(rng.uniform(0, 0.03))
                with lock:
                    emitted.append(str(event.id))
        except BaseException as exc:
            errors.append(exc)
        finally:
            from django.db import connection

            connection.close()

    client = _feed_client()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    seen: list[str] = []
    cursor = ""

    def read_page() -> dict[str, Any]:
        response = client.get(reverse("event-feed"), {"after": cursor, "limit": 7})
        assert response.status_code == 200
        return response.json()

    pages = 0
    while True:
        writing = any(t.is_alive() for t in threads)
        page = read_page()
        pages += 1
        seen.extend(e["id"] for e in page["results"])
        cursor = page["next_cursor"]
        if not writing and not page["has_more"]:
            break
        time.sleep(0.005)
    for thread in threads:
        thread.join()
    assert not errors
    assert len(seen) == len(set(seen)), "an event was returned twice"
    assert set(seen) == set(emitted) and len(emitted) == writers * per_writer
    assert pages > 5  # the reader really paged while the writers wrote


def test_the_docs_list_every_declared_event_type_with_its_payload_fields() -> None:
    text = (ROOT / "docs" / "integrations.md").read_text()
    for (name, version), declared in event_type_catalogue().items():
        heading = f"### `{name}` (version {version})"
        assert heading in text, f"docs/integrations.md has no table for {name} v{version}"
        section = text.split(heading, 1)[1].split("\n### ", 1)[0]
        fields = re.findall(r"^\| `([a-z_]+)` \|", section, re.M)
        assert fields == list(declared.payload), f"{name} v{version}: docs list {fields}"
