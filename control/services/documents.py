"""Documents a student sends in a control case: checked by content, size-limited, stored
outside the web root and only ever read back through a permission-checked view."""

import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

from control.models import CaseDocument, ControlCase
from control.services.casework import (
    control_case_assign_if_free,
    control_case_check_workable,
    control_case_lock,
)
from lanekassen_ai.services.audit import AuditContext, audit_record

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# A scanned A4 page at 600 dpi is about 35 million pixels; more is a decompression bomb.
MAX_IMAGE_PIXELS = 50_000_000
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


def _pdf_is_readable(stream: IO[bytes]) -> bool:
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            return False
        return len(reader.pages) > 0
    except Exception:  # pypdf raises many types for a broken file; any means "not a PDF"
        return False


def _image_is_readable(stream: IO[bytes], *, expected_format: str) -> bool:
    # Pillow's LOAD_TRUNCATED_IMAGES is process-wide (WeasyPrint turns it on), so a
    # truncated file is caught by the checks below, not by load() alone.
    try:
        with Image.open(stream) as image:
            if image.format != expected_format:
                return False
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return False
            image.verify()  # PNG: every chunk and its checksum, up to IEND
        stream.seek(0)
        with Image.open(stream) as image:
            image.load()  # decodes every pixel: a forged image fails here
        if expected_format == "JPEG":
            stream.seek(0)
            if b"\xff\xd9" not in stream.read()[-4096:]:  # no end-of-image marker: truncated
                return False
        return True
    except Exception:  # Pillow raises many types for a broken file; any means "not an image"
        return False


def document_content_check(*, uploaded_file: UploadedFile) -> tuple[str, str]:
    """The one validation of a document's content, for every upload (caseworker or
    student): not empty, at most MAX_DOCUMENT_BYTES, and a PDF, JPEG or PNG that really
    parses as one (a PDF with at least one page and no password; an image that decodes).
    Returns (content type, extension) or raises a ValidationError on "file" saying why."""
    name = Path(uploaded_file.name or "dokument").name[:255]
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
                        "filnavnet). Dokumentet må sendes i et av disse formatene."
                    )
                    % {"name": name}
                ]
            }
        )
    content_type, extension = detected
    uploaded_file.seek(0)
    if content_type == "application/pdf":
        readable = _pdf_is_readable(uploaded_file)
    else:
        readable = _image_is_readable(uploaded_file, expected_format="JPEG" if extension == "jpg" else "PNG")
    uploaded_file.seek(0)
    if not readable:
        raise ValidationError(
            {
                "file": [
                    _(
                        "Filen «%(name)s» ser ut som %(kind)s, men kan ikke åpnes som det (skadet, "
                        "passordbeskyttet eller noe annet). Lagre dokumentet på nytt som PDF, JPEG "
                        "eller PNG og send det igjen."
                    )
                    % {"name": name, "kind": extension.upper()}
                ]
            },
            code="unreadable",
        )
    return content_type, extension


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
    context: AuditContext,
) -> CaseDocument:
    """Register, as the caseworker, a document the student sent (by post or e-mail): PDF,
    JPEG or PNG by content (parsed, see document_content_check), at most 10 MB. The
    caseworker takes the case if nobody has it. See case_document_store."""

    def check(locked: ControlCase) -> list[str]:
        control_case_check_workable(case=locked, user=uploaded_by)
        return control_case_assign_if_free(case=locked, user=uploaded_by)

    return case_document_store(
        case=case,
        uploaded_file=uploaded_file,
        document_type=document_type,
        uploaded_by=uploaded_by,
        check=check,
        context=context,
    )


def case_document_store(
    *,
    case: ControlCase,
    uploaded_file: UploadedFile,
    document_type: str,
    uploaded_by: User,
    check: Callable[[ControlCase], list[str]],
    context: AuditContext,
    marks_received: bool = True,
) -> CaseDocument:
    """Store a document on a case after the one content check; `check` runs on the locked
    case (raising if this uploader may not add documents now) and returns the case fields
    it changed. The case then has its documents received (unless `marks_received` is
    False: a document sent with an appeal leaves the decided case as it is). Nothing is stored if any check
    fails, and a file written before a failing database write is removed again."""
    name = Path(uploaded_file.name or "dokument").name[:255]
    if document_type not in CaseDocument.DocumentType.values:
        raise ValidationError({"document_type": [_("Velg hva slags dokument dette er.")]})
    content_type, extension = document_content_check(uploaded_file=uploaded_file)
    size = uploaded_file.size or 0
    relative = Path("control") / "cases" / str(case.pk) / f"{uuid.uuid4().hex}.{extension}"
    target = _private_root() / relative
    with transaction.atomic():
        case = control_case_lock(case=case)
        fields = check(case)
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
            if marks_received:
                case.status = ControlCase.Status.DOCUMENTS_RECEIVED
                fields = [*fields, "status"]
            if fields:
                case.save(update_fields=fields)
            audit_record(
                action="control.case.document.upload",
                actor=uploaded_by,
                obj=case,
                context=context,
                details={"document_id": document.pk, "content_type": content_type, "size": size},
            )
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    return document


def case_document_open_record(*, document: CaseDocument, user: User, context: AuditContext) -> Path:
    """Record that `user` downloads a document and return where it is stored."""
    path = case_document_path(document=document)
    audit_record(
        action="control.case.document.download",
        actor=user,
        obj=document.case,
        context=context,
        details={"document_id": document.pk},
    )
    return path
