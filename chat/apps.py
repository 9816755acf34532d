from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chat.domain_events import EVENT_TYPES
from lanekassen_ai.navigation import NavItem
from lanekassen_ai.roles import Capability, perm


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Chat")
    default_auto_field = "django.db.models.BigAutoField"
    # How many letters other apps may send a day for the chat's queues to keep their
    # service level (lanekassen_ai.letter_capacity).
    letter_capacity_providers: tuple = ("chat.selectors.letter_capacity.chat_letter_capacity",)
    # Menu entries (lanekassen_ai.navigation.NavItem), added as pages are built.
    navigation: tuple = (
        NavItem("chat:agent-console", _("Chatkonsoll"), perm(Capability.ANSWER_CHATS), order=40),
        NavItem("chat:statistics", _("Chatstatistikk"), perm(Capability.VIEW_QUEUE_STATISTICS), order=45),
        NavItem(
            "chat:conversation-supervision", _("Chatsamtaler nå"), perm(Capability.REASSIGN_CHATS), order=46
        ),
        NavItem("chat:intent-list", _("Intensjoner"), perm(Capability.MANAGE_INTENTS), order=50),
        NavItem("chat:review-list", _("Til gjennomgang"), perm(Capability.REVIEW_CHAT_MESSAGES), order=52),
        NavItem("chat:una-chat", _("Una-hjelpen"), None, order=90, employees_only=True),
    )
    # The domain events this app emits (lanekassen_ai.event_types).
    event_types = EVENT_TYPES
    # Names of the audit actions this app records (lanekassen_ai.audit_actions).
    audit_actions = {
        "chat.intent.update": _("Intensjon endret"),
        "chat.phrase.add": _("Treningsfrase lagt til"),
        "chat.phrase.delete": _("Treningsfrase slettet"),
        "chat.intent_model.train_start": _("Trening av intensjonsmodell startet"),
        "chat.intent_model.train": _("Intensjonsmodell trent"),
        "chat.intent_model.activate": _("Intensjonsmodell aktivert"),
        "chat.review.assign": _("Melding koblet til intensjon"),
        "chat.review.dismiss": _("Melding avvist fra gjennomgang"),
        "chat.conversation.take": _("Samtale tatt"),
        "chat.conversation.reply": _("Svar sendt til kunden"),
        "chat.conversation.transfer": _("Samtale overført"),
        "chat.conversation.close": _("Samtale avsluttet"),
        "chat.conversation.note": _("Intern merknad skrevet"),
        "chat.conversation.reassign": _("Samtale satt over til en annen saksbehandler"),
        "chat.conversation.requeue": _("Samtale satt tilbake i kø uten svar"),
        "chat.agent.status": _("Agentstatus endret"),
    }
