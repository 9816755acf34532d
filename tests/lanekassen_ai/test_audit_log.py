"""The audit log page and its CSV export: readable names, filters, and reading is logged."""

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from lanekassen_ai.audit_actions import audit_action_labels
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.selectors import audit_event_list
from lanekassen_ai.services.audit import audit_record
from lanekassen_ai.timezones import agency_timezone

OSLO = agency_timezone()


def _event_at(when: dt.datetime, **kwargs) -> AuditEvent:
    event = audit_record(**kwargs)
    # created_at is auto_now_add; the log is append-only, so move the row with raw SQL.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET created_at = %s WHERE id = %s",  # noqa: S608
            [when, event.pk],
        )
    return AuditEvent.objects.get(pk=event.pk)


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_every_recorded_action_code_has_a_label() -> None:
    import pathlib
    import re

    root = pathlib.Path(settings.BASE_DIR)
    codes: set[str] = set()
    for app in ("control", "chat", "lanekassen_ai"):
        for path in (root / app).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for call in re.finditer(r"audit_record\((.*?)\)\n", text, re.S):
                codes.update(re.findall(r'action="([a-z_]+(?:\.[a-z_]+)+)"', call.group(1)))
    assert codes, "found no audit_record calls"
    missing = sorted(codes - set(audit_action_labels()))
    assert missing == []


def test_the_page_shows_actions_by_name_in_the_users_language(db: None, admin_client: Client) -> None:
    audit_record(action="control.case.decide", object_type="control.ControlCase", object_id="7")
    page = admin_client.get(reverse("audit-log")).content.decode()
    assert "Kontrollsak avgjort" in page
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = admin_client.get(reverse("audit-log")).content.decode()
    assert "Control case decided" in page


def test_the_selector_narrows_by_days_in_the_agency_time_zone(db: None) -> None:
    # 23:30 in Oslo on 1 March is still 1 March there, though 22:30 UTC.
    late = _event_at(dt.datetime(2026, 3, 1, 23, 30, tzinfo=OSLO), action="test.late")
    next_day = _event_at(dt.datetime(2026, 3, 2, 0, 30, tzinfo=OSLO), action="test.next")
    day = dt.date(2026, 3, 1)
    assert list(audit_event_list(date_from=day, date_to=day)) == [late]
    assert list(audit_event_list(date_from=dt.date(2026, 3, 2))) == [next_day]


def test_the_page_filters_by_actor_action_and_object(db: None, admin_client: Client, caseworker) -> None:
    audit_record(
        action="control.case.view", actor=caseworker, object_type="control.ControlCase", object_id="1"
    )
    audit_record(
        action="control.case.view", actor=caseworker, object_type="control.ControlCase", object_id="2"
    )
    audit_record(action="chat.conversation.close", object_type="chat.Conversation", object_id="1")
    response = admin_client.get(
        reverse("audit-log"),
        {
            "user": caseworker.username,
            "action": "control.case",
            "object_type": "control.ControlCase",
            "object_id": "2",
        },
    )
    events = list(response.context["events"])
    assert [(e.action, e.object_id) for e in events] == [("control.case.view", "2")]


def test_a_reversed_date_range_is_refused_with_a_message(db: None, admin_client: Client) -> None:
    audit_record(action="test.thing")
    response = admin_client.get(reverse("audit-log"), {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert list(response.context["events"]) == []
    assert "Fra-datoen må være før eller lik til-datoen." in response.content.decode()
    bad = admin_client.get(reverse("audit-log-csv"), {"date_from": "not-a-date"})
    assert bad.status_code == 400
    assert "dato" in bad.content.decode().lower()


def test_reading_the_log_is_itself_logged_with_its_filters(
    db: None, admin_client: Client, admin_user
) -> None:
    admin_client.get(reverse("audit-log"), {"action": "control"})
    event = AuditEvent.objects.filter(action="audit.view").get()
    assert event.actor_username == admin_user.username
    assert event.channel == "web"
    assert event.details["action"] == "control"


def test_the_page_is_paginated_and_keeps_its_filters_in_the_page_links(
    db: None, admin_client: Client
) -> None:
    for i in range(60):
        audit_record(action="test.bulk", object_id=str(i))
    response = admin_client.get(reverse("audit-log"), {"action": "test.bulk"})
    assert len(response.context["events"]) == 50
    assert "action=test.bulk&amp;page=2" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_the_csv_export_streams_the_filtered_events_and_is_logged(db: None, admin_client: Client) -> None:
    audit_record(
        action="control.case.decide",
        object_type="control.ControlCase",
        object_id="3",
        object_repr="=HYPERLINK(1)",
    )
    audit_record(action="chat.conversation.close", object_id="9")
    response = admin_client.get(reverse("audit-log-csv"), {"action": "control.case"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["created_at", "actor_username", "action", "action_label"]
    assert [r[2] for r in rows[1:]] == ["control.case.decide"]
    assert rows[1][3] == "Kontrollsak avgjort"
    assert rows[1][6] == "'=HYPERLINK(1)"  # a formula is neutralised
    assert AuditEvent.objects.filter(action="audit.export").count() == 1


def test_the_api_filters_by_day_through_the_same_selector(db: None, admin_client: Client) -> None:
    _event_at(dt.datetime(2026, 3, 1, 12, 0, tzinfo=OSLO), action="test.early")
    _event_at(dt.datetime(2026, 3, 5, 12, 0, tzinfo=OSLO), action="test.later")
    response = admin_client.get("/api/v1/audit-events/", {"date_from": "2026-03-04", "action": "test"})
    assert [e["action"] for e in response.json()["results"]] == ["test.later"]
    assert admin_client.get("/api/v1/audit-events/", {"date_from": "x"}).status_code == 400
