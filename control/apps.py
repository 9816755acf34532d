from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlConfig(AppConfig):
    name = "control"
    verbose_name = _("Bostedskontroll")
    default_auto_field = "django.db.models.BigAutoField"
    # Menu entries (lanekassen_ai.navigation.NavItem), added as pages are built.
    navigation: tuple = ()
