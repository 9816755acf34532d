"""chat/fixed_sql.py: the reply path's fixed SQL reads and writes rows as the ORM would."""

import pytest
from django.db import connection

from chat.fixed_sql import columns_of, instance_from_row, row_update, rows_insert
from chat.models import Conversation, Message
from tests.chat.factories import ConversationFactory

pytestmark = pytest.mark.django_db


def test_rows_insert_writes_every_field_and_sets_the_keys_like_the_orm() -> None:
    conversation = ConversationFactory()
    ours = [
        Message(
            conversation=conversation,
            sender=Message.Sender.CUSTOMER,
            text="hei",
            action="answer",
            confidence=0.75,
            options=["a", "b"],
        ),
        Message(conversation=conversation, sender=Message.Sender.BOT, text="svar", action="answer"),
    ]
    rows_insert(instances=ours)
    assert all(m.pk and not m._state.adding for m in ours)
    orm = Message.objects.create(
        conversation=conversation, sender=Message.Sender.BOT, text="svar", action="answer"
    )
    first, second = (Message.objects.get(pk=m.pk) for m in ours)
    assert (first.text, first.confidence, first.options, first.sender) == (
        "hei",
        0.75,
        ["a", "b"],
        "customer",
    )
    assert first.created_at is not None and first.created_at <= orm.created_at
    fields = [f.attname for f in Message._meta.concrete_fields if f.attname not in ("id", "created_at")]
    assert [getattr(second, f) for f in fields] == [
        getattr(Message.objects.get(pk=orm.pk), f) for f in fields
    ]


def test_row_update_writes_only_the_named_fields() -> None:
    conversation = ConversationFactory(language="nb", consecutive_fallbacks=0)
    stale = Conversation.objects.get(pk=conversation.pk)
    conversation.language, conversation.consecutive_fallbacks = "nn", 2
    conversation.state = Conversation.State.CLOSED  # not named: stays as stored
    row_update(instance=conversation, fields=("language", "consecutive_fallbacks"))
    stored = Conversation.objects.get(pk=conversation.pk)
    assert (stored.language, stored.consecutive_fallbacks, stored.state) == ("nn", 2, stale.state)


def test_instance_from_row_equals_the_orms_instance() -> None:
    conversation = ConversationFactory()
    columns, names = columns_of(model=Conversation, alias="c")
    with connection.cursor() as cursor:
        sql = f"SELECT {columns} FROM {Conversation._meta.db_table} c WHERE c.id = %s"  # noqa: S608
        cursor.execute(sql, [conversation.pk])
        ours = instance_from_row(model=Conversation, values=cursor.fetchone())
    orm = Conversation.objects.get(pk=conversation.pk)
    assert [getattr(ours, n) for n in names] == [getattr(orm, n) for n in names]
    assert not ours._state.adding
