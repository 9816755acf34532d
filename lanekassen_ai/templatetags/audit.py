"""Template filters for the audit log."""

from django import template

from lanekassen_ai.audit_actions import audit_action_label

register = template.Library()


@register.filter(name="audit_action_label")
def audit_action_label_filter(action: str) -> str:
    """`{{ event.action|audit_action_label }}`: the action's name in the active language."""
    return audit_action_label(action=action)
