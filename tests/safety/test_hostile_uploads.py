"""Hostile files driven through the real upload forms of the features: hazard photos
(随手拍), incident attachments and signed responsibility letters. None may be stored; the
form comes back naming the file and its true reason, with the rest of what the user typed
kept. PDFs cover every kind of active content the check refuses, names hidden with `#xx`
escapes, and every way a PDF can be broken."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import NamedTuple

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inspections.models import Hazard, Photo
from reporting.models import Incident, IncidentAttachment
from safety.models import ResponsibilityLetter, SafetyArea
from safety.preparedness.models import Plan, Scenario
from safety.responsibility import services
from tests import docx, pdfs
from tests.builders import jpeg_bytes
from tests.safety.responsibility.factories import assign

pytestmark = pytest.mark.django_db


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_bomb() -> bytes:
    """A 70-byte PNG that claims 50,000 × 50,000 pixels (2.5 billion)."""
    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def zip_bomb() -> bytes:
    """50 MB of zeros deflated into a few dozen kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("photos/1.jpg", b"\x00" * (50 * 1024 * 1024))
    return buffer.getvalue()


def corrupted_png() -> bytes:
    """A real photo with one byte of its pixel data flipped (the checksum no longer fits)."""
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 64).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    data[data.index(b"IDAT") + 20] ^= 0xFF
    return bytes(data)


class Hostile(NamedTuple):
    """A file, and the reason (in Chinese) a document field gives; a photo field gives
    `photo_reason` when that differs (a PDF is not a photo, whatever else is wrong)."""

    name: str
    data: bytes
    reason: str
    photo_reason: str | None = None


NOT_A_DOCUMENT = "不是 PDF 文件或照片"
NOT_A_PHOTO = "不是 JPEG、PNG 或 WebP 格式的照片"

HOSTILE = {
    "renamed text": Hostile(
        "现场.jpg", b"just some text pretending to be a photo", NOT_A_DOCUMENT, NOT_A_PHOTO
    ),
    "HTML with script": Hostile(
        "page.html",
        b"<html><script>alert(document.cookie)</script></html>",
        NOT_A_DOCUMENT,
        NOT_A_PHOTO,
    ),
    "SVG with script": Hostile(
        "drawing.svg",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        NOT_A_DOCUMENT,
        NOT_A_PHOTO,
    ),
    "PNG header + HTML": Hostile(
        "page.png",
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>",
        NOT_A_DOCUMENT,
        NOT_A_PHOTO,
    ),
    "zip bomb": Hostile("photos.zip", zip_bomb(), NOT_A_DOCUMENT, NOT_A_PHOTO),
    "zip bomb renamed": Hostile("bomb.jpg", zip_bomb(), NOT_A_DOCUMENT, NOT_A_PHOTO),
    "pixel bomb": Hostile("huge.png", pixel_bomb(), "图片像素过多"),
    "corrupted photo": Hostile("broken.png", corrupted_png(), "照片已损坏或不完整"),
    "oversized": Hostile("big.jpg", jpeg_bytes() + b"\x00" * (10 * 1024 * 1024), "文件超过 10 MB"),
    "empty": Hostile("empty.jpg", b"", "文件为空"),
    "wrong extension": Hostile(
        "setup.exe", b"MZ\x90\x00\x03\x00\x00\x00 this program", NOT_A_DOCUMENT, NOT_A_PHOTO
    ),
    "double extension": Hostile(
        "photo.jpg.php", b"<?php system($_GET['c']); ?>", NOT_A_DOCUMENT, NOT_A_PHOTO
    ),
    "double extension, image last": Hostile(
        "shell.php.jpg", b"<?php system($_GET['c']); ?>", NOT_A_DOCUMENT, NOT_A_PHOTO
    ),
    "GIF": Hostile("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", NOT_A_DOCUMENT, NOT_A_PHOTO),
    # PDFs: each kind of active content, by its own reason.
    "PDF with JavaScript": Hostile(
        "letter.pdf", pdfs.pdf_with_javascript(), "含有脚本（JavaScript）", NOT_A_PHOTO
    ),
    "PDF with hex-escaped names": Hostile(
        "escaped.pdf", pdfs.pdf_with_escaped_names(), "含有脚本（JavaScript）", NOT_A_PHOTO
    ),
    "PDF with an action on opening": Hostile(
        "print.pdf", pdfs.pdf_opening_with_an_action(), "自动执行的动作", NOT_A_PHOTO
    ),
    "PDF with page actions (AA)": Hostile(
        "page-aa.pdf", pdfs.pdf_with_page_actions(), "自动执行的动作", NOT_A_PHOTO
    ),
    "PDF launching a program": Hostile(
        "launch.pdf", pdfs.pdf_launching_a_program(), "启动其他程序", NOT_A_PHOTO
    ),
    "PDF with an embedded file": Hostile(
        "annex.pdf", pdfs.pdf_with_an_embedded_file(), "含有嵌入文件", NOT_A_PHOTO
    ),
    "PDF with an XFA form": Hostile(
        "xfa.pdf", pdfs.pdf_with_an_xfa_form(), "XFA 表单", NOT_A_PHOTO
    ),
    "PDF with rich media": Hostile(
        "flash.pdf", pdfs.pdf_with_rich_media(), "含有多媒体内容", NOT_A_PHOTO
    ),
    "PDF with a pixel bomb": Hostile(
        "scan.pdf", pdfs.pdf_with_a_pixel_bomb(), "图片像素过多", NOT_A_PHOTO
    ),
    # PDFs that are not what they claim, or cannot be checked.
    "HTML with a PDF signature": Hostile(
        "report.pdf", pdfs.html_with_a_pdf_signature(), "仅开头像 PDF", NOT_A_PHOTO
    ),
    "encrypted PDF": Hostile("secret.pdf", pdfs.encrypted_pdf(), "已加密", NOT_A_PHOTO),
    "truncated PDF": Hostile("cut.pdf", pdfs.truncated_pdf(), "缺少文件结尾", NOT_A_PHOTO),
    "unreadable PDF": Hostile("unreadable.pdf", pdfs.unreadable_pdf(), "无法读取", NOT_A_PHOTO),
    "PDF without pages": Hostile("blank.pdf", pdfs.pdf_without_pages(), "没有页面", NOT_A_PHOTO),
}


