"""The student's own side of a control: logging in with ID-porten (the national id in the
`pid` claim), and sending documents to their own case."""

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from control.models import CaseDocument, ControlCase, Customer, StudentAccount
from control.services.documents import case_document_store
from lanekassen_ai.roles import Role
from lanekassen_ai.services.audit import AuditContext, audit_record


def student_account_for_national_id(*, national_id: str, context: AuditContext) -> User | None:
    """The user for a student who logged in with ID-porten with this national id: created
    (in the student role, without a password) at the first login. None when no customer,
    or more than one, has that national id: a login never guesses who a person is."""
    customers = list(Customer.objects.filter(national_id=national_id)[:2])
    if len(customers) != 1:
        return None
    customer = customers[0]
    with transaction.atomic():
        account = (
            StudentAccount.objects.select_related("user")
            .select_for_update()
            .filter(customer=customer)
            .first()
        )
        if account is None:
            user = User(username=f"student-{customer.pk}")
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=Role.STUDENT.value))
            account = StudentAccount.objects.create(user=user, customer=customer)
        account.last_login_at = timezone.now()
        account.save(update_fields=["last_login_at"])
        audit_record(
            action="control.student.login",
            actor=account.user,
            object_type="control.Customer",
            object_id=customer.pk,
            object_repr=customer.pk,
            context=context,
        )
    return account.user


def student_document_upload(
    *,
    case: ControlCase,
    student: User,
    uploaded_file: UploadedFile,
    document_type: str,
    context: AuditContext,
) -> CaseDocument:
    """A student sends a document to their own case: only while the case waits for
    documentation (a request went out) and is not decided. The same content check as every
    upload (see control.services.documents.document_content_check)."""

    def check(locked: ControlCase) -> list[str]:
        account = StudentAccount.objects.filter(user=student).first()
        if account is None or locked.application.customer_id != account.customer_id:
            raise PermissionDenied(_("Dette er ikke din sak."))
        if locked.locked or locked.status == ControlCase.Status.DECIDED:
            raise ValidationError(
                {"file": [_("Saken er avgjort, så du kan ikke sende flere dokumenter til den.")]},
                code="locked",
            )
        if not locked.documentation_requests.exists():
            raise ValidationError(
                {"file": [_("Vi har ikke bedt deg om dokumentasjon i denne saken ennå.")]},
                code="not_requested",
            )
        return []

    return case_document_store(
        case=case,
        uploaded_file=uploaded_file,
        document_type=document_type,
        uploaded_by=student,
        check=check,
        context=context,
    )
