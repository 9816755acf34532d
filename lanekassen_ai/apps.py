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

    def ready(self) -> None:
        from lanekassen_ai import receivers  # noqa: F401  (connects the auth audit receivers)
