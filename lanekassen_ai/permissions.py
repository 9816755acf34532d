"""Capability checks for pages, the counterpart of `lanekassen_ai.api.permissions` for the
API, so every app's pages admit users the same way."""

from typing import Any, ClassVar

from django.contrib.auth.mixins import AccessMixin
from django.http import HttpRequest, HttpResponseBase

from lanekassen_ai.roles import Capability, perm


class CapabilityRequiredMixin(AccessMixin):
    """Admit logged-in users holding ANY of `capabilities`; others get 403 (anonymous users
    never get here: the login middleware sends them to the login page)."""

    capabilities: ClassVar[tuple[Capability, ...]] = ()
    raise_exception = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not any(user.has_perm(perm(c)) for c in self.capabilities):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
