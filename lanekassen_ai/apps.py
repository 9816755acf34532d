from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lanekassen_ai.navigation import NavItem


class LanekassenAiConfig(AppConfig):
    name = "lanekassen_ai"
    verbose_name = "Lånekassen AI"
    default_auto_field = "django.db.models.BigAutoField"
    navigation = (
        NavItem("home", _("Forside"), order=0),
        NavItem("audit-log", _("Revisjonslogg"), "lanekassen_ai.view_audit_log", order=900),
    )
    # Names of the audit actions this app records (lanekassen_ai.audit_actions).
    audit_actions = {
        "auth.login": _("Logget inn"),
        "auth.logout": _("Logget ut"),
        "auth.login_failed": _("Mislykket innlogging"),
        "auth.api_token.issue": _("API-nøkkel utstedt"),
        "auth.api_token.rotate": _("API-nøkkel fornyet"),
        "audit.view": _("Revisjonsloggen åpnet"),
        "audit.export": _("Revisjonsloggen eksportert"),
        "webhook.subscription.create": _("Webhook-abonnement opprettet"),
        "webhook.subscription.update": _("Webhook-abonnement endret"),
        "webhook.subscription.delete": _("Webhook-abonnement slettet"),
        "webhook.delivery.redeliver": _("Webhook-levering sendt på nytt"),
    }

    def ready(self) -> None:
        from lanekassen_ai import receivers  # noqa: F401  (connects the auth audit receivers)
