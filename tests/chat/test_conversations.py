"""chat/services/conversations.py: what the customer's own actions change beyond the conversation."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from chat.models import Conversation, IntentModelVersion, QueueSlotStat
from chat.services.conversations import conversation_message_post, conversation_rate, conversation_start
from lanekassen_ai import personal_answers
from tests.chat.factories import ConversationFactory, QueueFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_rating_reaches_the_queues_half_hour_figures_at_once(django_capture_on_commit_callbacks) -> None:
    queue = QueueFactory()
    queued_at = timezone.now() - timedelta(minutes=10)
    conversation = ConversationFactory(
        queue=queue,
        state=Conversation.State.CLOSED,
        queued_at=queued_at,
        answered_at=queued_at + timedelta(seconds=20),
        closed_at=queued_at + timedelta(seconds=200),
    )
    with django_capture_on_commit_callbacks(execute=True):
        conversation_rate(conversation=conversation, rating=4)
    stat = QueueSlotStat.objects.get(queue=queue)
    assert (stat.rating_sum, stat.rating_count) == (4, 1)
    assert stat.answered == 1


@pytest.fixture
def no_personal_answers() -> Iterator[None]:
    """The chat on its own: no app has registered a personal-answer provider."""
    saved = personal_answers.providers()
    for provider in saved:
        personal_answers.unregister(provider)
    yield
    for provider in saved:
        personal_answers.register(provider)


def test_a_students_conversation_without_a_provider_gets_the_normal_answer(
    kunde_model: IntentModelVersion, no_personal_answers: None
) -> None:
    student = UserFactory(role="student")
    conversation, _token = conversation_start(language="nb", user=student, student=True)
    assert conversation.student_id == student.pk
    reply = conversation_message_post(conversation=conversation, text="Når kommer pengene?")
    assert reply is not None and reply.action == "answer"
    assert reply.text == "Pengene utbetales den 15. hver måned."


def test_only_a_logged_in_student_makes_a_students_conversation(kunde_model: IntentModelVersion) -> None:
    staff, _ = conversation_start(user=UserFactory(role="saksbehandler"), student=True)
    anonymous, _ = conversation_start(user=AnonymousUser(), student=True)
    not_from_the_page, _ = conversation_start(user=UserFactory(role="student"))
    assert staff.student_id is None and anonymous.student_id is None and not_from_the_page.student_id is None
