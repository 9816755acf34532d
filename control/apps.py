from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lanekassen_ai.navigation import NavItem
from lanekassen_ai.roles import Capability, perm


class ControlConfig(AppConfig):
    name = "control"
    verbose_name = _("Bostedskontroll")
    default_auto_field = "django.db.models.BigAutoField"
    # Known future load on other channels (lanekassen_ai.events).
    expected_load_providers: tuple = ("control.selectors.events.control_expected_load_events",)
    # Menu entries (lanekassen_ai.navigation.NavItem), added as pages are built.
    navigation: tuple = (
        NavItem("control:case-list", _("Arbeidsliste"), perm(Capability.WORK_CONTROL_CASES), order=10),
        NavItem("control:campaign-list", _("Kontrollkampanjer"), perm(Capability.MANAGE_CONTROL), order=20),
        NavItem("control:flag-list", _("Skal ikke kontrolleres"), perm(Capability.MANAGE_CONTROL), order=22),
        NavItem("control:insight", _("Kontrollinnsikt"), perm(Capability.VIEW_CONTROL_STATISTICS), order=25),
        NavItem("control:model-list", _("Risikomodeller"), perm(Capability.VIEW_RISK_MODELS), order=30),
        NavItem(
            "control:applications-import",
            _("Import av søknader"),
            perm(Capability.MANAGE_RISK_MODELS),
            order=32,
        ),
    )
