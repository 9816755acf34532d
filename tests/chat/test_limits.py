"""The chat's text limits have one source (chat/limits.py): the services, the forms, the
serializers (and so the schema) and the stored review text all read it."""

from chat.api.serializers_agent import NoteCreateSerializer, ReplySerializer
from chat.api.serializers_customer import MessageCreateSerializer, RatingSerializer
from chat.limits import MAX_MESSAGE_LENGTH, MAX_REPLY_LENGTH
from chat.models import ReviewItem
from chat.services.agents import MAX_NOTE_LENGTH
from chat.views.agent import NoteForm, ReplyForm


def test_every_reader_of_a_limit_has_the_same_figure() -> None:
    assert MessageCreateSerializer().fields["text"].max_length == MAX_MESSAGE_LENGTH
    assert RatingSerializer().fields["comment"].max_length == MAX_MESSAGE_LENGTH
    assert ReviewItem._meta.get_field("text").max_length == MAX_MESSAGE_LENGTH
    assert ReplySerializer().fields["text"].max_length == MAX_REPLY_LENGTH
    assert NoteCreateSerializer().fields["text"].max_length == MAX_REPLY_LENGTH
    assert ReplyForm().fields["text"].max_length == MAX_REPLY_LENGTH
    assert NoteForm().fields["text"].max_length == MAX_NOTE_LENGTH == MAX_REPLY_LENGTH
