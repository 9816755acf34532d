"""chat/selectors/conversations.py: the review items the review page's and the API's
actions read."""

import pytest

from chat.models import ReviewItem
from chat.selectors import NotFound
from chat.selectors.conversations import review_item_for_reviewer, review_items_of_assistant
from tests.chat.factories import AssistantFactory, ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db


def _review_item(*, assistant_slug: str = "kunde", text: str = "zzkv blorp") -> ReviewItem:
    assistant = AssistantFactory(slug=assistant_slug, name=assistant_slug.title())
    message = MessageFactory(conversation=ConversationFactory(assistant=assistant), text=text)
    return ReviewItem.objects.create(message=message, assistant=assistant, text=text, reason="fallback")


def test_a_review_item_is_found_or_not_found() -> None:
    item = _review_item()
    assert review_item_for_reviewer(pk=item.pk).assistant.slug == "kunde"
    with pytest.raises(NotFound, match=f"Fant ingen melding til gjennomgang med nummer {item.pk + 1}"):
        review_item_for_reviewer(pk=item.pk + 1)


def test_a_bulk_action_reads_only_the_items_of_its_assistant() -> None:
    own = _review_item()
    other = _review_item(assistant_slug="una")
    assert review_items_of_assistant(assistant=own.assistant, ids=[own.pk, other.pk]) == [own]
