"""Roles are Django groups; what each may do is a set of capability permissions.

Views and API views check capabilities (`lanekassen_ai.<codename>`), never group names, so
a deployment can give a person several roles or move a capability between roles in the
admin without code changes. The data migration creates the groups and capabilities; this
mapping is the single source of what each role gets.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "saksbehandler", _("Saksbehandler")
    MANAGER = "leder", _("Leder")
    MODELLER = "analytiker", _("Analytiker")
    ADMIN = "admin", _("Administrator")
    # A student logged in with ID-porten; sees only their own control cases.
    STUDENT = "student", _("Student")


class Capability(models.TextChoices):
    """Codenames of the permissions on `lanekassen_ai.AccessPolicy`."""

    WORK_CONTROL_CASES = "work_control_cases", "Can work residence-control cases"
    MANAGE_CONTROL = "manage_control", "Can manage control campaigns and reopen decided cases"
    VIEW_CONTROL_STATISTICS = "view_control_statistics", "Can view control statistics"
    VIEW_PERSONAL_DATA = "view_personal_data", "Can see names and national identity numbers"
    MANAGE_RISK_MODELS = "manage_risk_models", "Can train, activate and retire risk models"
    VIEW_RISK_MODELS = "view_risk_models", "Can view risk model cards"
    MANAGE_INTENTS = "manage_intents", "Can edit intents and retrain the assistants"
    REVIEW_CHAT_MESSAGES = "review_chat_messages", "Can review messages the assistant did not understand"
    ANSWER_CHATS = "answer_chats", "Can answer customers in the agent console"
    REASSIGN_CHATS = "reassign_chats", "Can reassign chat conversations to another agent"
    VIEW_QUEUE_STATISTICS = "view_queue_statistics", "Can view chat queue statistics"
    VIEW_AUDIT_LOG = "view_audit_log", "Can read the audit log"
    VIEW_OWN_CONTROL_CASES = "view_own_control_cases", "Can see and answer their own control cases"
    VIEW_EVENTS = "view_events", "Can read the domain events feed"
    MANAGE_WEBHOOKS = "manage_webhooks", "Can manage webhook subscriptions and redeliver events"
    HANDLE_APPEALS = "handle_appeals", "Can register and decide appeals against control decisions"


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.CASEWORKER: frozenset(
        {
            Capability.WORK_CONTROL_CASES,
            Capability.HANDLE_APPEALS,
            Capability.VIEW_PERSONAL_DATA,
            Capability.ANSWER_CHATS,
            Capability.REVIEW_CHAT_MESSAGES,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Capability.MANAGE_CONTROL,
            Capability.VIEW_CONTROL_STATISTICS,
            Capability.VIEW_PERSONAL_DATA,
            Capability.VIEW_RISK_MODELS,
            Capability.VIEW_QUEUE_STATISTICS,
            Capability.VIEW_EVENTS,
            Capability.REASSIGN_CHATS,
        }
    ),
    # The modeller works with models and aggregate figures, never with who a student is.
    Role.MODELLER: frozenset(
        {
            Capability.MANAGE_RISK_MODELS,
            Capability.VIEW_RISK_MODELS,
            Capability.MANAGE_INTENTS,
            Capability.REVIEW_CHAT_MESSAGES,
            Capability.VIEW_CONTROL_STATISTICS,
        }
    ),
    # Admins act for the agency; a student's own page is never theirs.
    Role.ADMIN: frozenset(Capability) - {Capability.VIEW_OWN_CONTROL_CASES},
    Role.STUDENT: frozenset({Capability.VIEW_OWN_CONTROL_CASES}),
}


def perm(capability: Capability) -> str:
    """The permission string Django's `has_perm` expects for a capability."""
    return f"lanekassen_ai.{capability.value}"
