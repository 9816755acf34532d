"""control/services/documents.py: uploads checked by content and size, private storage,
download only through the permission-checked view."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from control.models import CaseDocument, ControlCase
from control.services.documents import MAX_DOCUMENT_BYTES, case_document_path, case_document_upload
from lanekassen_ai.models import AuditEvent
from lanekassen_ai.services.audit import AuditContext
from tests.control.casework_helpers import PDF_BYTES
from tests.control.factories import ControlCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings: Any, tmp_path: Path) -> Path:
    """A private storage root per test: parallel test processes number their cases alike."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def _image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, format=image_format)
    return buffer.getvalue()


PNG_BYTES = _image_bytes("PNG")
JPEG_BYTES = _image_bytes("JPEG")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def _files_on_disk(case: ControlCase) -> list[Path]:
    folder = Path(settings.PRIVATE_STORAGE_ROOT) / "control" / "cases" / str(case.pk)
    return list(folder.glob("*")) if folder.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.pdf", PDF_BYTES, "application/pdf"),
        ("b.png", PNG_BYTES, "image/png"),
        ("c.jpg", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_pdf_png_and_jpeg_are_stored_outside_the_web_root(
    caseworker: Any, name: str, content: bytes, content_type: str
) -> None:
    case = ControlCaseFactory()
    document = case_document_upload(
        case=case,
        uploaded_file=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        document_type="LEASE",
        uploaded_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    path = case_document_path(document=document)
    assert path.read_bytes() == content
    assert Path(settings.PRIVATE_STORAGE_ROOT).resolve() in path.parents
    assert not str(path).startswith(str(Path(settings.STATIC_ROOT).resolve()))
    assert document.content_type == content_type
    case.refresh_from_db()
    assert case.status == ControlCase.Status.DOCUMENTS_RECEIVED
    assert AuditEvent.objects.filter(action="control.case.document.upload").exists()


def test_an_exe_renamed_to_pdf_is_refused_by_its_content(caseworker: Any) -> None:
    case = ControlCaseFactory()
    with pytest.raises(ValidationError) as excinfo:
        case_document_upload(
            case=case,
            uploaded_file=SimpleUploadedFile("leiekontrakt.pdf", EXE_BYTES, content_type="application/pdf"),
            document_type="LEASE",
            uploaded_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    assert "ikke en PDF, JPEG eller PNG" in str(excinfo.value.message_dict["file"])
    assert not CaseDocument.objects.exists()
    assert _files_on_disk(case) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("html.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>\n"),
        ("truncated.pdf", PDF_BYTES[: len(PDF_BYTES) // 3]),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("fake.jpg", b"\xff\xd8\xff\xe0" + b"<html></html>" * 8),
        ("truncated.png", PNG_BYTES[: len(PNG_BYTES) // 2]),
        ("truncated.jpg", JPEG_BYTES[: len(JPEG_BYTES) // 2]),
    ],
)
def test_a_file_with_the_right_first_bytes_that_does_not_parse_is_refused(
    caseworker: Any, name: str, content: bytes
) -> None:
    case = ControlCaseFactory()
    with pytest.raises(ValidationError) as excinfo:
        case_document_upload(
            case=case,
            uploaded_file=SimpleUploadedFile(name, content, content_type="application/pdf"),
            document_type="LEASE",
            uploaded_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    assert "kan ikke åpnes som det" in str(excinfo.value.message_dict["file"])
    assert not CaseDocument.objects.exists()
    assert _files_on_disk(case) == []


def test_a_truncated_image_is_refused_even_when_pillow_loads_truncated_images(
    caseworker: Any, monkeypatch: Any
) -> None:
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint sets it
    for name, content in (("t.png", PNG_BYTES[:-20]), ("t.jpg", JPEG_BYTES[: len(JPEG_BYTES) // 2])):
        with pytest.raises(ValidationError, match="kan ikke åpnes som det"):
            case_document_upload(
                case=ControlCaseFactory(),
                uploaded_file=SimpleUploadedFile(name, content),
                document_type="LEASE",
                uploaded_by=caseworker,
                context=AuditContext(actor=caseworker),
            )


def test_a_password_protected_pdf_is_refused(caseworker: Any) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("hemmelig")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ValidationError, match="passordbeskyttet"):
        case_document_upload(
            case=ControlCaseFactory(),
            uploaded_file=SimpleUploadedFile("laast.pdf", buffer.getvalue()),
            document_type="LEASE",
            uploaded_by=caseworker,
            context=AuditContext(actor=caseworker),
        )


def test_a_file_over_ten_megabytes_is_refused(caseworker: Any) -> None:
    case = ControlCaseFactory()
    big = SimpleUploadedFile(
        "stor.pdf", PDF_BYTES + b"0" * MAX_DOCUMENT_BYTES, content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as excinfo:
        case_document_upload(
            case=case,
            uploaded_file=big,
            document_type="LEASE",
            uploaded_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    assert "største tillatte størrelse er 10 MB" in str(excinfo.value.message_dict["file"])
    assert not CaseDocument.objects.exists()
    assert _files_on_disk(case) == []


def test_no_upload_to_a_decided_case(caseworker: Any) -> None:
    case = ControlCaseFactory(locked=True, status=ControlCase.Status.DECIDED)
    with pytest.raises(ValidationError, match="låst"):
        case_document_upload(
            case=case,
            uploaded_file=SimpleUploadedFile("a.pdf", PDF_BYTES),
            document_type="LEASE",
            uploaded_by=caseworker,
            context=AuditContext(actor=caseworker),
        )
    assert _files_on_disk(case) == []


def test_the_upload_page_shows_the_error_and_stores_nothing(client_for: Any) -> None:
    case = ControlCaseFactory()
    response = client_for("saksbehandler").post(
        reverse("control:case-document-upload", args=[case.pk]),
        {"document_type": "LEASE", "file": SimpleUploadedFile("virus.pdf", EXE_BYTES)},
    )
    assert response.status_code == 400
    assert "ikke en PDF, JPEG eller PNG" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_download_streams_the_file_and_is_audited(client_for: Any, caseworker: Any) -> None:
    case = ControlCaseFactory()
    document = case_document_upload(
        case=case,
        uploaded_file=SimpleUploadedFile("leie.pdf", PDF_BYTES),
        document_type="LEASE",
        uploaded_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    response = client_for("leder").get(reverse("control:case-document-download", args=[case.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="control.case.document.download").exists()


def test_a_document_is_not_served_under_another_case(client_for: Any, caseworker: Any) -> None:
    case, other = ControlCaseFactory(), ControlCaseFactory()
    document = case_document_upload(
        case=case,
        uploaded_file=SimpleUploadedFile("l.pdf", PDF_BYTES),
        document_type="LEASE",
        uploaded_by=caseworker,
        context=AuditContext(actor=caseworker),
    )
    response = client_for("saksbehandler").get(
        reverse("control:case-document-download", args=[other.pk, document.pk])
    )
    assert response.status_code == 404
