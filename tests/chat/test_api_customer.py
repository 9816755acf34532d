"""The customer chat API (chat/api/customer.py), per /work/shared/specs/interfaces.md."""

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from chat.models import Conversation, IntentModelVersion, Message, OpeningHours, Queue, ReviewItem
from lanekassen_ai.settings.test import REST_FRAMEWORK

pytestmark = pytest.mark.django_db


def start(client: APIClient, **body: Any) -> tuple[int, str]:
    response = client.post(reverse("chat-conversation-create"), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"], response.json()["token"]


def say(client: APIClient, conversation_id: int, token: str, text: str) -> Any:
    return client.post(
        reverse("chat-conversation-messages", args=[conversation_id]),
        {"text": text},
        format="json",
        HTTP_X_CONVERSATION_TOKEN=token,
    )


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_it_creates_an_anonymous_conversation_and_stores_only_the_token_hash(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    conversation_id, token = start(api, assistant="kunde", language="nb")
    conversation = Conversation.objects.get(pk=conversation_id)
    assert conversation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in conversation.token_hash
    assert conversation.state == Conversation.State.BOT


def test_it_defaults_to_the_kunde_assistant_in_bokmal(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    response = api.post(reverse("chat-conversation-create"), {}, format="json")
    assert response.status_code == 201
    assert set(response.json()) >= {"id", "token"}
    assert response.json()["assistant"] == "kunde" and response.json()["language"] == "nb"


def test_it_rejects_an_unknown_assistant_and_language(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    response = api.post(
        reverse("chat-conversation-create"), {"assistant": "vaer", "language": "de"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"assistant", "language"}


def test_una_needs_a_logged_in_employee(
    api: APIClient, kunde_model: IntentModelVersion, caseworker: Any
) -> None:
    from chat.models import Assistant

    Assistant.objects.create(slug="una", name="Una-hjelpen")
    response = api.post(reverse("chat-conversation-create"), {"assistant": "una"}, format="json")
    assert response.status_code == 403
    assert "innloggede" in response.json()["detail"]
    api.force_authenticate(caseworker)
    assert (
        api.post(reverse("chat-conversation-create"), {"assistant": "una"}, format="json").status_code == 201
    )


def test_a_clear_question_gets_the_intents_answer(api: APIClient, kunde_model: IntentModelVersion) -> None:
    conversation_id, token = start(api)
    response = say(api, conversation_id, token, "Når kommer pengene?")
    assert response.status_code == 201
    reply = response.json()["reply"]
    assert set(reply) >= {"action", "intent", "confidence", "text", "options"}
    assert reply["action"] == "answer"
    assert reply["intent"] == "payout_dates"
    assert 0 <= reply["confidence"] <= 1
    assert reply["text"] == "Pengene utbetales den 15. hver måned."
    assert reply["options"] == []


def test_a_message_with_a_missing_or_wrong_token_is_refused_the_same_way_and_writes_nothing(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    from chat.models import Conversation, Message

    conversation_id, token = start(api)
    greeting = Message.objects.filter(conversation_id=conversation_id).count()
    url = reverse("chat-conversation-messages", args=[conversation_id])
    missing = api.post(url, {"text": "hei"}, format="json")
    wrong = api.post(url, {"text": "hei"}, format="json", HTTP_X_CONVERSATION_TOKEN=token + "x")
    unknown = api.post(
        reverse("chat-conversation-messages", args=[conversation_id + 1000]),
        {"text": "hei"},
        format="json",
        HTTP_X_CONVERSATION_TOKEN=token,
    )
    for response, pk in (
        (missing, conversation_id),
        (wrong, conversation_id),
        (unknown, conversation_id + 1000),
    ):
        assert response.status_code == 403
        assert response.json() == {
            "detail": f"The X-Conversation-Token header is missing or does not match conversation {pk}."
        }
    assert Message.objects.filter(conversation_id=conversation_id).count() == greeting
    # A closed conversation tells its state only to the one who holds its token.
    Conversation.objects.filter(pk=conversation_id).update(state=Conversation.State.CLOSED)
    assert api.post(url, {"text": "hei"}, format="json", HTTP_X_CONVERSATION_TOKEN="nope").status_code == 403
    assert say(api, conversation_id, token, "hei").status_code == 409


def test_a_reply_costs_a_fixed_small_number_of_queries(
    api: APIClient, kunde_model: IntentModelVersion, django_assert_num_queries: Any
) -> None:
    conversation_id, token = start(api)
    say(api, conversation_id, token, "hei")  # the first reply loads the model
    # BEGIN, the row lock (which also checks the token), the active model with the previous
    # question (did its answer help?) in one query, the intents (with the human ones), the
    # conversation's UPDATE, one INSERT for question and answer, COMMIT.
    with django_assert_num_queries(7):
        assert say(api, conversation_id, token, "Når kommer pengene?").json()["reply"]["action"] == "answer"
    # Not understood twice: the review item is the only extra write; the offer of a
    # human comes from the same intents query.
    say(api, conversation_id, token, "asdf qwerty")
    with django_assert_num_queries(8):
        reply = say(api, conversation_id, token, "zxcv bnm").json()["reply"]
    assert reply["action"] == "fallback" and reply["options"] == ["contact_human"]


def test_an_english_question_gets_the_english_answer(api: APIClient, kunde_model: IntentModelVersion) -> None:
    conversation_id, token = start(api, language="nb")
    reply = say(api, conversation_id, token, "when do I get my money paid out").json()["reply"]
    assert reply["intent"] == "payout_dates"
    assert reply["text"] == "The money is paid on the 15th of each month."


def test_two_close_intents_get_clarify_options_and_a_choice_answers(
    api: APIClient, activate_mini_model: Callable[..., IntentModelVersion]
) -> None:
    # Thresholds chosen so that nothing is confident enough to answer on its own.
    activate_mini_model(answer=0.99, clarify=0.2)
    conversation_id, token = start(api)
    reply = say(api, conversation_id, token, "faktura betale utsette").json()["reply"]
    assert reply["action"] == "clarify"
    assert len(reply["options"]) == 2
    assert set(reply["options"]) == {"invoice_payment", "payment_deferral"}
    assert reply["text"].startswith("Mente du")
    assert ReviewItem.objects.filter(reason=ReviewItem.Reason.LOW_CONFIDENCE).count() == 1

    chosen = api.post(
        reverse("chat-conversation-choice", args=[conversation_id]),
        {"option": "payment_deferral"},
        format="json",
        HTTP_X_CONVERSATION_TOKEN=token,
    )
    assert chosen.status_code == 201
    assert chosen.json()["reply"]["action"] == "answer"
    assert chosen.json()["reply"]["intent"] == "payment_deferral"


def test_a_choice_that_was_not_offered_is_refused(api: APIClient, kunde_model: IntentModelVersion) -> None:
    conversation_id, token = start(api)
    response = api.post(
        reverse("chat-conversation-choice", args=[conversation_id]),
        {"option": "payout_dates"},
        format="json",
        HTTP_X_CONVERSATION_TOKEN=token,
    )
    assert response.status_code == 409
    assert "ikke tilbudt" in response.json()["detail"]


def test_nonsense_falls_back_and_the_second_miss_offers_a_human(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    conversation_id, token = start(api)
    first = say(api, conversation_id, token, "qwxz blorp fnugg").json()["reply"]
    assert first["action"] == "fallback" and first["intent"] is None and first["options"] == []
    second = say(api, conversation_id, token, "hvordan blir været i morgen").json()["reply"]
    assert second["action"] == "fallback"
    assert second["options"] == ["contact_human"]
    assert ReviewItem.objects.filter(reason=ReviewItem.Reason.FALLBACK).count() == 2
    assert Conversation.objects.get(pk=conversation_id).consecutive_fallbacks == 2

    handed = api.post(
        reverse("chat-conversation-choice", args=[conversation_id]),
        {"option": "contact_human"},
        format="json",
        HTTP_X_CONVERSATION_TOKEN=token,
    ).json()
    assert handed["reply"]["action"] == "handover"
    assert handed["state"] == "queued"


def test_asking_for_a_human_puts_the_conversation_in_the_queue(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    conversation_id, token = start(api)
    response = say(api, conversation_id, token, "jeg vil snakke med et menneske")
    reply = response.json()["reply"]
    assert reply["action"] == "handover" and reply["intent"] == "contact_human"
    assert reply["handover"]["queued"] is True and reply["handover"]["position"] == 1
    assert "i kø" in reply["text"]
    conversation = Conversation.objects.get(pk=conversation_id)
    assert conversation.state == Conversation.State.QUEUED
    assert conversation.queue.slug == "stipend-og-lan"


def test_a_handed_over_conversation_gets_no_bot_answer(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    conversation_id, token = start(api)
    say(api, conversation_id, token, "jeg vil snakke med et menneske")
    bot_messages = Message.objects.filter(conversation_id=conversation_id, sender="bot").count()
    response = say(api, conversation_id, token, "Når kommer pengene?")
    assert response.status_code == 201
    assert response.json() == {"reply": None, "state": "queued"}
    assert Message.objects.filter(conversation_id=conversation_id, sender="bot").count() == bot_messages
    assert (
        Message.objects.filter(conversation_id=conversation_id, sender="customer").last().text
        == "Når kommer pengene?"
    )


def test_a_closed_queue_says_when_it_opens_and_takes_a_message(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    queue = Queue.objects.get(slug="stipend-og-lan")
    # Open one minute a week, at a time that is never now during a test run.
    from datetime import time

    from django.utils import timezone

    now = timezone.localtime()
    OpeningHours.objects.create(queue=queue, weekday=(now.weekday() + 3) % 7, opens=time(8), closes=time(9))
    conversation_id, token = start(api)
    reply = say(api, conversation_id, token, "jeg vil snakke med et menneske").json()["reply"]
    assert reply["action"] == "handover"
    assert reply["handover"]["queued"] is False and reply["handover"]["opens_at"]
    assert "stengt" in reply["text"]
    assert Conversation.objects.get(pk=conversation_id).state == Conversation.State.BOT

    left = api.post(
        reverse("chat-conversation-leave-message", args=[conversation_id]),
        {"text": "Ring meg om søknaden min"},
        format="json",
        HTTP_X_CONVERSATION_TOKEN=token,
    )
    assert left.status_code == 201, left.content
    conversation = Conversation.objects.get(pk=conversation_id)
    assert conversation.left_message and conversation.state == Conversation.State.QUEUED


@pytest.mark.parametrize(
    ("body", "field"),
    [({"text": ""}, "text"), ({"text": "   "}, "text"), ({"text": "x" * 2001}, "text"), ({}, "text")],
    ids=["empty", "blank", "too-long", "missing"],
)
def test_bad_message_text_gets_a_400_naming_the_field(
    api: APIClient, kunde_model: IntentModelVersion, body: dict[str, str], field: str
) -> None:
    conversation_id, token = start(api)
    response = api.post(
        reverse("chat-conversation-messages", args=[conversation_id]),
        body,
        format="json",
        HTTP_X_CONVERSATION_TOKEN=token,
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Message.objects.filter(conversation_id=conversation_id, sender="customer").exists()


def test_a_message_of_exactly_2000_characters_is_accepted(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    conversation_id, token = start(api)
    assert say(api, conversation_id, token, "a" * 2000).status_code == 201


@pytest.mark.parametrize("token", ["wrong-token", ""], ids=["wrong", "missing"])
def test_a_wrong_or_missing_token_gets_403(
    api: APIClient, kunde_model: IntentModelVersion, token: str
) -> None:
    conversation_id, _ = start(api)
    response = say(api, conversation_id, token, "hei")
    assert response.status_code == 403
    assert "X-Conversation-Token" in response.json()["detail"]
    poll = api.get(
        reverse("chat-conversation-messages", args=[conversation_id]), HTTP_X_CONVERSATION_TOKEN=token
    )
    assert poll.status_code == 403


def test_another_conversations_token_does_not_open_this_one(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    first_id, _ = start(api)
    _, other_token = start(api)
    assert say(api, first_id, other_token, "hei").status_code == 403


def test_a_closed_conversation_takes_no_messages_and_can_then_be_rated(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    conversation_id, token = start(api)
    early = api.post(
        reverse("chat-conversation-rating", args=[conversation_id]),
        {"rating": 5},
        format="json",
        HTTP_X_CONVERSATION_TOKEN=token,
    )
    assert early.status_code == 409
    closed = api.post(
        reverse("chat-conversation-close", args=[conversation_id]), HTTP_X_CONVERSATION_TOKEN=token
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    response = say(api, conversation_id, token, "hei")
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    bad = api.post(
        reverse("chat-conversation-rating", args=[conversation_id]),
        {"rating": 6},
        format="json",
        HTTP_X_CONVERSATION_TOKEN=token,
    )
    assert bad.status_code == 400 and "rating" in bad.json()
    rated = api.post(
        reverse("chat-conversation-rating", args=[conversation_id]),
        {"rating": 4, "comment": "Greit"},
        format="json",
        HTTP_X_CONVERSATION_TOKEN=token,
    )
    assert rated.status_code == 200
    assert Conversation.objects.get(pk=conversation_id).rating == 4


def test_polling_returns_only_new_messages_including_the_agents(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    conversation_id, token = start(api)
    url = reverse("chat-conversation-messages", args=[conversation_id])
    greeting = api.get(url, HTTP_X_CONVERSATION_TOKEN=token).json()
    assert [m["sender"] for m in greeting["messages"]] == ["bot"]
    last = greeting["messages"][-1]["id"]
    say(api, conversation_id, token, "jeg vil snakke med et menneske")
    Conversation.objects.filter(pk=conversation_id).update(last_customer_activity_at=None)
    Message.objects.create(
        conversation_id=conversation_id, sender="agent", text="Hei, <b>jeg</b> heter Kari."
    )
    new = api.get(f"{url}?after={last}", HTTP_X_CONVERSATION_TOKEN=token).json()
    assert [m["sender"] for m in new["messages"]] == ["customer", "bot", "agent"]
    assert (
        new["messages"][-1]["text"] == "Hei, <b>jeg</b> heter Kari."
    )  # JSON carries text; the page escapes it
    assert new["state"] == "queued"
    assert Conversation.objects.get(pk=conversation_id).last_customer_activity_at is not None
    assert api.get(f"{url}?after=abc", HTTP_X_CONVERSATION_TOKEN=token).status_code == 400


def test_the_chat_scope_throttles_a_client_with_429(api: APIClient, kunde_model: IntentModelVersion) -> None:
    cache.clear()
    rates = {**REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "chat": "3/min"}
    with override_settings(REST_FRAMEWORK={**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        conversation_id, token = start(api)
        assert say(api, conversation_id, token, "hei").status_code == 201
        assert say(api, conversation_id, token, "hei igjen").status_code == 201
        throttled = say(api, conversation_id, token, "hallo?")
        assert throttled.status_code == 429
        assert "Retry-After" in throttled.headers and throttled.json()["detail"]
        # Polling is not counted against the chat scope.
        poll = api.get(
            reverse("chat-conversation-messages", args=[conversation_id]), HTTP_X_CONVERSATION_TOKEN=token
        )
        assert poll.status_code == 200
    cache.clear()


def test_without_an_active_model_the_bot_offers_a_human(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    IntentModelVersion.objects.update(status="RETIRED")
    conversation_id, token = start(api)
    reply = say(api, conversation_id, token, "når kommer pengene").json()["reply"]
    assert reply["action"] == "fallback"
    assert reply["options"] == ["contact_human"]


def test_the_una_page_lets_a_logged_in_employee_start_a_conversation_with_its_csrf_token(
    kunde_model: IntentModelVersion, caseworker: Any
) -> None:
    import re

    from django.test import Client

    from chat.models import Assistant

    Assistant.objects.create(slug="una", name="Una-hjelpen", greeting_nb="Hei fra Una!")
    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker)
    page = client.get(reverse("chat:una-chat"))
    assert page.status_code == 200
    assert "frame-ancestors 'self'" in page["Content-Security-Policy"]
    csrf = re.search(r'data-csrf="([^"]+)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    url = reverse("chat-conversation-create")
    refused = client.post(url, {"assistant": "una"}, content_type="application/json")
    assert refused.status_code == 403
    created = client.post(url, {"assistant": "una"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert created.status_code == 201 and created.json()["assistant"] == "una"


def test_the_public_chat_page_needs_no_login_and_may_be_framed_only_by_listed_sites(
    kunde_model: IntentModelVersion,
) -> None:
    from django.test import Client

    with override_settings(CHAT_FRAME_ANCESTORS=["https://lanekassen.no"]):
        page = Client().get(reverse("chat:customer-chat") + "?embed=1")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://lanekassen.no" in policy
    assert "script-src 'self'" in policy
    assert "X-Frame-Options" not in page
    assert "chat-embedded.css" in page.content.decode()


def chat_rates(**rates: str) -> Any:
    return override_settings(
        REST_FRAMEWORK={
            **REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
        }
    )


def test_one_socket_with_a_rotating_x_forwarded_for_cannot_pass_the_chat_limit(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    cache.clear()
    with chat_rates(chat="10/min"):
        statuses = [
            api.post(
                reverse("chat-conversation-create"), {}, format="json", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
            ).status_code
            for n in range(30)
        ]
    cache.clear()
    assert statuses.count(201) == 10
    assert statuses.count(429) == 20


def test_behind_one_trusted_proxy_only_the_address_it_saw_counts(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    cache.clear()
    settings_with_proxy = {
        **REST_FRAMEWORK,
        "NUM_PROXIES": 1,
        "DEFAULT_THROTTLE_RATES": {**REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "chat": "3/min"},
    }
    with override_settings(REST_FRAMEWORK=settings_with_proxy):
        # The caller's own claims (left) rotate; the address the proxy appended stays.
        spoofed = [
            api.post(
                reverse("chat-conversation-create"),
                {},
                format="json",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7",
            ).status_code
            for n in range(5)
        ]
        other_client = api.post(
            reverse("chat-conversation-create"), {}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.8"
        ).status_code
    cache.clear()
    assert spoofed == [201, 201, 201, 429, 429]
    assert other_client == 201


def test_one_conversation_has_its_own_message_limit_whoever_sends(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    cache.clear()
    conversation_id, token = start(api)
    other_id, other_token = start(api)
    with chat_rates(chat_conversation="3/min"):
        statuses = [
            api.post(
                reverse("chat-conversation-messages", args=[conversation_id]),
                {"text": "hei"},
                format="json",
                HTTP_X_CONVERSATION_TOKEN=token,
                REMOTE_ADDR=f"192.0.2.{n}",
            ).status_code
            for n in range(5)
        ]
        other = say(api, other_id, other_token, "hei").status_code
    cache.clear()
    assert statuses == [201, 201, 201, 429, 429]
    assert other == 201


def feedback(client: APIClient, conversation_id: int, token: str, message_id: int, body: Any) -> Any:
    return client.post(
        reverse("chat-message-feedback", args=[conversation_id, message_id]),
        body,
        format="json",
        HTTP_X_CONVERSATION_TOKEN=token,
    )


def test_a_nynorsk_conversation_greets_and_answers_in_nynorsk(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    from chat.models import Assistant, Intent

    Assistant.objects.filter(slug="kunde").update(greeting_nn="Hei! Kva lurer du på?")
    Intent.objects.filter(slug="payout_dates").update(answer_nn="Pengane blir betalte ut den 15. kvar månad.")
    conversation_id, token = start(api, assistant="kunde", language="nn")
    assert Message.objects.get(conversation_id=conversation_id).text == "Hei! Kva lurer du på?"
    reply = say(api, conversation_id, token, "når er utbetalingen").json()["reply"]
    # Nothing in "når er utbetalingen" tells the standard apart: the conversation's nynorsk holds.
    assert (reply["intent"], reply["language"]) == ("payout_dates", "nn")
    assert reply["text"] == "Pengane blir betalte ut den 15. kvar månad."


def test_an_english_message_on_the_norwegian_page_gets_english_and_so_do_the_labels(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    conversation_id, token = start(api, assistant="kunde", language="nb")
    reply = say(api, conversation_id, token, "how do I apply for a student loan").json()["reply"]
    assert (reply["action"], reply["language"]) == ("answer", "en")
    assert reply["text"] == "You apply on My pages."
    assert Conversation.objects.get(pk=conversation_id).language == "en"
    listed = api.get(
        reverse("chat-conversation-messages", args=[conversation_id]), HTTP_X_CONVERSATION_TOKEN=token
    ).json()
    assert listed["language"] == "en"


def test_asking_the_same_again_or_for_a_person_marks_the_answer_as_not_helping(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    conversation_id, token = start(api)
    assert say(api, conversation_id, token, "når kommer pengene").json()["reply"]["action"] == "answer"
    assert not ReviewItem.objects.exists()
    assert (
        say(api, conversation_id, token, "hvilken dato blir lånet utbetalt").json()["reply"]["action"]
        == "answer"
    )
    item = ReviewItem.objects.get()
    assert (item.reason, item.text, item.predicted_intent.slug) == (
        "not_helped",
        "når kommer pengene",
        "payout_dates",
    )
    say(api, conversation_id, token, "jeg vil snakke med et menneske")
    assert ReviewItem.objects.filter(reason="not_helped").count() == 2


def test_a_thumbs_down_is_stored_and_lands_in_review_and_bad_feedback_is_refused(
    api: APIClient, kunde_model: IntentModelVersion
) -> None:
    conversation_id, token = start(api)
    reply = say(api, conversation_id, token, "når kommer pengene").json()["reply"]
    answer_id = reply["message_id"]
    up = feedback(api, conversation_id, token, answer_id, {"helpful": True})
    assert up.status_code == 200 and up.json() == {"message_id": answer_id, "helpful": True}
    assert not ReviewItem.objects.exists()
    assert feedback(api, conversation_id, token, answer_id, {"helpful": False}).status_code == 200
    assert Message.objects.get(pk=answer_id).helpful is False
    assert ReviewItem.objects.get().reason == "not_helped"

    assert feedback(api, conversation_id, token, answer_id, {"helpful": "kanskje"}).status_code == 400
    question = Message.objects.get(conversation_id=conversation_id, sender="customer")
    refused = feedback(api, conversation_id, token, question.pk, {"helpful": True})
    assert refused.status_code == 409 and "svarene" in refused.json()["detail"]
    other_id, other_token = start(api)
    assert feedback(api, other_id, other_token, answer_id, {"helpful": True}).status_code == 404
    assert feedback(api, conversation_id, "wrong", answer_id, {"helpful": True}).status_code == 403


def test_a_question_for_nav_is_pointed_to_nav_not_answered_and_not_just_not_understood(
    api: APIClient, tmp_path: Any
) -> None:
    from chat.ml.persistence import pipeline_save
    from chat.ml.pipeline import AGENCY_PREFIX, pipeline_train
    from chat.models import Assistant
    from chat.services.knowledge import catalogue_load, other_agencies
    from tests.chat.conftest import MINI_CATALOGUE, mini_training_data

    catalogue_load(data=MINI_CATALOGUE)
    texts, labels = mini_training_data()
    for agency in other_agencies(assistant_slug="kunde").values():
        texts += agency.phrases
        labels += [AGENCY_PREFIX + agency.slug] * len(agency.phrases)
    path = tmp_path / "with-agencies.skops"
    sha = pipeline_save(pipeline=pipeline_train(texts=texts, labels=labels), path=path)
    IntentModelVersion.objects.create(
        assistant=Assistant.objects.get(slug="kunde"),
        version="with-agencies",
        status=IntentModelVersion.Status.ACTIVE,
        artifact_path=str(path),
        artifact_sha256=sha,
        answer_threshold=0.7,
        clarify_threshold=0.6,
    )
    conversation_id, token = start(api)
    reply = say(api, conversation_id, token, "hvordan sender jeg meldekort til nav").json()["reply"]
    assert (reply["action"], reply["intent"], reply["agency"]) == ("fallback", None, "nav")
    assert "nav.no" in reply["text"] and reply["link_url"] == "https://www.nav.no/"
    english = say(api, conversation_id, token, "how do I get unemployment benefit from nav").json()["reply"]
    assert (english["agency"], english["language"]) == ("nav", "en")
    assert english["text"].startswith("This seems to be a question for NAV")
