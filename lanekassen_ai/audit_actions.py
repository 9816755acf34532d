"""Human-readable names of audit actions.

Each app declares the actions it records on its AppConfig (`audit_actions`, code → lazy
label), as it declares its menu entries; this collects them. An action without a label is
shown by its code, so a new action is never hidden.
"""

from typing import Any

from django.apps import apps


def audit_action_labels() -> dict[str, Any]:
    """Every declared action code with its (lazy) label, from all installed apps."""
    labels: dict[str, Any] = {}
    for config in apps.get_app_configs():
        labels.update(getattr(config, "audit_actions", {}))
    return labels


def audit_action_label(*, action: str) -> str:
    """The label of one action code in the active language, or the code itself."""
    label = audit_action_labels().get(action)
    return str(label) if label is not None else action
