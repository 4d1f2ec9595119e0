"""Word documents (.docx) as plan documents: the container check (safety/uploads.py) and the
headers they are served back with."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from safety import uploads
from tests import docx
from tests.pdfs import plain_pdf


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_plain_word_document_is_accepted_as_is():
    data = docx.docx_bytes()
    cleaned = uploads.clean_plan_document(_upload("消防预案.docx", data))
    assert cleaned.content_type == uploads.DOCX_CONTENT_TYPE
    assert cleaned.extension == "docx"
    assert cleaned.content.read() == data
    assert cleaned.original_name == "消防预案.docx"


def test_pdf_and_photos_still_pass_the_plan_check():
    assert uploads.clean_plan_document(_upload("a.pdf", plain_pdf())).extension == "pdf"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("预案.docx", b"MZ\x90\x00" + b"\x00" * 64, "不是 PDF 文件、Word 文档（.docx）或照片"),
        ("预案.docx", docx.macro_docx(), "含有宏"),
        ("预案.docx", docx.vba_part_docx(), "含有宏"),
        (
            "预案.docx",
            docx.docx_bytes(main=docx.MACRO_MAIN),
            "启用宏",
        ),
        ("预案.docm", docx.docx_bytes(), "启用宏"),
        ("预案.docx", docx.bomb_docx(), "解压后"),
        ("预案.docx", docx.plain_zip(), "不是 Word 文档"),
        ("预案.docx", b"PK\x03\x04broken", "已损坏"),
        (
            "预案.docx",
            docx.docx_bytes(parts={"word/activeX/activeX1.bin": b"x"}),
            "宏",
        ),
        (
            "预案.docx",
            docx.docx_bytes(parts={"word/embeddings/oleObject1.bin": b"MZ"}),
            "宏",
        ),
        ("预案.docx", docx.docx_bytes(main="application/xml"), "不是 Word 文档"),
    ],
)
def test_hostile_word_documents_are_refused_with_the_reason(name, data, reason):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        uploads.clean_plan_document(_upload(name, data))
    message = " ".join(refused.value.messages)
    assert name in message and reason in message, message


def test_too_many_parts_are_refused():
    parts = {f"word/media/{n}.txt": "x" for n in range(uploads.DOCX_MAX_ENTRIES + 1)}
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        uploads.clean_plan_document(_upload("预案.docx", docx.docx_bytes(parts=parts)))
    assert "部件过多" in " ".join(refused.value.messages)


def test_the_ordinary_document_field_does_not_take_word_documents():
    with pytest.raises(ValidationError):
        uploads.clean_document(_upload("预案.docx", docx.docx_bytes()))
