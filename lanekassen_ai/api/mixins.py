"""What every API view of the apps shares."""

from functools import cached_property

from lanekassen_ai.services.audit import AuditContext


class AuditContextAPIMixin:
    """`self.audit_context`: who calls (the token's or session's user, as DRF
    authenticated it), from where, with the request's id; handed to services."""

    request: object

    @cached_property
    def audit_context(self) -> AuditContext:
        return AuditContext.for_request(self.request, channel="api")
