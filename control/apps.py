from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from control.domain_events import EVENT_TYPES
from lanekassen_ai.navigation import NavItem
from lanekassen_ai.roles import Capability, perm


class ControlConfig(AppConfig):
    name = "control"
    verbose_name = _("Bostedskontroll")
    default_auto_field = "django.db.models.BigAutoField"
    # Known future load on other channels (lanekassen_ai.expected_load).
    expected_load_providers: tuple = ("control.selectors.expected_load.control_expected_load_events",)
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
    # The domain events this app emits (lanekassen_ai.event_types).
    event_types = EVENT_TYPES
    # Names of the audit actions this app records (lanekassen_ai.audit_actions).
    audit_actions = {
        "control.applications.import": _("Søknader importert"),
        "control.applications.import_rejected": _("Import av søknader avvist"),
        "control.risk_model.train": _("Risikomodell trent"),
        "control.risk_model.activate": _("Risikomodell aktivert"),
        "control.risk_model.retire": _("Risikomodell trukket tilbake"),
        "control.risk_model.retrain": _("Ny risikomodell bestilt uten valgte kjennetegn"),
        "control.scoring.start": _("Risikoberegning startet"),
        "control.scoring.finish": _("Risikoberegning fullført"),
        "control.scoring.retry": _("Risikoberegning startet på nytt"),
        "control.scoring.abandon": _("Risikoberegning feilet (arbeideren forsvant)"),
        "control.campaign.create": _("Kontrollkampanje opprettet"),
        "control.campaign.retry": _("Uttrekk startet på nytt"),
        "control.campaign.abandon": _("Uttrekk feilet (arbeideren forsvant)"),
        "control.campaign.confirm": _("Kontrollkampanje bekreftet"),
        "control.campaign.discard": _("Kontrollkampanje forkastet"),
        "control.campaign.letter_schedule.propose": _("Utsendingsplan for brev foreslått"),
        "control.campaign.letter_schedule.accept": _("Utsendingsplan for brev godtatt"),
        "control.campaign.letters_send": _("Dagens brev i utsendingsplanen sendt"),
        "control.case.list": _("Arbeidslisten åpnet"),
        "control.case.view": _("Kontrollsak åpnet"),
        "control.case.take": _("Kontrollsak tatt"),
        "control.case.request_documentation": _("Dokumentasjon bedt om"),
        "control.case.decide": _("Kontrollsak avgjort"),
        "control.case.reopen": _("Kontrollsak gjenåpnet"),
        "control.case.reminder": _("Påminnelse om frist sendt"),
        "control.case.deadline_passed": _("Varsel om utløpt frist sendt"),
        "control.case.letter.download": _("Brev lastet ned"),
        "control.appeal.receive": _("Klage mottatt"),
        "control.appeal.decide": _("Klage avgjort"),
        "control.case.document.upload": _("Dokument lastet opp"),
        "control.case.document.download": _("Dokument lastet ned"),
        "control.customer.access_report": _("Innsynsrapport åpnet"),
        "control.student.login": _("Student logget inn med ID-porten"),
        "control.flag.create": _("Unntak fra kontroll registrert"),
        "control.flag.deactivate": _("Unntak fra kontroll avsluttet"),
    }

    def ready(self) -> None:
        from control.selectors.personal_answers import student_personal_answer
        from lanekassen_ai import personal_answers

        personal_answers.register(student_personal_answer)
