"""Helpers shared by the control page modules."""

from django.core.exceptions import ValidationError
from django.forms import Form


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