# Emergency plans (issue #14) also take Word documents (.docx): the hostile Word files, and
# the reasons the plan field gives where they differ (a zip container is checked as Word).
NOT_A_PLAN_DOCUMENT = "不是 PDF 文件、Word 文档（.docx）或照片"
DOCX_TOO_BIG = "解压后超过允许的大小"
HOSTILE_DOCX = {
    "renamed exe as docx": Hostile(
        "预案.docx", b"MZ\x90\x00\x03\x00\x00\x00 this program", NOT_A_PLAN_DOCUMENT
    ),
    "docx with an oversized part": Hostile("预案.docx", docx.bomb_docx(), DOCX_TOO_BIG),
    "docx with a macro part": Hostile("预案.docx", docx.vba_part_docx(), "含有宏"),
    "docm renamed docx": Hostile("预案.docx", docx.macro_docx(), "含有宏"),
    "macro content type": Hostile("预案.docx", docx.docx_bytes(main=docx.MACRO_MAIN), "启用宏"),
    "zip that is not Word": Hostile("预案.docx", docx.plain_zip(), "不是 Word 文档"),
}
PLAN_REASONS = {"zip bomb": DOCX_TOO_BIG, "zip bomb renamed": DOCX_TOO_BIG}


def hostile(case: str) -> SimpleUploadedFile:
    entry = HOSTILE.get(case) or HOSTILE_DOCX[case]
    return SimpleUploadedFile(entry.name, entry.data, content_type="image/jpeg")


def _refused(response, case: str, *, photo_field: bool = False) -> None:
    assert response.status_code in (200, 400), response.status_code
    page = response.content.decode()
    entry = HOSTILE[case]
    assert entry.name in page, "the error names the file"
    assert "未能上传" in page
    reason = (entry.photo_reason or entry.reason) if photo_field else entry.reason
    assert reason in page, f"the true reason: {reason}"


