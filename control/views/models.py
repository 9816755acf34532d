"""Pages of the risk model side: the model registry, the model card and the import page.
Aggregates only: a modeller never sees who a student is."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views import View

from control.models import RiskModelVersion, ScoringRun
from control.selectors.risk import (
    academic_years_list,
    import_run_list,
    risk_model_card,
    risk_model_version_get,
    risk_model_version_list,
)
from control.services.imports import ImportRefused, applications_import
from control.services.registry import RegistryError, risk_model_activate, risk_model_retire
from control.services.scoring import ScoringError, scoring_run_retry
from control.services.training import TrainingError, risk_model_retrain_request
from lanekassen_ai.middleware import request_audit_context
from lanekassen_ai.permissions import CapabilityRequiredMixin
from lanekassen_ai.responses import jobs_unavailable_page
from lanekassen_ai.roles import Capability, perm
from lanekassen_ai.services.jobs import JobsUnavailable


def _version_or_404(version: str) -> RiskModelVersion:
    try:
        return risk_model_version_get(version=version)
    except RiskModelVersion.DoesNotExist:
        raise Http404(_t("Ingen modellversjon med det navnet.")) from None


class ModelListView(CapabilityRequiredMixin, View):
    """The registry: every trained version, newest first."""

    capabilities = (Capability.VIEW_RISK_MODELS,)

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(risk_model_version_list(), 25).get_page(request.GET.get("page"))
        return render(
            request,
            "control/models/model_list.html",
            {"page_obj": page, "versions": page.object_list, "years": academic_years_list()},
        )


class ModelDetailView(CapabilityRequiredMixin, View):
    """The model card of one version."""

    capabilities = (Capability.VIEW_RISK_MODELS,)

    def get(self, request: HttpRequest, version: str) -> HttpResponse:
        card = risk_model_card(model_version=_version_or_404(version))
        return render(
            request,
            "control/models/model_card.html",
            {
                "model": card.model_version,
                "card": card,
                "chart": card.chart,
                "can_manage": request.user.has_perm(perm(Capability.MANAGE_RISK_MODELS)),
            },
        )


class _ModelChangeView(CapabilityRequiredMixin, View):
    capabilities = (Capability.MANAGE_RISK_MODELS,)
    service: Any = None
    done_message: Any = ""

    def post(self, request: HttpRequest, version: str) -> HttpResponse:
        model_version = _version_or_404(version)
        try:
            type(self).service(model_version=model_version, context=request_audit_context(request))
        except RegistryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.done_message % {"version": model_version.version})
        return redirect("control:model-detail", version=model_version.version)


class ModelActivateView(_ModelChangeView):
    service = risk_model_activate
    done_message = _("Modellversjon %(version)s er nå aktiv.")


class ModelRetireView(_ModelChangeView):
    service = risk_model_retire
    done_message = _("Modellversjon %(version)s er pensjonert.")


class ScoringRunRetryView(CapabilityRequiredMixin, View):
    """Queue a failed or stuck scoring run again; it resumes where it stopped."""

    capabilities = (Capability.MANAGE_RISK_MODELS,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(ScoringRun.objects.select_related("model_version"), pk=pk)
        back = reverse("control:model-detail", args=[run.model_version.version])
        try:
            scoring_run_retry(run=run, context=request_audit_context(request))
        except ScoringError as exc:
            messages.error(request, str(exc))
        except JobsUnavailable:
            return jobs_unavailable_page(request, back=back)
        else:
            messages.success(request, gettext("Skåringen er startet på nytt."))
        return redirect(back)


class ModelRetrainView(CapabilityRequiredMixin, View):
    """Train a new version with the features the modeller switched off on the model card."""

    capabilities = (Capability.MANAGE_RISK_MODELS,)

    def post(self, request: HttpRequest, version: str) -> HttpResponse:
        model_version = _version_or_404(version)
        excluded = request.POST.getlist("excluded")
        try:
            risk_model_retrain_request(
                based_on=model_version, excluded_features=excluded, context=request_audit_context(request)
            )
        except TrainingError as exc:
            messages.error(request, str(exc))
            return redirect("control:model-detail", version=model_version.version)
        messages.success(
            request,
            _t("En ny versjon trenes nå uten %(count)s kjennetegn. Den dukker opp i lista når den er ferdig.")
            % {"count": len(set(excluded))},
        )
        return redirect("control:model-list")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Søknadsfil (CSV)"),
        help_text=_("UTF-8, komma som skilletegn, formatet i docs/import-format.md."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Importer gyldige rader og vis de avviste"),
        required=False,
        help_text=_("Uten dette avvises hele fila hvis én rad har feil."),
    )


class ImportView(CapabilityRequiredMixin, View):
    """Upload an applications file through the same validation as the command and the API."""

    capabilities = (Capability.MANAGE_RISK_MODELS,)
    template_name = "control/models/import.html"

    def _render(self, request: HttpRequest, form: ImportForm, **extra: Any) -> HttpResponse:
        page = Paginator(import_run_list(), 20).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"form": form, "page_obj": page, "runs": page, **extra})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form)
        upload = form.cleaned_data["file"]
        try:
            result = applications_import(
                source=upload,
                file_name=upload.name or "upload.csv",
                skip_invalid=form.cleaned_data["skip_invalid"],
                context=request_audit_context(request),
                language=translation.get_language(),
            )
        except ImportRefused as refused:
            return self._render(
                request, form, refused=refused, errors=refused.errors[:200], n_errors=len(refused.errors)
            )
        return self._render(request, ImportForm(), result=result, errors=result.errors[:200])
