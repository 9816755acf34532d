"""The base of the apps' management commands."""

from functools import cached_property

from django.core.management.base import BaseCommand

from lanekassen_ai.services.audit import AuditContext


class AuditedCommand(BaseCommand):
    """A command whose writes are recorded with channel "command" and one request id per
    run: `self.audit_context` goes to the services it calls."""

    @cached_property
    def audit_context(self) -> AuditContext:
        return AuditContext.for_command()
