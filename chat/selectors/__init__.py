"""Read paths of the chat app."""

from django.http import Http404


class NotFound(Http404):
    """The object a door asked for does not exist, or is not the caller's to see; the
    message says which, in the reader's language. A subclass of Http404, so a page answers
    404 and the API answers 404 with the message as `detail`, without a mapping per door."""
