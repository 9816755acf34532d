"""Answers about the logged-in student's own case, so the chat can answer with a
student's deadline and upload link without importing the app that holds the cases.

An app registers a provider in its AppConfig.ready:

    personal_answers.register(student_personal_answer)

A provider is a function `provider(*, user_id: int, intent: str) -> PersonalAnswer | None`:
the answer to `intent` for the student logged in as user `user_id`, or None when it has
nothing personal to say (another intent, no case). The chat asks only for conversations
opened by a logged-in student; the anonymous chat never calls `provide`. A provider that
fails is logged and skipped, so the general answer is given instead.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PersonalAnswer:
    text_nb: str
    text_nn: str
    text_en: str
    link_url: str = ""  # e.g. the page where the student uploads documents
    source: str = ""  # the providing app's label

    def text_in(self, language: str) -> str:
        return {"nn": self.text_nn, "en": self.text_en}.get(language, self.text_nb)


Provider = Callable[..., PersonalAnswer | None]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add `provider` (registering the same function twice keeps one)."""
    if provider not in _providers:
        _providers.append(provider)


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def providers() -> tuple[Provider, ...]:
    return tuple(_providers)


def provide(*, user_id: int, intent: str) -> PersonalAnswer | None:
    """The first registered provider's personal answer to `intent` for the student."""
    for provider in _providers:
        try:
            answer = provider(user_id=user_id, intent=intent)
        except Exception:
            logger.exception("personal-answer provider %r failed; the general answer is given", provider)
            continue
        if answer is not None:
            return answer
    return None