def test_at_least_ten_hostile_files():
    assert len(HOSTILE) >= 10


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hazard_photo_form_refuses(case, city, client_for):
    area = SafetyArea.objects.get(key="fire")
    response = client_for("staff_a").post(
        reverse("inspections:hazard_new"),
        {
            "area": area.pk,
            "location": "食堂后门",
            "description": "燃气管道锈蚀",
            "kind": "tangible",
            "severity": "general",
            "photos": [hostile(case)],
        },
    )
    _refused(response, case, photo_field=True)
    assert "燃气管道锈蚀" in response.content.decode(), "the rest of the form is kept"
    assert not Hazard.objects.exists()
    assert not Photo.objects.exists()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_incident_attachment_form_refuses(case, city, client_for):
    response = client_for("staff_a").post(
        reverse("incidents:incident_create"),
        {
            "category": "crush_stampede",
            "severity": "general",
            "occurred_at": "2026-11-28T08:00",
            "place": "操场东侧",
            "deaths": 0,
            "injured": 1,
            "missing": 0,
            "summary": "学生摔倒",
            "what_happened": "体育课上摔倒。",
            "reporter_name": "李娜",
            "reporter_phone": "13900000000",
            "attachments": [hostile(case)],
        },
    )
    _refused(response, case)
    assert "操场东侧" in response.content.decode(), "the rest of the form is kept"
    assert not Incident.objects.exists()
    assert not IncidentAttachment.objects.exists()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_signed_letter_form_refuses(case, city, client_for):
    letter = services.letter_issue(actor=None, assignment=assign(city.school_a, "class_teacher"))
    response = client_for("leader_a").post(
        reverse("responsibility:letter_sign", args=[letter.pk]),
        {"signed_on": "2026-09-10", "scan": hostile(case)},
    )
    _refused(response, case)
    assert "2026-09-10" in response.content.decode(), "the rest of the form is kept"
    letter.refresh_from_db()
    assert letter.status == ResponsibilityLetter.Status.ISSUED
    assert not letter.signed_scan


@pytest.mark.parametrize(
    "data", [pdfs.plain_pdf(pages=2), pdfs.weasyprint_pdf()], ids=["pypdf", "WeasyPrint"]
)
def test_signed_letter_form_accepts_a_plain_pdf(data, city, client_for):
    letter = services.letter_issue(actor=None, assignment=assign(city.school_a, "class_teacher"))
    response = client_for("leader_a").post(
        reverse("responsibility:letter_sign", args=[letter.pk]),
        {"signed_on": "2026-09-10", "scan": SimpleUploadedFile("签字页.pdf", data)},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == ResponsibilityLetter.Status.SIGNED
    assert letter.signed_scan.read() == data


@pytest.mark.parametrize("case", sorted(HOSTILE) + sorted(HOSTILE_DOCX))
def test_plan_document_form_refuses(case, city, client_for):
    entry = HOSTILE.get(case) or HOSTILE_DOCX[case]
    reason = PLAN_REASONS.get(case) or entry.reason
    if reason == NOT_A_DOCUMENT:
        reason = NOT_A_PLAN_DOCUMENT
    response = client_for("leader_a").post(
        reverse("preparedness:plan_new", args=[city.school_a.pk]),
        {
            "scenario": Scenario.objects.get(key="fire").pk,
            "title": "消防安全应急预案（修订稿）",
            "document": hostile(case),
        },
    )
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert entry.name in page and "未能上传" in page
    assert reason in page, f"the true reason: {reason}"
    assert "消防安全应急预案（修订稿）" in page, "the rest of the form is kept"
    assert not Plan.objects.exists()


def test_plan_document_form_accepts_a_word_document_and_serves_it_back(city, client_for):
    leader = client_for("leader_a")
    response = leader.post(
        reverse("preparedness:plan_new", args=[city.school_a.pk]),
        {
            "scenario": Scenario.objects.get(key="fire").pk,
            "title": "消防安全应急预案",
            "document": SimpleUploadedFile("消防预案.docx", docx.docx_bytes()),
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.document.name.endswith(".docx") and plan.document_name == "消防预案.docx"
    served = leader.get(reverse("preparedness:plan_document", args=[plan.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert served["Content-Disposition"].startswith("attachment")
    assert ".docx" in served["Content-Disposition"]
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == docx.docx_bytes()
