"""Pages for managers: control campaigns (create, watch the selection, confirm) and the
do-not-control flags."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView

from control.models import ControlCampaign, DoNotControlFlag, RiskModelVersion
from control.selectors.casework import (
    AUDIT_ATTRIBUTE_LABELS,
    control_campaign_form_defaults,
    control_campaign_list,
    control_campaign_power,
    do_not_control_flag_list,
)
from control.selectors.letter_schedule import campaign_letter_schedule
from control.services.campaigns import (
    control_campaign_confirm,
    control_campaign_discard,
    control_campaign_is_stuck,
    control_campaign_retry,
    control_campaign_start,
    do_not_control_flag_create,
    do_not_control_flag_deactivate,
)
from control.services.letter_schedule import campaign_letter_schedule_accept, campaign_letter_schedule_propose
from control.views.form_errors import form_errors_apply
from lanekassen_ai.middleware import request_audit_context
from lanekassen_ai.permissions import CapabilityRequiredMixin
from lanekassen_ai.responses import jobs_unavailable_page
from lanekassen_ai.roles import Capability
from lanekassen_ai.services.jobs import JobsUnavailable


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=120)
    academic_year = forms.IntegerField(label=_("Studieår"), min_value=2000, max_value=2100)
    budget_count = forms.IntegerField(
        label=_("Antall kontroller"),
        required=False,
        min_value=1,
        help_text=_("Fyll ut enten antall eller andel."),
    )
    budget_share_percent = forms.FloatField(
        label=_("Andel av søknadene (%)"), required=False, min_value=0.01, max_value=100
    )
    random_share_percent = forms.FloatField(
        label=_("Tilfeldig andel av kontrollene (%)"),
        min_value=5,
        max_value=100,
        initial=10,
        help_text=_("Minst 5 %. De tilfeldig trukne sakene gjør det mulig å måle om modellen virker."),
    )
    random_stratify_by = forms.ChoiceField(
        label=_("Fordel det tilfeldige trekket på"),
        choices=ControlCampaign.RandomStrata.choices,
        required=False,
        help_text=_(
            "Likt antall tilfeldige saker i hver gruppe, så hver gruppes treffrate får et brukbart "
            "intervall. Hver sak lagrer sin egen trekksannsynlighet, så tallene for hele "
            "populasjonen blir vektet riktig."
        ),
    )
    documentation_days = forms.IntegerField(
        label=_("Frist for dokumentasjon (dager)"), min_value=1, max_value=120, initial=21
    )
    model_version = forms.ModelChoiceField(
        label=_("Modellversjon"),
        queryset=RiskModelVersion.objects.exclude(status=RiskModelVersion.Status.RETIRED),
        required=False,
        empty_label=_("Den aktive modellen"),
    )


class CampaignListView(CapabilityRequiredMixin, ListView):
    capabilities = (Capability.MANAGE_CONTROL,)
    template_name = "control/casework/campaign_list.html"
    context_object_name = "campaigns"
    paginate_by = 25

    def get_queryset(self) -> Any:
        return control_campaign_list()


class CampaignCreateView(CapabilityRequiredMixin, View):
    capabilities = (Capability.MANAGE_CONTROL,)
    template_name = "control/casework/campaign_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        defaults = control_campaign_form_defaults()
        initial = {
            "academic_year": defaults["academic_year"],
            "random_share_percent": defaults["random_share"] * 100,
            "documentation_days": defaults["documentation_days"],
            "name": gettext("Bostedskontroll %(year)s") % {"year": defaults["academic_year"] or ""},
        }
        return render(request, self.template_name, {"form": CampaignForm(initial=initial)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CampaignForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            share = data["budget_share_percent"]
            try:
                # A selection that fails shows on the campaign page (FAILED with the error).
                campaign = control_campaign_start(
                    name=data["name"],
                    academic_year=data["academic_year"],
                    budget_count=data["budget_count"],
                    budget_share=share / 100 if share is not None else None,
                    random_share=data["random_share_percent"] / 100,
                    random_stratify_by=data["random_stratify_by"] or "",
                    documentation_days=data["documentation_days"],
                    model_version=data["model_version"],
                    created_by=request_audit_context(request).user,
                    context=request_audit_context(request),
                )
            except ValidationError as error:
                form_errors_apply(form=form, error=error)
            except JobsUnavailable:
                return jobs_unavailable_page(request, back=reverse("control:campaign-list"))
            else:
                return redirect("control:campaign-detail", pk=campaign.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class PowerForm(forms.Form):
    """The interval width the manager wants: what random share would give it?"""

    lift_width = forms.FloatField(
        label=_("Ønsket bredde på intervallet for modellens løft"),
        required=False,
        min_value=0.05,
        max_value=100,
        help_text=_("For eksempel 1,0: løftet anslås til ± 0,5."),
        error_messages={
            "min_value": _("Bredden på løftets intervall må være minst 0,05."),
            "max_value": _("Bredden på løftets intervall kan være høyst 100."),
            "invalid": _("Skriv bredden som et tall, for eksempel 1,0."),
        },
    )
    hit_rate_width_points = forms.FloatField(
        label=_("Ønsket bredde på intervallet for hver gruppes treffrate (prosentpoeng)"),
        required=False,
        min_value=0.5,
        max_value=100,
        help_text=_("For eksempel 10: treffraten anslås til ± 5 prosentpoeng."),
        error_messages={
            "min_value": _("Bredden for treffraten må være minst 0,5 prosentpoeng."),
            "max_value": _("Bredden for treffraten kan være høyst 100 prosentpoeng."),
            "invalid": _("Skriv bredden som et tall i prosentpoeng, for eksempel 10."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.localize = True
            field.widget.is_localized = True


class CampaignDetailView(CapabilityRequiredMixin, View):
    """The proposal before confirming: counts and selection rate per audit group, and
    what its random share can tell (interval widths, the share a chosen width needs)."""

    capabilities = (Capability.MANAGE_CONTROL,)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(control_campaign_list(), pk=pk)
        asked = any(request.GET.get(name) for name in PowerForm.base_fields)
        form = PowerForm(request.GET if asked else None)
        lift_width = hit_rate_width = None
        if asked and form.is_valid():
            lift_width = form.cleaned_data["lift_width"]
            points = form.cleaned_data["hit_rate_width_points"]
            hit_rate_width = points / 100 if points is not None else None
        return render(
            request,
            "control/casework/campaign_detail.html",
            {
                "campaign": campaign,
                "attribute_labels": AUDIT_ATTRIBUTE_LABELS,
                "stuck": control_campaign_is_stuck(campaign=campaign),
                "power_form": form,
                "power": control_campaign_power(
                    campaign=campaign, lift_width=lift_width, hit_rate_width=hit_rate_width
                ),
                "letter_schedule": campaign_letter_schedule(campaign=campaign),
                "letters_per_day_default": settings.CONTROL_LETTERS_PER_DAY_DEFAULT,
            },
            status=400 if asked and not form.is_valid() else 200,
        )


class CampaignProgressView(CapabilityRequiredMixin, View):
    """The progress partial the detail page polls (htmx) while the selection runs; once
    done it asks the browser to reload the whole page to show the proposal."""

    capabilities = (Capability.MANAGE_CONTROL,)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(ControlCampaign, pk=pk)
        response = render(request, "control/casework/_campaign_progress.html", {"campaign": campaign})
        if campaign.status != ControlCampaign.Status.SELECTING and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


class CampaignConfirmView(CapabilityRequiredMixin, View):
    capabilities = (Capability.MANAGE_CONTROL,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(ControlCampaign, pk=pk)
        try:
            control_campaign_confirm(
                campaign=campaign,
                confirmed_by=request_audit_context(request).user,
                context=request_audit_context(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                gettext(
                    "Kampanjen er bekreftet. Sakene ligger nå i arbeidslisten. Se over forslaget til "
                    "utsendingsplan for brevene og godta det."
                ),
            )
        return redirect("control:campaign-detail", pk=pk)


class LetterScheduleProposeForm(forms.Form):
    letters_by = forms.DateField(
        label=_("Siste dag for brev"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Tom: de neste virkedagene planen dekker."),
        error_messages={"invalid": _("Skriv datoen som åååå-mm-dd.")},
    )


class CampaignLetterScheduleProposeView(CapabilityRequiredMixin, View):
    """Propose the letter schedule again (for example with a last day for letters)."""

    capabilities = (Capability.MANAGE_CONTROL,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(ControlCampaign, pk=pk)
        form = LetterScheduleProposeForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return redirect("control:campaign-detail", pk=pk)
        try:
            campaign_letter_schedule_propose(
                campaign=campaign,
                letters_by=form.cleaned_data["letters_by"],
                context=request_audit_context(request),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, gettext("Nytt forslag til utsendingsplan er laget."))
        return redirect("control:campaign-detail", pk=pk)


class CampaignLetterScheduleAcceptView(CapabilityRequiredMixin, View):
    """Accept the proposed letter schedule, with the counts as the manager left them
    (fields `letters-YYYY-MM-DD`); the service checks them."""

    capabilities = (Capability.MANAGE_CONTROL,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(ControlCampaign, pk=pk)
        letters = {
            name.removeprefix("letters-"): value
            for name, value in request.POST.items()
            if name.startswith("letters-")
        }
        try:
            campaign_letter_schedule_accept(
                campaign=campaign,
                letters=letters,
                accepted_by=request_audit_context(request).user,
                context=request_audit_context(request),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, gettext("Utsendingsplanen er godtatt. Brevene går ut på de planlagte dagene.")
            )
        return redirect("control:campaign-detail", pk=pk)


class CampaignRetryView(CapabilityRequiredMixin, View):
    """Start a failed or stuck selection again."""

    capabilities = (Capability.MANAGE_CONTROL,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(ControlCampaign, pk=pk)
        try:
            control_campaign_retry(campaign=campaign, context=request_audit_context(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except JobsUnavailable:
            return jobs_unavailable_page(request, back=reverse("control:campaign-detail", args=[pk]))
        else:
            messages.success(request, gettext("Uttrekket er startet på nytt."))
        return redirect("control:campaign-detail", pk=pk)


class CampaignDiscardView(CapabilityRequiredMixin, View):
    capabilities = (Capability.MANAGE_CONTROL,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(ControlCampaign, pk=pk)
        try:
            control_campaign_discard(
                campaign=campaign,
                discarded_by=request_audit_context(request).user,
                context=request_audit_context(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("control:campaign-detail", pk=pk)
        messages.success(request, gettext("Forslaget er forkastet."))
        return redirect("control:campaign-list")


class FlagForm(forms.Form):
    customer_id = forms.CharField(label=_("Kunde-id"), max_length=32)
    reason = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea(attrs={"rows": 3}))


class FlagListView(CapabilityRequiredMixin, View):
    """Customers who must not be controlled, and the form to add one."""

    capabilities = (Capability.MANAGE_CONTROL,)
    template_name = "control/casework/flag_list.html"

    def _render(self, request: HttpRequest, form: FlagForm, status: int = 200) -> HttpResponse:
        page = Paginator(do_not_control_flag_list(), 50).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {"form": form, "flags": page.object_list, "page_obj": page},
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, FlagForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = FlagForm(request.POST)
        if form.is_valid():
            try:
                do_not_control_flag_create(
                    customer_id=form.cleaned_data["customer_id"],
                    reason=form.cleaned_data["reason"],
                    created_by=request_audit_context(request).user,
                    context=request_audit_context(request),
                )
            except ValidationError as error:
                form_errors_apply(form=form, error=error)
            else:
                messages.success(request, gettext("Kunden blir ikke trukket ut i nye kampanjer."))
                return HttpResponseRedirect(reverse("control:flag-list"))
        return self._render(request, form, status=400)


class FlagDeactivateView(CapabilityRequiredMixin, View):
    capabilities = (Capability.MANAGE_CONTROL,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        flag = get_object_or_404(DoNotControlFlag, pk=pk, active=True)
        do_not_control_flag_deactivate(
            flag=flag,
            deactivated_by=request_audit_context(request).user,
            context=request_audit_context(request),
        )
        messages.success(request, gettext("Markeringen er opphevet."))
        return redirect("control:flag-list")
