"""Documents a student sends in a control case: checked by content, size-limited, stored
outside the web root and only ever read back through a permission-checked view."""

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from control.models import CaseDocument, ControlCase
from control.services.casework import (
    control_case_assign_if_free,
    control_case_check_workable,
    control_case_lock,
)
from lanekassen_ai.services.audit import audit_record

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# The file's first bytes decide its type; the name and the browser's Content-Type are
# the sender's claim and are never trusted.
MAGIC_BYTES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def document_type_detect(*, head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from a file's first bytes, or None if not PDF/JPEG/PNG."""
    for magic, content_type, extension in MAGIC_BYTES:
        if head.startswith(magic):
            return content_type, extension
    return None


def _private_root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT).resolve()


def case_document_path(*, document: CaseDocument) -> Path:
    """The absolute path of a stored document, refusing anything outside the private root."""
    root = _private_root()
    path = (root / document.storage_path).resolve()
    if root not in path.parents:
        raise ValidationError(_("Dokumentets lagringssti er ugyldig."))
    return path


def case_document_upload(
    *,
    case: ControlCase,
    uploaded_file: UploadedFile,
    document_type: str,
    uploaded_by: User,
    request: HttpRequest | None = None,
) -> CaseDocument:
    """Register a document the student sent: PDF, JPEG or PNG by content, at most 10 MB.
    The case then has its documents received. Nothing is stored if any check fails, and a
    file written before a failing database write is removed again."""
    name = Path(uploaded_file.name or "dokument").name[:255]
    if document_type not in CaseDocument.DocumentType.values:
        raise ValidationError({"document_type": [_("Velg hva slags dokument dette er.")]})
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError({"file": [_("Filen «%(name)s» er tom.") % {"name": name}]})
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("Filen «%(name)s» er %(size).1f MB; største tillatte størrelse er %(max)s MB.")
                    % {"name": name, "size": size / 1024 / 1024, "max": MAX_DOCUMENT_BYTES // 1024 // 1024}
                ]
            }
        )
    uploaded_file.seek(0)
    detected = document_type_detect(head=uploaded_file.read(16))
    if detected is None:
        raise ValidationError(
            {
                "file": [
                    _(
                        "Filen «%(name)s» er ikke en PDF, JPEG eller PNG (innholdet avgjør, ikke "
                        "filnavnet). Be studenten sende dokumentet i et av disse formatene."
                    )
                    % {"name": name}
                ]
            }
        )
    content_type, extension = detected
    relative = Path("control") / "cases" / str(case.pk) / f"{uuid.uuid4().hex}.{extension}"
    target = _private_root() / relative
    with transaction.atomic():
        case = control_case_lock(case=case)
        control_case_check_workable(case=case, user=uploaded_by)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        try:
            uploaded_file.seek(0)
            with target.open("xb") as out:
                for chunk in uploaded_file.chunks():
                    digest.update(chunk)
                    out.write(chunk)
            document = CaseDocument.objects.create(
                case=case,
                document_type=document_type,
                storage_path=str(relative),
                original_name=name,
                content_type=content_type,
                size=size,
                sha256=digest.hexdigest(),
                uploaded_by=uploaded_by,
            )
            fields = control_case_assign_if_free(case=case, user=uploaded_by)
            case.status = ControlCase.Status.DOCUMENTS_RECEIVED
            case.save(update_fields=[*fields, "status"])
            audit_record(
                action="control.case.document.upload",
                actor=uploaded_by,
                obj=case,
                request=request,
                details={"document_id": document.pk, "content_type": content_type, "size": size},
            )
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    return document


def case_document_open_record(
    *, document: CaseDocument, user: User, request: HttpRequest | None = None
) -> Path:
    """Record that `user` downloads a document and return where it is stored."""
    path = case_document_path(document=document)
    audit_record(
        action="control.case.document.download",
        actor=user,
        obj=document.case,
        request=request,
        details={"document_id": document.pk},
    )
    return path
