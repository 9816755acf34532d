"""Understanding people as they write, through the public API with the shipped catalogue:
the examples of plain English, typos and a long message that used to fall back, with the
conversation opened on the Norwegian page."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from chat.models import Assistant
from chat.services.training import intent_model_train
from lanekassen_ai.services.audit import AuditContext

pytestmark = pytest.mark.django_db

EXAMPLES = [
    ("When will I get my money?", "payout_dates", "en"),
    ("how do I apply for a grant", "apply_support", "en"),
    ("hvordn sker jeg stpend", "apply_support", "nb"),
    (
        "Hei, jeg flyttet hjem til mamma i januar fordi jeg ikke hadde råd til hybelen, men jeg "
        "fortsatt studerer i Bergen. Må jeg si fra til dere og mister jeg stipendet?",
        "living_away_rules",
        "nb",
    ),
]


def test_plain_english_typos_and_a_long_message_get_the_right_answer_on_the_norwegian_page() -> None:
    call_command("load_intents", stdout=io.StringIO())
    version = intent_model_train(assistant=Assistant.objects.get(slug="kunde"), context=AuditContext())
    api = APIClient()
    for text, intent, language in EXAMPLES:
        created = api.post(
            reverse("chat-conversation-create"), {"assistant": "kunde", "language": "nb"}, format="json"
        )
        assert created.status_code == 201, created.content
        conversation_id, token = created.json()["id"], created.json()["token"]
        response = api.post(
            reverse("chat-conversation-messages", args=[conversation_id]),
            {"text": text},
            format="json",
            HTTP_X_CONVERSATION_TOKEN=token,
        )
        reply = response.json()["reply"]
        assert (reply["action"], reply["intent"], reply["language"]) == ("answer", intent, language), (
            text,
            reply,
        )
        assert reply["confidence"] >= version.answer_threshold
