"""Pages for letters and appeals on the case page: download a letter, register an appeal
that came by letter, decide an appeal (never by the caseworker who made the decision)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from control.models import Appeal, ControlCase, Letter
from control.models.applications import ControlOutcome
from control.selectors.casework import control_case_letter_get
from control.services.appeals import appeal_decide, appeal_register
from control.services.letters import letter_open_record
from control.views.form_errors import form_errors_apply
from lanekassen_ai.middleware import request_audit_context
from lanekassen_ai.permissions import CapabilityRequiredMixin
from lanekassen_ai.roles import Capability, perm

CASE_READERS = (Capability.WORK_CONTROL_CASES, Capability.MANAGE_CONTROL)


class AppealRegisterForm(forms.Form):
    text = forms.CharField(label=_("Hva studenten klager på"), widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(
        label=_("Datoen klagen kom"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    letter = forms.TypedChoiceField(label=_("Brevet klagen svarer på"), coerce=int, required=False)

    def __init__(self, *args: Any, case: ControlCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["letter"].choices = [  # type: ignore[attr-defined]
            ("", "–"),
            *((x.pk, f"{x.title} ({x.created_at:%Y-%m-%d})") for x in case.letters.all()),
        ]


class AppealDecisionForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Klagevedtak"),
        choices=[
            (Appeal.Status.UPHELD, _("Opprettholde vedtaket")),
            (Appeal.Status.REVERSED, _("Omgjøre vedtaket")),
        ],
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Påkrevd. Begrunnelsen vises for studenten."),
    )


def appeal_page_context(
    *, request: HttpRequest, case: ControlCase, forms_: dict[str, forms.Form]
) -> dict[str, Any]:
    """What the case page shows about appeals: the open one, and who may act on it."""
    appeals = list(case.appeals.all())
    open_appeal = next((a for a in appeals if a.status == Appeal.Status.RECEIVED), None)
    may_handle = request.user.has_perm(perm(Capability.HANDLE_APPEALS))
    decision = case.current_decision
    return {
        "open_appeal": open_appeal,
        "can_register_appeal": may_handle
        and case.locked
        and decision is not None
        and decision.outcome == ControlOutcome.CAUGHT
        and open_appeal is None,
        "can_decide_appeal": may_handle and open_appeal is not None,
        "appeal_decided_by_me": open_appeal is not None
        and open_appeal.decision.decided_by_id == request.user.pk,
        "appeal_register_form": forms_.get("appeal_register_form") or AppealRegisterForm(case=case),
        "appeal_decision_form": forms_.get("appeal_decision_form") or AppealDecisionForm(),
    }


class CaseLetterDownloadView(CapabilityRequiredMixin, View):
    capabilities = CASE_READERS

    def get(self, request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
        try:
            letter = control_case_letter_get(case_id=pk, letter_id=letter_pk)
        except Letter.DoesNotExist as missing:
            raise Http404 from missing
        letter_open_record(letter=letter, context=request_audit_context(request))
        return letter_response(letter=letter)


def letter_response(*, letter: Letter) -> HttpResponse:
    response = HttpResponse(bytes(letter.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _case(pk: int) -> ControlCase:
    from control.views.cases import _case_or_404

    return _case_or_404(pk)


def _case_page_with(request: HttpRequest, pk: int, **forms_: forms.Form) -> HttpResponse:
    from control.views.cases import _case_detail_or_404, _case_page

    return _case_page(request, _case_detail_or_404(pk), status=400, **forms_)


class CaseAppealRegisterView(CapabilityRequiredMixin, View):
    capabilities = (Capability.HANDLE_APPEALS,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = _case(pk)
        form = AppealRegisterForm(request.POST, case=case)
        if form.is_valid():
            letter_id = form.cleaned_data["letter"]
            try:
                appeal_register(
                    case=case,
                    text=form.cleaned_data["text"],
                    received_on=form.cleaned_data["received_on"],
                    letter=case.letters.get(pk=letter_id) if letter_id else None,
                    context=request_audit_context(request),
                )
            except ValidationError as error:
                form_errors_apply(form=form, error=error)
            else:
                messages.success(request, gettext("Klagen er registrert."))
                return redirect("control:case-detail", pk=pk)
        return _case_page_with(request, pk, appeal_register_form=form)


class AppealDecideView(CapabilityRequiredMixin, View):
    capabilities = (Capability.HANDLE_APPEALS,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        appeal = Appeal.objects.filter(pk=pk).first()
        if appeal is None:
            raise Http404(gettext("Fant ingen klage med nummer %(pk)s.") % {"pk": pk})
        form = AppealDecisionForm(request.POST)
        if form.is_valid():
            try:
                appeal_decide(
                    appeal=appeal,
                    result=form.cleaned_data["result"],
                    justification=form.cleaned_data["justification"],
                    context=request_audit_context(request),
                )
            except ValidationError as error:
                form_errors_apply(form=form, error=error)
            else:
                messages.success(request, gettext("Klagen er avgjort."))
                return redirect("control:case-detail", pk=appeal.case_id)
        return _case_page_with(request, appeal.case_id, appeal_decision_form=form)
