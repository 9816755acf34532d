"""The review list and the teaching pages (chat/services/review.py, chat/views/modeller.py)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chat.models import Intent, IntentModelVersion, Message, ReviewItem, TrainingPhrase
from chat.services.conversations import conversation_message_post, conversation_start
from chat.services.knowledge import heldout_load
from chat.services.review import ReviewError, review_item_assign, review_item_dismiss
from lanekassen_ai.services.audit import AuditContext

pytestmark = pytest.mark.django_db


def _fallback_items(n: int) -> list[ReviewItem]:
    conversation, _ = conversation_start(assistant_slug="kunde")
    for i in range(n):
        conversation_message_post(conversation=conversation, text=f"zzkv blorp {i}")
    return list(ReviewItem.objects.order_by("id"))


def test_every_fallback_lands_in_the_review_list(kunde_model: IntentModelVersion) -> None:
    items = _fallback_items(3)
    assert [i.reason for i in items] == ["fallback"] * 3
    assert all(i.status == "open" and i.message.sender == "customer" for i in items)


def test_assigning_makes_a_training_phrase_and_closes_the_item(
    kunde_model: IntentModelVersion, caseworker: Any
) -> None:
    item = _fallback_items(1)[0]
    intent = Intent.objects.get(slug="payout_dates")
    review_item_assign(item=item, intent=intent, context=AuditContext(actor=caseworker))
    item.refresh_from_db()
    assert item.status == "assigned" and item.assigned_intent == intent and item.resolved_by == caseworker
    assert TrainingPhrase.objects.filter(intent=intent, text=item.text, source="review").exists()
    with pytest.raises(ReviewError, match="allerede"):
        review_item_dismiss(item=item, context=AuditContext(actor=caseworker))


def test_a_heldout_sentence_cannot_become_a_training_phrase(
    kunde_model: IntentModelVersion, caseworker: Any
) -> None:
    heldout_text = heldout_load(assistant_slug="kunde")[0][0][0]
    conversation, _ = conversation_start(assistant_slug="kunde")
    message = Message.objects.create(conversation=conversation, sender="customer", text=heldout_text)
    item = ReviewItem.objects.create(
        message=message, assistant=conversation.assistant, text=heldout_text, reason="fallback"
    )
    with pytest.raises(ReviewError, match="holdes utenfor"):
        review_item_assign(
            item=item, intent=Intent.objects.get(slug="greeting"), context=AuditContext(actor=caseworker)
        )
    assert ReviewItem.objects.get(pk=item.pk).status == "open"


def test_the_review_page_lists_items_without_n_plus_one_and_charts_the_fallback_rate(
    kunde_model: IntentModelVersion, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    _fallback_items(12)
    client = client_for("saksbehandler")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("chat:review-list") + "?assistant=kunde")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('id="review-') == 12
    assert 'id="fallback-rate-data"' in body and '"rate": 1.0' in body


def test_assigning_from_the_page_with_htmx_returns_the_updated_row(
    kunde_model: IntentModelVersion, client_for: Callable[[str], Client]
) -> None:
    item = _fallback_items(1)[0]
    intent = Intent.objects.get(slug="greeting")
    response = client_for("analytiker").post(
        reverse("chat:review-assign", args=[item.pk]), {"intent": intent.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="review-{item.pk}"' in response.content.decode()
    assert ReviewItem.objects.get(pk=item.pk).status == "assigned"
    missing = client_for("analytiker").post(
        reverse("chat:review-dismiss", args=[item.pk]), HTTP_HX_REQUEST="true"
    )
    assert "allerede" in missing.content.decode() or "already" in missing.content.decode()


def test_assigning_without_choosing_an_intent_says_so(
    kunde_model: IntentModelVersion, client_for: Callable[[str], Client]
) -> None:
    item = _fallback_items(1)[0]
    response = client_for("analytiker").post(
        reverse("chat:review-assign", args=[item.pk]), {"intent": ""}, HTTP_HX_REQUEST="true"
    )
    assert 'role="alert"' in response.content.decode()
    assert ReviewItem.objects.get(pk=item.pk).status == "open"


def test_the_model_page_shows_the_evaluation_and_the_risk_coverage_chart_data(
    kunde_model: IntentModelVersion, client_for: Callable[[str], Client]
) -> None:
    response = client_for("analytiker").get(reverse("chat:model-list") + "?assistant=kunde")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="risk-coverage-data"' in body and "payout_dates" in body


def test_the_model_page_shows_the_intents_own_thresholds(
    kunde_model: IntentModelVersion, client_for: Callable[[str], Client]
) -> None:
    kunde_model.intent_thresholds = {"payout_dates": 0.81}
    kunde_model.save(update_fields=["intent_thresholds"])
    body = client_for("analytiker").get(reverse("chat:model-list") + "?assistant=kunde").content.decode()
    assert "Egne svarterskler" in body and "payout_dates ≥ 0,81" in body


def test_the_intent_pages_list_edit_and_add_phrases(
    kunde_model: IntentModelVersion, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    client = client_for("analytiker")
    with django_assert_max_num_queries(10):
        listing = client.get(reverse("chat:intent-list") + "?assistant=kunde")
    assert listing.status_code == 200 and "contact_human" in listing.content.decode()
    intent = Intent.objects.get(slug="greeting")
    added = client.post(
        reverse("chat:intent-edit", args=[intent.pk]),
        {"add_phrase": "1", "text": "god kveld", "language": "nb"},
    )
    assert added.status_code == 302
    assert TrainingPhrase.objects.filter(intent=intent, text="god kveld", source="manual").exists()
    duplicate = client.post(
        reverse("chat:intent-edit", args=[intent.pk]),
        {"add_phrase": "1", "text": "god kveld", "language": "nb"},
    )
    assert duplicate.status_code == 200 and "allerede en frase" in duplicate.content.decode()
    saved = client.post(
        reverse("chat:intent-edit", args=[intent.pk]),
        {
            "title_nb": "Hilsen",
            "title_en": "Greeting",
            "action": "answer",
            "answer_nb": "Hei hei!",
            "answer_en": "Hi!",
            "active": "on",
        },
    )
    assert saved.status_code == 302
    assert Intent.objects.get(pk=intent.pk).answer_nb == "Hei hei!"


def test_retraining_from_the_review_page_never_redirects_off_site(
    kunde_model: IntentModelVersion,
    client_for: Callable[[str], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("saksbehandler").post(
            reverse("chat:model-train"), {"assistant": "kunde", "next": "//evil.example/"}
        )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("chat:review-list"))
    assert (
        IntentModelVersion.objects.filter(assistant__slug="kunde", status="ACTIVE")
        .exclude(pk=kunde_model.pk)
        .exists()
    )


def test_identical_messages_are_one_row_with_a_count_and_are_handled_together(
    kunde_model: IntentModelVersion, client_for: Callable[[str], Client], caseworker: Any
) -> None:
    conversation, _ = conversation_start(assistant_slug="kunde")
    for text in ("zzkv blorp", "ZZKV blorp ", "zzkv blorp", "qqxy vlim"):
        conversation_message_post(conversation=conversation, text=text)
    body = client_for("saksbehandler").get(reverse("chat:review-list") + "?assistant=kunde").content.decode()
    assert body.count('id="review-') == 2
    assert "<td>3</td>" in body
    first = ReviewItem.objects.filter(text="zzkv blorp").first()
    review_item_dismiss(item=first, context=AuditContext(actor=caseworker))
    assert ReviewItem.objects.filter(status="dismissed").count() == 3
    assert ReviewItem.objects.filter(status="open").count() == 1


def test_bulk_assign_and_dismiss_from_the_list(
    kunde_model: IntentModelVersion, client_for: Callable[[str], Client]
) -> None:
    items = _fallback_items(3)
    intent = Intent.objects.get(slug="payout_dates")
    client = client_for("analytiker")
    response = client.post(
        reverse("chat:review-bulk"),
        {"assistant": "kunde", "items": [items[0].pk, items[1].pk], "intent": intent.pk, "action": "assign"},
    )
    assert response.status_code == 302
    assert list(ReviewItem.objects.order_by("id").values_list("status", flat=True)) == [
        "assigned",
        "assigned",
        "open",
    ]
    assert TrainingPhrase.objects.filter(intent=intent, source="review").count() == 2
    client.post(
        reverse("chat:review-bulk"), {"assistant": "kunde", "items": [items[2].pk], "action": "dismiss"}
    )
    assert ReviewItem.objects.get(pk=items[2].pk).status == "dismissed"
    refused = client.post(
        reverse("chat:review-bulk"),
        {"assistant": "kunde", "items": [items[0].pk], "action": "assign"},
        follow=True,
    )
    assert "intent" in refused.content.decode()


def test_the_review_list_names_intents_by_title(
    kunde_model: IntentModelVersion, client_for: Callable[[str], Client]
) -> None:
    _fallback_items(1)
    body = client_for("saksbehandler").get(reverse("chat:review-list") + "?assistant=kunde").content.decode()
    assert ">Utbetalingsdatoer</option>" in body


def test_durable_resolution_counts_answers_without_hand_over_complaint_or_return_within_a_day(
    kunde_model: IntentModelVersion, client_for: Callable[[str], Client]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from chat.models import Conversation
    from chat.selectors.conversations import intent_durable_resolution
    from chat.services.conversations import client_key_for

    def answered(client: str, *, ago: timedelta) -> Conversation:
        conversation, _ = conversation_start(assistant_slug="kunde", client_key=client_key_for(ident=client))
        Conversation.objects.filter(pk=conversation.pk).update(created_at=timezone.now() - ago)
        conversation_message_post(conversation=conversation, text="når kommer pengene")
        return conversation

    answered("10.0.0.1", ago=timedelta(days=3))  # stays resolved
    answered("10.0.0.2", ago=timedelta(days=3))  # comes back two hours later
    answered("10.0.0.2", ago=timedelta(days=3) - timedelta(hours=2))
    handed = answered("10.0.0.3", ago=timedelta(days=5))
    Conversation.objects.filter(pk=handed.pk).update(queued_at=timezone.now())
    again = answered("10.0.0.4", ago=timedelta(days=6))
    conversation_message_post(conversation=again, text="hvilken dato blir lånet utbetalt")  # asked again

    (row,) = intent_durable_resolution(assistant=again.assistant, days=30)
    assert (row["intent"], row["title"]) == ("payout_dates", "Utbetalingsdatoer")
    # Six answers; durable: the first client's, the second visit of 10.0.0.2 and the
    # repeated question's second answer.
    assert (row["answered"], row["durable"]) == (6, 3)
    body = client_for("saksbehandler").get(reverse("chat:review-list") + "?assistant=kunde").content.decode()
    assert "Varig løst per intensjon" in body and "<td>0,500</td>" in body
    assert client_key_for(ident="10.0.0.1") != "10.0.0.1" and len(client_key_for(ident="10.0.0.1")) == 64
