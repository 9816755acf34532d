"""chat/selectors/knowledge.py: the reads the modeller's pages and API share, each raising
NotFound (a 404 at either door) with one message."""

from typing import Any

import pytest
from django.http import Http404
from django.utils import translation

from chat.models import IntentTrainingRun, TrainingPhrase
from chat.selectors import NotFound
from chat.selectors.knowledge import (
    assistant_for_modeller,
    intent_choices,
    intent_for_modeller,
    intent_of_assistant,
    intent_training_run_for_modeller,
    training_phrase_for_modeller,
)
from tests.chat.factories import AssistantFactory, IntentFactory

pytestmark = pytest.mark.django_db


def test_not_found_is_a_404_for_both_doors() -> None:
    assert issubclass(NotFound, Http404)


def test_the_assistant_is_the_default_one_unless_another_is_asked_for() -> None:
    kunde, una = AssistantFactory(slug="kunde"), AssistantFactory(slug="una", name="Una")
    assert assistant_for_modeller(slug=None) == kunde
    assert assistant_for_modeller(slug="una") == una


def test_an_unknown_assistant_is_not_found_unless_the_page_falls_back_to_the_first() -> None:
    una = AssistantFactory(slug="una", name="Una")
    with pytest.raises(NotFound, match="Fant ingen assistent som heter kunde"):
        assistant_for_modeller(slug=None)
    assert assistant_for_modeller(slug="nope", fallback=True) == una


def test_without_any_assistant_even_the_fallback_says_to_load_the_catalogue() -> None:
    with pytest.raises(NotFound, match="load_intents"):
        assistant_for_modeller(slug="kunde", fallback=True)


def test_an_intent_comes_with_its_assistant_and_queue_in_one_query(django_assert_num_queries: Any) -> None:
    intent = IntentFactory()
    with django_assert_num_queries(1):
        found = intent_for_modeller(pk=intent.pk)
        assert (found.assistant.slug, found.queue) == ("kunde", None)


def test_a_missing_intent_is_not_found_in_the_readers_language() -> None:
    with pytest.raises(NotFound, match="Fant ingen intensjon med nummer 404"):
        intent_for_modeller(pk=404)
    with translation.override("en"), pytest.raises(NotFound, match="No intent with number 404"):
        intent_for_modeller(pk=404)


def test_an_intent_of_another_assistant_is_not_offered() -> None:
    intent = IntentFactory()
    other = AssistantFactory(slug="una", name="Una")
    assert intent_of_assistant(assistant_id=intent.assistant_id, intent_id=intent.pk) == intent
    assert intent_of_assistant(assistant_id=other.pk, intent_id=intent.pk) is None


def test_the_intent_choices_are_the_active_intents_by_title() -> None:
    b = IntentFactory(title_nb="B")
    a = IntentFactory(title_nb="A")
    IntentFactory(title_nb="C", active=False)
    assert intent_choices(assistant=a.assistant) == [a, b]


def test_a_phrase_and_a_training_run_are_found_or_not_found() -> None:
    intent = IntentFactory()
    phrase = TrainingPhrase.objects.create(intent=intent, text="hei", language="nb")
    run = IntentTrainingRun.objects.create(assistant=intent.assistant)
    assert training_phrase_for_modeller(pk=phrase.pk).intent == intent
    assert intent_training_run_for_modeller(pk=run.pk) == run
    with pytest.raises(NotFound, match="Fant ingen treningsfrase med nummer"):
        training_phrase_for_modeller(pk=phrase.pk + 1)
    with pytest.raises(NotFound, match="Ingen trening med det nummeret"):
        intent_training_run_for_modeller(pk=run.pk + 1)
