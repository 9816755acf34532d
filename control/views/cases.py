"""Pages for caseworkers: the worklist, "take next case", the case page and its steps
(request documentation, register documents, decide), reopening for managers, and the data
access report for one student."""

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView

from control.models import CaseDocument, ControlCampaign, ControlCase, Customer
from control.models.applications import ControlOutcome
from control.selectors.casework import (
    RISK_BAND_LABELS,
    WORKLIST_SORTS,
    ControlCaseDetail,
    control_case_detail,
    control_case_get,
    control_case_list,
    customer_access_report,
    risk_band,
    risk_reasons_for_language,
)
from control.services.casework import (
    control_case_decide,
    control_case_list_view_record,
    control_case_reopen,
    control_case_request_documentation,
    control_case_take_next,
    control_case_view_record,
    customer_access_report_record,
)
from control.services.documents import MAX_DOCUMENT_BYTES, case_document_open_record, case_document_upload
from control.services.pdf import pdf_from_html
from control.views.form_errors import form_errors_apply
from lanekassen_ai.middleware import request_audit_context
from lanekassen_ai.permissions import CapabilityRequiredMixin
from lanekassen_ai.roles import Capability, perm

CASE_READERS = (Capability.WORK_CONTROL_CASES, Capability.MANAGE_CONTROL)


class WorklistFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Kampanje"),
        queryset=ControlCampaign.objects.filter(
            status__in=[ControlCampaign.Status.CONFIRMED, ControlCampaign.Status.CLOSED]
        ),
        required=False,
        empty_label=_("Alle"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alle")), *ControlCase.Status.choices], required=False
    )
    mine = forms.BooleanField(label=_("Tildelt meg"), required=False)
    overdue = forms.BooleanField(label=_("Over fristen"), required=False)
    sort = forms.ChoiceField(
        label=_("Sorter etter"),
        choices=[("risk", _("Risiko (høyest først)")), ("deadline", _("Frist (tidligst først)"))],
        required=False,
    )


class WorklistView(CapabilityRequiredMixin, ListView):
    capabilities = CASE_READERS
    template_name = "control/casework/worklist.html"
    context_object_name = "cases"
    paginate_by = 25

    def get_queryset(self) -> Any:
        self.filter_form = WorklistFilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        campaign = data.get("campaign")
        sort = data.get("sort") or "risk"
        audit_context = request_audit_context(self.request)
        control_case_list_view_record(user=audit_context.user, filters=data, context=audit_context)
        return control_case_list(
            user=self.request.user,
            campaign_id=campaign.pk if campaign else None,
            status=data.get("status") or "",
            assigned_to_me=bool(data.get("mine")),
            overdue=bool(data.get("overdue")),
            sort=sort if sort in WORKLIST_SORTS else "risk",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filter_form,
            query_string=query.urlencode(),
            today=timezone.localdate(),
            can_take=self.request.user.has_perm(perm(Capability.WORK_CONTROL_CASES)),
        )
        return context


class CaseTakeNextView(CapabilityRequiredMixin, View):
    capabilities = (Capability.WORK_CONTROL_CASES,)

    def post(self, request: HttpRequest) -> HttpResponse:
        audit_context = request_audit_context(request)
        case = control_case_take_next(user=audit_context.user, context=audit_context)
        if case is None:
            messages.info(request, gettext("Det er ingen ledige saker i arbeidslisten."))
            return redirect("control:case-list")
        return redirect("control:case-detail", pk=case.pk)


