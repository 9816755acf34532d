"""The catalogue of domain event types.

Each app declares the events it emits on its AppConfig (`event_types`, a tuple of
`EventType`), as it declares its audit actions; this collects them. `event_emit` refuses a
type, version or payload that is not declared here, so the catalogue (and the table in
docs/integrations.md, which a test compares with it) is always what receivers get.
"""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class EventType:
    """One version of one event type: its name (`control.case.decided`), version, a short
    description and its payload fields (name → meaning). Fields are ids and outcomes: no
    more personal data than a receiver needs."""

    name: str
    version: int
    description: str
    payload: dict[str, str]


def event_type_catalogue() -> dict[tuple[str, int], EventType]:
    """Every declared (type, version) of the installed apps."""
    catalogue: dict[tuple[str, int], EventType] = {}
    for config in apps.get_app_configs():
        for event_type in getattr(config, "event_types", ()):
            catalogue[(event_type.name, event_type.version)] = event_type
    return catalogue


def event_type_names() -> list[str]:
    """The declared type names, sorted (for filters and subscription choices)."""
    return sorted({name for name, _version in event_type_catalogue()})


def event_type_get(*, name: str, version: int) -> EventType | None:
    """The declaration of one type and version, or None."""
    return event_type_catalogue().get((name, version))


def event_types_as_choices() -> list[tuple[str, str]]:
    """(name, name) pairs for forms."""
    return [(name, name) for name in event_type_names()]
