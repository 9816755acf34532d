"""What every API view of the apps shares."""

from functools import cached_property
from typing import TYPE_CHECKING

from lanekassen_ai.services.audit import AuditContext

if TYPE_CHECKING:
    from rest_framework.views import APIView

    _APIViewBase = APIView
else:
    _APIViewBase = object


class AuditContextAPIMixin(_APIViewBase):
    """`self.audit_context`: who calls (the token's or session's user, as DRF
    authenticated it), from where, with the request's id; handed to services."""

    @cached_property
    def audit_context(self) -> AuditContext:
        return AuditContext.for_request(self.request, channel="api")
