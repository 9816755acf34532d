"""Forms of the project's own pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditLogFilterForm(forms.Form):
    """The audit log's filters; the page and its CSV export read the same ones."""

    date_from = forms.DateField(
        label=_("Fra dato"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Til dato"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.CharField(label=_("Bruker"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Handling"),
        required=False,
        max_length=64,
        help_text=_("En handlingskode eller begynnelsen av en, for eksempel «control.case»."),
    )
    object_type = forms.CharField(label=_("Objekttype"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Objekt-id"), required=False, max_length=64)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Fra-datoen må være før eller lik til-datoen."))
        return data

    def selector_filters(self) -> dict[str, Any]:
        """The cleaned filters as keyword arguments of `audit_event_list`."""
        data = self.cleaned_data
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "actor_username": (data.get("user") or "").strip(),
            "action_prefix": (data.get("action") or "").strip(),
            "object_type": (data.get("object_type") or "").strip(),
            "object_id": (data.get("object_id") or "").strip(),
        }
