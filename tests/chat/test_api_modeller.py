"""chat/api/modeller.py: intents, phrases, models, retraining and the review list through
the API, with the teaching pages' services and audit events."""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chat.models import Intent, IntentModelVersion, IntentTrainingRun, ReviewItem, TrainingPhrase
from chat.services.conversations import conversation_message_post, conversation_start
from lanekassen_ai.models import AuditEvent

pytestmark = pytest.mark.django_db


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _fallbacks(*texts: str) -> list[ReviewItem]:
    conversation, _ = conversation_start(assistant_slug="kunde")
    for text in texts:
        conversation_message_post(conversation=conversation, text=text)
    return list(ReviewItem.objects.order_by("id"))


def test_an_intent_is_listed_edited_and_taught_a_phrase(
    kunde_model: IntentModelVersion, modeller: Any
) -> None:
    client = _api(modeller)
    listing = client.get(reverse("chat-intent-list"), {"assistant": "kunde"}).json()
    slugs = [i["slug"] for i in listing["results"]]
    assert "payout_dates" in slugs and listing["results"][0]["n_phrases"] > 0
    intent = Intent.objects.get(assistant__slug="kunde", slug="payout_dates")
    changed = client.patch(
        reverse("chat-intent-detail", args=[intent.pk]), {"answer_en": "See Dine sider."}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["answer_en"] == "See Dine sider."
    assert changed.json()["slug"] == "payout_dates"  # never editable
    assert (
        AuditEvent.objects.get(action="chat.intent.update").details["after"]["answer_en"] == "See Dine sider."
    )

    url = reverse("chat-intent-phrases", args=[intent.pk])
    added = client.post(
        url, {"text": "når kommer stipendet", "language": "nb"}, format="json", HTTP_IDEMPOTENCY_KEY="p1"
    )
    assert added.status_code == 201
    again = client.post(url, {"text": "når kommer stipendet", "language": "nb"}, format="json")
    assert again.status_code == 400 and "allerede" in again.json()["detail"]
    phrase = TrainingPhrase.objects.get(pk=added.json()["id"])
    assert client.get(url).json()["results"][0]["id"] == phrase.pk
    assert client.delete(reverse("chat-phrase-delete", args=[phrase.pk])).status_code == 204
    assert not TrainingPhrase.objects.filter(pk=phrase.pk).exists()
    assert {e.action for e in AuditEvent.objects.all()} >= {"chat.phrase.add", "chat.phrase.delete"}


def test_models_are_listed_and_a_retraining_is_started_and_followed(
    kunde_model: IntentModelVersion, modeller: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _api(modeller)
    versions = client.get(reverse("chat-model-list"), {"assistant": "kunde"}).json()["results"]
    assert [v["version"] for v in versions] == [kunde_model.version]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = client.post(reverse("chat-model-train"), {"assistant": "kunde"}, format="json")
    assert started.status_code == 202 and started.json()["status"] == "PENDING"
    assert len(callbacks) == 1  # the training job, queued after commit
    run = IntentTrainingRun.objects.get(pk=started.json()["id"])
    followed = client.get(reverse("chat-model-train-progress", args=[run.pk])).json()
    assert followed["assistant"] == "kunde" and followed["id"] == run.pk
    assert AuditEvent.objects.get(action="chat.intent_model.train_start").channel == "api"
    assert client.post(reverse("chat-model-train"), {"assistant": "nobody"}, format="json").status_code == 404


def test_the_review_list_groups_identical_messages_and_items_are_assigned_and_dismissed(
    kunde_model: IntentModelVersion, caseworker: Any
) -> None:
    first, _twin, other, third = _fallbacks("zzkv blorp", "ZZKV blorp ", "qqx vlum", "ppt glarb")
    client = _api(caseworker)
    listing = client.get(reverse("chat-review-list"), {"assistant": "kunde"}).json()
    counts = {r["text"].strip().lower(): r["group_count"] for r in listing["results"]}
    assert counts == {"zzkv blorp": 2, "qqx vlum": 1, "ppt glarb": 1}

    intent = Intent.objects.get(assistant__slug="kunde", slug="payout_dates")
    assigned = client.post(
        reverse("chat-review-assign", args=[first.pk]), {"intent": intent.pk}, format="json"
    )
    assert assigned.status_code == 200 and assigned.json()["assigned_intent"] == "payout_dates"
    assert client.post(reverse("chat-review-dismiss", args=[first.pk])).status_code == 409
    assert client.post(reverse("chat-review-dismiss", args=[other.pk])).json()["status"] == "dismissed"
    bulk = client.post(
        reverse("chat-review-bulk"),
        {"assistant": "kunde", "items": [third.pk, other.pk], "action": "dismiss"},
        format="json",
    )
    assert bulk.status_code == 200 and bulk.json()["done"] == 1 and len(bulk.json()["refused"]) == 1
    assert client.get(reverse("chat-review-list"), {"assistant": "kunde"}).json()["count"] == 0
    assert {"chat.review.assign", "chat.review.dismiss"} <= {e.action for e in AuditEvent.objects.all()}


def test_a_manager_may_not_teach_the_assistant(kunde_model: IntentModelVersion, manager: Any) -> None:
    client = _api(manager)
    assert client.get(reverse("chat-intent-list")).status_code == 403
    assert client.get(reverse("chat-review-list")).status_code == 403
    assert client.post(reverse("chat-model-train"), {}, format="json").status_code == 403


def test_teaching_through_the_api_and_the_pages_is_audited_with_its_channel(
    kunde_model: IntentModelVersion, caseworker: Any, modeller: Any
) -> None:
    from django.test import Client

    first, second, third = _fallbacks("zzkv blorp", "qqx vlum", "ppt glarb")
    intent = Intent.objects.get(assistant__slug="kunde", slug="payout_dates")
    api = _api(modeller)
    api.patch(
        reverse("chat-intent-detail", args=[intent.pk]), {"answer_en": "See Dine sider."}, format="json"
    )
    phrase = api.post(
        reverse("chat-intent-phrases", args=[intent.pk]),
        {"text": "når i all verden kommer pengene", "language": "nb"},
    ).json()
    api.delete(reverse("chat-phrase-delete", args=[phrase["id"]]))
    reviewer = _api(caseworker)
    reviewer.post(reverse("chat-review-assign", args=[first.pk]), {"intent": intent.pk}, format="json")
    reviewer.post(
        reverse("chat-review-bulk"),
        {"assistant": "kunde", "items": [second.pk], "action": "dismiss"},
        format="json",
    )
    page = Client()
    page.force_login(caseworker)
    page.post(reverse("chat:review-dismiss", args=[third.pk]))

    events = {
        (e.action, e.channel, e.actor_username) for e in AuditEvent.objects.filter(action__regex=r"^chat\.")
    }
    assert {
        ("chat.intent.update", "api", modeller.get_username()),
        ("chat.phrase.add", "api", modeller.get_username()),
        ("chat.phrase.delete", "api", modeller.get_username()),
        ("chat.review.assign", "api", caseworker.get_username()),
        ("chat.review.dismiss", "api", caseworker.get_username()),
        ("chat.review.dismiss", "web", caseworker.get_username()),
    } <= events
    assert not AuditEvent.objects.filter(
        action__regex=r"^chat\.(intent|phrase|review)\.", channel="system"
    ).exists()


def test_a_missing_object_is_a_404_with_the_selectors_reason(
    kunde_model: IntentModelVersion, modeller: Any
) -> None:
    client = _api(modeller)
    missing = client.get(reverse("chat-intent-detail", args=[999999]))
    assert missing.status_code == 404 and missing.json() == {
        "detail": "Fant ingen intensjon med nummer 999999."
    }
    unknown = client.get(reverse("chat-intent-list"), {"assistant": "nope"})
    assert unknown.status_code == 404 and unknown.json() == {"detail": "Fant ingen assistent som heter nope."}
