"""The student's own pages ("Mine sider"): the start page with the ID-porten login, the
list of their control cases, one case (why picked, what to send and by when, uploads,
status, decision) and their own documents. A student reaches only their own cases: every
read goes through the student's account (control.selectors.students), so another
student's case id is a 404."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from control.models import CaseDocument, ControlCase, Customer, Letter
from control.selectors.students import (
    APPEAL_STATUS_TEXTS,
    student_case_get,
    student_case_list,
    student_case_view,
    student_customer,
    student_document_get,
    student_letter_get,
)
from control.services.appeals import appeal_submit
from control.services.documents import MAX_DOCUMENT_BYTES, case_document_path
from control.services.letters import letter_open_record
from control.services.students import student_document_upload
from control.views.form_errors import form_errors_apply
from lanekassen_ai.middleware import request_audit_context
from lanekassen_ai.permissions import CapabilityRequiredMixin
from lanekassen_ai.roles import Capability


class StudentLoginView(View):
    """The start page: log in with ID-porten (open to everyone)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if student_customer(user=request.user) is not None:
            return redirect("student:case-list")
        failed = "feil" in request.GET
        if failed and request.user.is_authenticated:
            # The provider's login (this browser's) succeeded but no student matched: do
            # not leave that person logged in without a student page to go to.
            logout(request)
        return render(request, "control/student/login.html", {"failed": failed})


class StudentOIDCCallbackView(OIDCAuthenticationCallbackView):
    """ID-porten's callback. The page to return to is read before the login, because the
    login replaces the session (the provider's login had its own)."""

    def login_success(self) -> HttpResponse:
        next_url = self.request.session.get("oidc_login_next") or "/mine-sider/"
        super().login_success()
        return redirect(next_url)


class StudentRequiredMixin(CapabilityRequiredMixin):
    """Only a logged-in student with an account; `self.customer` is who they are."""

    capabilities = (Capability.VIEW_OWN_CONTROL_CASES,)
    customer: Customer

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        customer = student_customer(user=request.user)
        if customer is None and request.user.is_authenticated:
            raise PermissionDenied(gettext("Denne siden er for studenter som har logget inn med ID-porten."))
        if customer is not None:
            self.customer = customer
        return super().dispatch(request, *args, **kwargs)


def student_chat_url() -> str:
    """The chat page for a student's own conversation (answers about their case), or ""
    when the chat is not installed."""
    try:
        return reverse("chat:customer-chat") + "?student=1"
    except NoReverseMatch:
        return ""


class StudentUploadForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("Hva slags dokument er dette?"), choices=CaseDocument.DocumentType.choices
    )
    file = forms.FileField(
        label=_("Fil (PDF, JPEG eller PNG, høyst 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class StudentAppealForm(forms.Form):
    text = forms.CharField(
        label=_("Hva klager du på, og hvorfor?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Skriv hva du mener er feil i vedtaket. Du kan legge ved dokumenter."),
    )
    document_type = forms.ChoiceField(
        label=_("Hva slags dokument legger du ved?"),
        choices=CaseDocument.DocumentType.choices,
        required=False,
    )
    file = forms.FileField(
        label=_("Vedlegg (valgfritt; PDF, JPEG eller PNG, høyst 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class StudentCaseListView(StudentRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        cases = [student_case_view(case=c) for c in student_case_list(customer=self.customer)[:50]]
        return render(
            request, "control/student/case_list.html", {"cases": cases, "chat_url": student_chat_url()}
        )


def _own_case(customer: Customer, pk: int) -> ControlCase:
    try:
        return student_case_get(customer=customer, case_id=pk)
    except ControlCase.DoesNotExist as exc:
        raise Http404(gettext("Fant ingen sak med nummer %(pk)s hos deg.") % {"pk": pk}) from exc


class StudentCaseDetailView(StudentRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(request, _own_case(self.customer, pk), StudentUploadForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = _own_case(self.customer, pk)
        form = StudentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                audit_context = request_audit_context(request)
                student_document_upload(
                    case=case,
                    student=audit_context.user,
                    uploaded_file=form.cleaned_data["file"],
                    document_type=form.cleaned_data["document_type"],
                    context=audit_context,
                )
            except ValidationError as error:
                form_errors_apply(form=form, error=error)
            else:
                messages.success(request, gettext("Takk! Vi har fått dokumentet ditt."))
                return redirect("student:case-detail", pk=pk)
        return self._page(request, _own_case(self.customer, pk), form, status=400)

    def _page(
        self,
        request: HttpRequest,
        case: ControlCase,
        form: forms.Form,
        status: int = 200,
        appeal_form: forms.Form | None = None,
    ) -> HttpResponse:
        context = {
            "view": student_case_view(case=case),
            "form": form,
            "appeal_form": appeal_form or StudentAppealForm(),
            "appeal_status_texts": {k: str(v) for k, v in APPEAL_STATUS_TEXTS.items()},
            "max_mb": MAX_DOCUMENT_BYTES // 1024 // 1024,
            "chat_url": student_chat_url(),
        }
        return render(request, "control/student/case_detail.html", context, status=status)


class StudentAppealView(StudentCaseDetailView):
    """The student appeals the decision on their own case (while the appeal deadline runs)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = _own_case(self.customer, pk)
        form = StudentAppealForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                appeal_submit(
                    case=case,
                    text=form.cleaned_data["text"],
                    files=[(upload, form.cleaned_data["document_type"] or CaseDocument.DocumentType.OTHER)]
                    if upload
                    else [],
                    context=request_audit_context(request),
                )
            except ValidationError as error:
                form_errors_apply(form=form, error=error)
            else:
                messages.success(request, gettext("Takk! Vi har fått klagen din."))
                return redirect("student:case-detail", pk=pk)
        return self._page(
            request, _own_case(self.customer, pk), StudentUploadForm(), status=400, appeal_form=form
        )


class StudentLetterDownloadView(StudentRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
        try:
            letter = student_letter_get(customer=self.customer, case_id=pk, letter_id=letter_pk)
        except Letter.DoesNotExist as exc:
            raise Http404(gettext("Fant ikke brevet.")) from exc
        letter_open_record(letter=letter, context=request_audit_context(request))
        from control.views.appeals import letter_response

        return letter_response(letter=letter)


class StudentDocumentDownloadView(StudentRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
        try:
            document = student_document_get(customer=self.customer, case_id=pk, document_id=document_pk)
        except CaseDocument.DoesNotExist as exc:
            raise Http404(gettext("Fant ikke dokumentet.")) from exc
        path = case_document_path(document=document)
        if not path.exists():
            raise Http404(gettext("Fant ikke dokumentet."))
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response
