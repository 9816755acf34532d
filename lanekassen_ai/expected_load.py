"""Known future events that bring load to the agency's channels (letters going out,
deadlines falling due), so one app can plan for what another does without importing it.

An app declares providers on its AppConfig as dotted paths:

    expected_load_providers = ("control.selectors.expected_load.control_expected_load_events",)

A provider is a function `provider(*, since: date, until: date) -> Iterable[ExpectedLoadEvent]`
returning the events dated in `since`..`until` (inclusive), past and future alike (a
consumer learns an event's effect from the past ones). `expected_load_events` collects them
from every installed app; a provider that fails is logged and skipped, so a planning page
never breaks because of another app.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExpectedLoadEvent:
    day: date  # in the agency time zone (settings.TIME_ZONE)
    topic: str  # what people will ask about, e.g. "residence_control"
    kind: str  # what happens that day, e.g. "letters_sent", "deadline"
    count: int  # how many people it concerns (letters sent, deadlines due)
    source: str  # the providing app's label
    title: str = ""


Provider = Callable[..., Iterable[ExpectedLoadEvent]]


def expected_load_providers() -> list[tuple[str, Provider]]:
    """(app label, provider) for every provider the installed apps declare."""
    found: list[tuple[str, Provider]] = []
    for config in apps.get_app_configs():
        for path in getattr(config, "expected_load_providers", ()):
            found.append((config.label, import_string(path)))
    return found


def expected_load_events(*, since: date, until: date) -> list[ExpectedLoadEvent]:
    """Every provider's events in `since`..`until`, ordered by day."""
    if since > until:
        raise ValueError(f"since {since} is after until {until}")
    events: list[ExpectedLoadEvent] = []
    for label, provider in expected_load_providers():
        try:
            events.extend(provider(since=since, until=until))
        except Exception:
            logger.exception("expected-load provider of %s failed; its events are left out", label)
    events.sort(key=lambda e: (e.day, e.topic, e.kind, e.source))
    return events
