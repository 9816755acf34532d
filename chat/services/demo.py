"""The chat part of the demo: the intent catalogue and a trained model per assistant."""

from typing import Any

from chat.models import Assistant
from chat.selectors.knowledge import intent_model_version_active
from chat.services.knowledge import catalogue_load_files
from chat.services.training import intent_model_train, training_data, training_data_fingerprint
from lanekassen_ai.services.audit import AuditContext


def chat_demo_seed(*, stdout: Any = None) -> None:
    """Load the shipped catalogue and train each assistant whose active model was not
    trained on exactly the current phrases. A second run changes nothing."""
    catalogue_load_files(stdout=stdout)
    for assistant in Assistant.objects.order_by("slug"):
        active = intent_model_version_active(assistant=assistant)
        fingerprint = training_data_fingerprint(data=training_data(assistant=assistant))
        if active is not None and active.metrics.get("data_sha256") == fingerprint:
            if stdout is not None:
                stdout.write(f"{assistant.slug}: model {active.version} is up to date\n")
            continue

        def progress(step: str, share: float, slug: str = assistant.slug) -> None:
            if stdout is not None:
                stdout.write(f"{slug}: training {share:4.0%} {step}\n")

        # The demo seed is the system's own work (channel "system" in the audit log).
        version = intent_model_train(assistant=assistant, context=AuditContext(), progress=progress)
        if stdout is not None:
            stdout.write(f"{assistant.slug}: model {version.version} trained and active\n")
