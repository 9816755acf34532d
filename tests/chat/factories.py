"""Factories for the chat app's models."""

import hashlib
from datetime import time

import factory
from django.utils import timezone

from chat.models import AgentStatus, Assistant, Conversation, Intent, Message, OpeningHours, Queue


class AssistantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assistant
        django_get_or_create = ("slug",)

    slug = "kunde"
    name = "Kundeassistent"


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"ko-{n}")
    name = factory.LazyAttribute(lambda q: q.slug.replace("-", " ").title())
    priority = 20


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    queue = factory.SubFactory(QueueFactory)
    weekday = 0
    opens = time(8, 0)
    closes = time(15, 30)


class IntentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intent

    assistant = factory.SubFactory(AssistantFactory)
    slug = factory.Sequence(lambda n: f"intensjon-{n}")
    title_nb = factory.Sequence(lambda n: f"Intensjon {n}")
    title_en = factory.Sequence(lambda n: f"Intent {n}")
    answer_nb = "Du finner svaret på Mine sider."
    answer_en = "You find the answer on My pages."


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    assistant = factory.SubFactory(AssistantFactory)
    token_hash = factory.Sequence(lambda n: hashlib.sha256(f"token-{n}".encode()).hexdigest())


class QueuedConversationFactory(ConversationFactory):
    state = Conversation.State.QUEUED
    queue = factory.SubFactory(QueueFactory)
    queued_at = factory.LazyFunction(timezone.now)
    last_customer_activity_at = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    sender = Message.Sender.CUSTOMER
    text = "Hei, jeg lurer på noe."


class AgentStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentStatus
        django_get_or_create = ("user",)

    state = AgentStatus.State.AVAILABLE
    capacity = 3
