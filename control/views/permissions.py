"""Capability checks for the control pages, shared by every page module."""

from typing import Any, ClassVar

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ValidationError
from django.forms import Form
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


def form_errors_apply(*, form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form
    has that field, otherwise at the top of the form."""
    if hasattr(error, "error_dict"):
        for field_name, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field_name if field_name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