class DocumentationRequestForm(forms.Form):
    deadline = forms.DateField(
        label=_("Frist for dokumentasjon"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )


class DocumentUploadForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Dokumenttype"), choices=CaseDocument.DocumentType.choices)
    file = forms.FileField(
        label=_("Fil (PDF, JPEG eller PNG, høyst 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Resultat"), choices=ControlOutcome.choices, widget=forms.RadioSelect)
    reviewed_documents = forms.TypedMultipleChoiceField(
        label=_("Dokumenter jeg har vurdert"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("«Ikke borteboer (avdekket)» krever at hvert dokument studenten har sendt er vurdert."),
    )
    justification = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Påkrevd. Begrunnelsen vises for studenten i vedtaket."),
    )

    def __init__(self, *args: Any, case: ControlCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewed_documents"].choices = [  # type: ignore[attr-defined]
            (d.pk, f"{d.original_name} ({d.get_document_type_display()})") for d in case.documents.all()
        ]


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Hvorfor gjenåpnes saken?"), widget=forms.Textarea(attrs={"rows": 3}))


def _case_page(
    request: HttpRequest, detail: ControlCaseDetail, *, status: int = 200, **forms_: forms.Form
) -> HttpResponse:
    """Render the case page; `forms_` replaces the blank form of the step that failed."""
    user = request.user
    case = detail.case
    can_work = user.has_perm(perm(Capability.WORK_CONTROL_CASES)) and not case.locked
    context = {
        "shows_risk": not detail.risk_hidden,
        "timeline": detail.timeline,
        "case": case,
        "application": detail.application,
        "customer": detail.customer,
        "history": detail.history,
        "score": detail.score,
        "band": detail.band,
        "band_label": RISK_BAND_LABELS[detail.band],
        "reasons": detail.risk_reason_texts,
        "overdue": detail.overdue,
        "can_work": can_work,
        "assigned_elsewhere": case.assigned_to_id is not None and case.assigned_to_id != user.pk,
        "can_reopen": case.locked and user.has_perm(perm(Capability.MANAGE_CONTROL)),
        "documentation_form": forms_.get("documentation_form") or DocumentationRequestForm(),
        "upload_form": forms_.get("upload_form") or DocumentUploadForm(),
        "decision_form": forms_.get("decision_form") or DecisionForm(case=case),
        "reopen_form": forms_.get("reopen_form") or ReopenForm(),
        "max_mb": MAX_DOCUMENT_BYTES // 1024 // 1024,
        # Errors about the case's state (locked, someone else's) shown at the top too: the
        # form they belong to may not be on the page any more.
        "step_errors": [e for form in forms_.values() for e in form.non_field_errors()],
    }
    from control.views.appeals import appeal_page_context  # it renders this page on errors

    context.update(appeal_page_context(request=request, case=case, forms_=forms_))
    return render(request, "control/casework/case_detail.html", context, status=status)


def _case_or_404(pk: int) -> ControlCase:
    try:
        return control_case_get(case_id=pk)
    except ControlCase.DoesNotExist as exc:
        raise Http404(gettext("Fant ingen kontrollsak med nummer %(pk)s.") % {"pk": pk}) from exc


def _case_detail_or_404(pk: int) -> ControlCaseDetail:
    try:
        return control_case_detail(case_id=pk)
    except ControlCase.DoesNotExist as exc:
        raise Http404(gettext("Fant ingen kontrollsak med nummer %(pk)s.") % {"pk": pk}) from exc


class CaseDetailView(CapabilityRequiredMixin, View):
    capabilities = CASE_READERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        detail = _case_detail_or_404(pk)
        audit_context = request_audit_context(request)
        control_case_view_record(case=detail.case, user=audit_context.user, context=audit_context)
        return _case_page(request, detail)


class CaseRequestDocumentationView(CapabilityRequiredMixin, View):
    capabilities = (Capability.WORK_CONTROL_CASES,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = _case_or_404(pk)
        form = DocumentationRequestForm(request.POST)
        if form.is_valid():
            try:
                control_case_request_documentation(
                    case=case,
                    requested_by=request_audit_context(request).user,
                    deadline=form.cleaned_data["deadline"],
                    context=request_audit_context(request),
                )
            except ValidationError as error:
                form_errors_apply(form=form, error=error)
            else:
                messages.success(request, gettext("Brevet med krav om dokumentasjon er laget."))
                return redirect("control:case-detail", pk=pk)
        return _case_page(request, _case_detail_or_404(pk), status=400, documentation_form=form)


class CaseDocumentUploadView(CapabilityRequiredMixin, View):
    capabilities = (Capability.WORK_CONTROL_CASES,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = _case_or_404(pk)
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                case_document_upload(
                    case=case,
                    uploaded_file=form.cleaned_data["file"],
                    document_type=form.cleaned_data["document_type"],
                    uploaded_by=request_audit_context(request).user,
                    context=request_audit_context(request),
                )
            except ValidationError as error:
                form_errors_apply(form=form, error=error)
            else:
                messages.success(request, gettext("Dokumentet er registrert."))
                return redirect("control:case-detail", pk=pk)
        return _case_page(request, _case_detail_or_404(pk), status=400, upload_form=form)


class CaseDocumentDownloadView(CapabilityRequiredMixin, View):
    capabilities = CASE_READERS

    def get(self, request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
        document = get_object_or_404(CaseDocument.objects.select_related("case"), pk=document_pk, case_id=pk)
        path = case_document_open_record(
            document=document,
            user=request_audit_context(request).user,
            context=request_audit_context(request),
        )
        if not path.exists():
            raise Http404(gettext("Filen til dokumentet finnes ikke lenger i lageret."))
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response


class CaseDecideView(CapabilityRequiredMixin, View):
    capabilities = (Capability.WORK_CONTROL_CASES,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = _case_or_404(pk)
        form = DecisionForm(request.POST, case=case)
        if form.is_valid():
            try:
                control_case_decide(
                    case=case,
                    outcome=form.cleaned_data["outcome"],
                    justification=form.cleaned_data["justification"],
                    reviewed_document_ids=form.cleaned_data["reviewed_documents"],
                    decided_by=request_audit_context(request).user,
                    context=request_audit_context(request),
                )
            except ValidationError as error:
                form_errors_apply(form=form, error=error)
            else:
                messages.success(request, gettext("Vedtaket er registrert og saken er låst."))
                return redirect("control:case-detail", pk=pk)
        return _case_page(request, _case_detail_or_404(pk), status=400, decision_form=form)


class CaseReopenView(CapabilityRequiredMixin, View):
    capabilities = (Capability.MANAGE_CONTROL,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = _case_or_404(pk)
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                control_case_reopen(
                    case=case,
                    reason=form.cleaned_data["reason"],
                    reopened_by=request_audit_context(request).user,
                    context=request_audit_context(request),
                )
            except PermissionDenied:
                raise
            except ValidationError as error:
                form_errors_apply(form=form, error=error)
            else:
                messages.success(request, gettext("Saken er gjenåpnet."))
                return redirect("control:case-detail", pk=pk)
        return _case_page(request, _case_detail_or_404(pk), status=400, reopen_form=form)


class CustomerAccessReportView(CapabilityRequiredMixin, View):
    """Everything stored about one student (GDPR art. 15, AI Act art. 86), printable.
    The student is `?customer=<customer id>`."""

    capabilities = CASE_READERS

    def get(self, request: HttpRequest) -> HttpResponse:
        customer_id = request.GET.get("customer", "")
        try:
            report = customer_access_report(customer_id=customer_id)
        except Customer.DoesNotExist as exc:
            raise Http404(gettext("Fant ingen kunde med kunde-id %(id)s.") % {"id": customer_id}) from exc
        customer_access_report_record(
            customer_id=customer_id,
            user=request_audit_context(request).user,
            context=request_audit_context(request),
        )
        return render(request, "control/casework/access_report.html", access_report_context(report))


def access_report_context(report: Any) -> dict[str, Any]:
    scores = [
        {
            "score": s,
            "band_label": RISK_BAND_LABELS[risk_band(percentile=s.percentile)],
            "reasons": risk_reasons_for_language(reasons=s.reasons),
        }
        for s in report.scores
    ]
    return {"report": report, "scores": scores, "generated_at": timezone.now()}


class CustomerAccessReportPdfView(CapabilityRequiredMixin, View):
    """The same report as a PDF (A4), to hand to the student; `?customer=<customer id>`."""

    capabilities = CASE_READERS

    def get(self, request: HttpRequest) -> HttpResponse:
        customer_id = request.GET.get("customer", "")
        try:
            report = customer_access_report(customer_id=customer_id)
        except Customer.DoesNotExist as exc:
            raise Http404(gettext("Fant ingen kunde med kunde-id %(id)s.") % {"id": customer_id}) from exc
        customer_access_report_record(
            customer_id=customer_id,
            user=request_audit_context(request).user,
            context=request_audit_context(request),
            output_format="pdf",
        )
        html = render_to_string(
            "control/casework/access_report_pdf.html", access_report_context(report), request
        )
        response = HttpResponse(pdf_from_html(html=html), content_type="application/pdf")
        safe_id = re.sub(r"[^A-Za-z0-9_-]", "_", report.customer.pk)  # the id may hold any character
        response["Content-Disposition"] = f'attachment; filename="innsyn-{safe_id}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
