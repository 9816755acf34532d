"""How long chat texts may be: the one source for services, forms, serializers and the
schema."""

MAX_MESSAGE_LENGTH = 2000
"""A customer's message to the assistant, and a rating comment."""

MAX_REPLY_LENGTH = 4000
"""An agent's reply or internal note, and a message a customer leaves for the queue."""
