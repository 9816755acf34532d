"""How many letters of a topic can go out on a day without overloading another channel, so
an app that sends letters can plan them around a channel it does not import.

An app declares capacity providers on its AppConfig as dotted paths:

    letter_capacity_providers = ("chat.selectors.letter_capacity.chat_letter_capacity",)

A provider is a function `provider(*, topic: str, days: list[date]) -> Iterable[DayCapacity]`
giving, for the days of `days` it can judge, the most letters of `topic` that may go out
that day (None: no limit, the letters bring no load it can measure) with the load it
expects. It leaves out the days it cannot judge (beyond its forecast, an unknown topic).

`letter_capacity(topic=, days=, default_per_day=)` asks the providers in turn: a day the
first provider judges takes its answer, a day none judges gets `default_per_day` with
`source == "default"`; a provider that fails is logged and skipped (its days get the
default), so planning letters never breaks because of another app. The result says, per
day, which was used and, as a whole, why the default was needed.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_SOURCE = "default"


@dataclass(frozen=True)
class DayCapacity:
    day: date
    letters: int | None  # most letters that day; None: no limit
    source: str  # the providing app's label, or "default"
    expected_arrivals: float | None = None  # the channel's forecast load that day without these letters
    arrivals_per_letter: float | None = None  # the extra load one letter brings (learnt)


@dataclass(frozen=True)
class LetterCapacity:
    days: list[DayCapacity]
    # Why some or all days have the default limit ("" when a provider judged every day):
    # "no_provider", "provider_failed" or "not_judged" (a provider left days out).
    default_reason: str = ""

    @property
    def sources(self) -> set[str]:
        return {d.source for d in self.days}


Provider = Callable[..., Iterable[DayCapacity]]


def letter_capacity_providers() -> list[tuple[str, Provider]]:
    """(app label, provider) for every capacity provider the installed apps declare."""
    found: list[tuple[str, Provider]] = []
    for config in apps.get_app_configs():
        for path in getattr(config, "letter_capacity_providers", ()):
            found.append((config.label, import_string(path)))
    return found


def letter_capacity(*, topic: str, days: list[date], default_per_day: int) -> LetterCapacity:
    """The capacity for letters of `topic` on each of `days` (in that order): a provider's
    where one judges the day, `default_per_day` otherwise."""
    if default_per_day < 0:
        raise ValueError(f"default_per_day must be >= 0, got {default_per_day}")
    judged: dict[date, DayCapacity] = {}
    providers = letter_capacity_providers()
    reason = "" if providers else "no_provider"
    for label, provider in providers:
        try:
            answers = list(provider(topic=topic, days=list(days)))
        except Exception:
            logger.exception("letter-capacity provider of %s failed; the default limit is used", label)
            reason = reason or "provider_failed"
            continue
        for answer in answers:
            if answer.day in days and answer.day not in judged:
                judged[answer.day] = answer
    result = [
        judged.get(day) or DayCapacity(day=day, letters=default_per_day, source=DEFAULT_SOURCE)
        for day in days
    ]
    if not reason and any(d.source == DEFAULT_SOURCE for d in result):
        reason = "not_judged"
    return LetterCapacity(days=result, default_reason=reason)
